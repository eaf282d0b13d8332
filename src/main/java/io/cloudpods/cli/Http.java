package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The REST API as the CLI sees it: JSON trees in, JSON trees out, every failure turned into one
 * {@link CliException} whose message can be shown as is. The token is only ever put in the {@code
 * Authorization} header, never into a message.
 */
final class Http implements AutoCloseable {
  static final MediaType JSON = MediaType.get("application/json");
  static final MediaType YAML = MediaType.get("application/yaml");

  private final HttpUrl base;
  private final String token;
  private final OkHttpClient client;

  Http(String server, String token) {
    this(server, token, null);
  }

  /**
   * @param caCert PEM certificates to trust for an https:// server instead of the JDK's trust store
   *     (a self-signed server certificate), or null
   */
  Http(String server, String token, java.nio.file.Path caCert) {
    HttpUrl parsed = HttpUrl.parse(server);
    if (parsed == null) {
      throw CliException.usage(
          "invalid server URL '" + server + "' (expected e.g. http://localhost:8080)");
    }
    this.base = parsed;
    this.token = token;
    OkHttpClient.Builder b = new OkHttpClient.Builder();
    if (!parsed.isHttps()) {
      // plain HTTP: skip loading the JDK's trust store, a noticeable share of start-up time
      b.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
    } else if (caCert != null) {
      javax.net.ssl.X509TrustManager trust = TrustedCertificates.from(caCert);
      b.sslSocketFactory(TrustedCertificates.socketFactory(trust), trust);
    }
    this.client =
        b.connectTimeout(3, TimeUnit.SECONDS)
            .readTimeout(60, TimeUnit.SECONDS)
            .writeTimeout(60, TimeUnit.SECONDS)
            // recovers from a pooled connection the server has closed (HTTP/1.0 servers, proxies)
            .retryOnConnectionFailure(true)
            .build();
  }

  /** Percent-encodes one path segment. */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  String server() {
    String s = base.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** {@code GET path}; a 404 is a failure. */
  JsonNode get(String path) {
    return call("GET", path, null);
  }

  /** {@code GET path}; empty when the server answers 404. */
  Optional<JsonNode> find(String path) {
    try {
      return Optional.of(get(path));
    } catch (ServerException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  JsonNode call(String method, String path, RequestBody body) {
    try (Response r = execute(client, method, path, body)) {
      String text = r.body() == null ? "" : r.body().string();
      if (!r.isSuccessful()) {
        throw error(r.code(), r.message(), text);
      }
      return text.isBlank()
          ? Json.NODES.nullNode()
          : Json.parse(text, "the server's answer to " + method + " " + path);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /**
   * Opens a long-lived response (Server-Sent Events): no read timeout. The caller closes it. Error
   * statuses are turned into exceptions here.
   */
  Response stream(String path) {
    OkHttpClient streaming = client.newBuilder().readTimeout(0, TimeUnit.MILLISECONDS).build();
    try {
      Response r = execute(streaming, "GET", path, null);
      if (!r.isSuccessful()) {
        try (r) {
          ResponseBody b = r.body();
          throw error(r.code(), r.message(), b == null ? "" : b.string());
        }
      }
      return r;
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private Response execute(OkHttpClient c, String method, String path, RequestBody body)
      throws IOException {
    HttpUrl url = resolve(path);
    Request.Builder b = new Request.Builder().url(url).header("Accept", "application/json");
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(
        method,
        body == null && (method.equals("POST") || method.equals("PUT"))
            ? RequestBody.create(new byte[0])
            : body);
    return c.newCall(b.build()).execute();
  }

  /**
   * {@code path} may carry a query ({@code /api/v1/apply?dryRun=true}); it is appended to the base
   * URL.
   */
  private HttpUrl resolve(String path) {
    String basePath =
        base.encodedPath().endsWith("/")
            ? base.encodedPath().substring(0, base.encodedPath().length() - 1)
            : base.encodedPath();
    int q = path.indexOf('?');
    HttpUrl.Builder b =
        base.newBuilder().encodedPath(basePath + (q < 0 ? path : path.substring(0, q)));
    b.encodedQuery(q < 0 ? null : path.substring(q + 1));
    return b.build();
  }

  private CliException unreachable(IOException e) {
    if (e instanceof ConnectException) {
      return CliException.failure(
          "cannot reach the CloudPods API at " + server() + " (is 'cloudpods serve' running?)");
    }
    if (e instanceof UnknownHostException) {
      return CliException.failure(
          "cannot reach the CloudPods API at " + server() + ": unknown host " + base.host());
    }
    if (e instanceof SocketTimeoutException) {
      return CliException.failure("the CloudPods API at " + server() + " did not answer in time");
    }
    return CliException.failure(
        "cannot reach the CloudPods API at " + server() + ": " + e.getMessage());
  }

  /**
   * The error body {@code {"code","reason","message","details":[{"field","message"}]}} becomes the
   * message plus one detail line per field; anything else is shown with the HTTP status.
   */
  private ServerException error(int status, String httpMessage, String text) {
    JsonNode body = null;
    try {
      body = text.isBlank() ? null : Json.readJson(text);
    } catch (IOException | RuntimeException ignored) {
      // not JSON: shown as text below
    }
    if (body != null && body.isObject() && body.hasNonNull("message")) {
      String reason = body.path("reason").asText("");
      String message = body.get("message").asText();
      List<String> details = new ArrayList<>();
      JsonNode d = body.path("details");
      if (d.isArray() && d.size() > 1) {
        for (JsonNode item : d) {
          String field = item.path("field").asText("");
          String m = item.path("message").asText("");
          details.add(field.isEmpty() ? m : field + ": " + m);
        }
      }
      String hint = "";
      if (status == 401) {
        hint =
            " (use --token-file, CLOUDPODS_TOKEN_FILE or CLOUDPODS_TOKEN, or run from the directory"
                + " holding .cloudpods/admin-token)";
      }
      return new ServerException(status, reason, message + hint, details);
    }
    String snippet = text.strip();
    if (snippet.length() > 200) {
      snippet = snippet.substring(0, 200) + "...";
    }
    String phrase = httpMessage == null || httpMessage.isBlank() ? "" : " " + httpMessage;
    return new ServerException(
        status,
        "",
        "the server answered " + status + phrase + (snippet.isEmpty() ? "" : ": " + snippet),
        List.of());
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
