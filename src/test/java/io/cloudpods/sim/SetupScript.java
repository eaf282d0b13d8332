package io.cloudpods.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Runs {@code config/proxmox-token-setup.sh} with stand-ins for {@code pveum}, {@code pvesh} and
 * {@code openssl} that only record their arguments (so bash itself expands the script's variables),
 * then replays every {@code pveum} call against a simulator through its {@code /access} API, as
 * {@code pveum} does on a node.
 */
public final class SetupScript {
  public static final Path SCRIPT = Path.of("config/proxmox-token-setup.sh");

  /** The token the script made: id and the secret answered once. */
  public record Token(String id, String secret) {}

  private SetupScript() {}

  /** The argument vectors of the script's {@code pveum} calls, in order. */
  public static List<List<String>> pveumCalls() {
    try {
      Path dir = Files.createTempDirectory("pveum-stub");
      Path calls = Files.createDirectory(dir.resolve("calls"));
      Path bin = Files.createDirectory(dir.resolve("bin"));
      stub(
          bin.resolve("pveum"),
          "#!/usr/bin/env bash\n"
              + "n=$(ls \"$CALLS_DIR\" | wc -l)\n"
              + "printf '%s\\0' \"$@\" > \"$CALLS_DIR/$(printf %04d \"$n\")\"\n");
      stub(bin.resolve("pvesh"), "#!/usr/bin/env bash\nexit 0\n");
      stub(bin.resolve("openssl"), "#!/usr/bin/env bash\necho 'SHA256 Fingerprint=AA:BB'\n");
      ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
      pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
      pb.environment().put("CALLS_DIR", calls.toString());
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("setup script failed: " + out);
      }
      List<List<String>> result = new ArrayList<>();
      try (Stream<Path> files = Files.list(calls)) {
        for (Path f : files.sorted().toList()) {
          String raw = Files.readString(f, StandardCharsets.UTF_8);
          List<String> argv = new ArrayList<>(Arrays.asList(raw.split("\0", -1)));
          argv.remove(argv.size() - 1); // after the last NUL
          result.add(argv);
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void stub(Path file, String body) throws IOException {
    Files.writeString(file, body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * Applies the script's {@code pveum} calls to the simulator at {@code baseUrl} with the given
   * (root) {@code Authorization} header and returns the token it created.
   */
  public static Token apply(String baseUrl, String rootAuthorization) {
    Api api = new Api(baseUrl, rootAuthorization);
    Token token = null;
    for (List<String> argv : pveumCalls()) {
      List<String> pos = new ArrayList<>();
      Map<String, String> opts = new LinkedHashMap<>();
      for (int i = 0; i < argv.size(); i++) {
        String a = argv.get(i);
        if (a.startsWith("-")) {
          opts.put(a.replaceFirst("^--?", ""), argv.get(++i));
        } else {
          pos.add(a);
        }
      }
      String cmd = String.join(" ", pos.subList(0, Math.min(pos.size(), 3)));
      if (cmd.startsWith("role add")) {
        opts.put("roleid", pos.get(2));
        api.send("POST", "/access/roles", opts);
      } else if (cmd.startsWith("user add")) {
        opts.put("userid", pos.get(2));
        api.send("POST", "/access/users", opts);
      } else if (cmd.equals("user token add")) {
        JsonNode data =
            api.send("POST", "/access/users/" + pos.get(3) + "/token/" + pos.get(4), opts);
        token = new Token(data.get("full-tokenid").asText(), data.get("value").asText());
      } else if (cmd.equals("user token permissions")) {
        api.send("GET", "/access/permissions", Map.of("userid", pos.get(3) + "!" + pos.get(4)));
      } else if (cmd.startsWith("acl modify")) {
        opts.put("path", pos.get(2));
        api.send("PUT", "/access/acl", opts);
      } else {
        throw new AssertionError("no /access mapping for pveum " + argv);
      }
    }
    if (token == null) {
      throw new AssertionError("the setup script made no token");
    }
    return token;
  }

  private static final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient();
    private final String base;
    private final String auth;

    Api(String base, String auth) {
      this.base = base;
      this.auth = auth;
    }

    JsonNode send(String method, String path, Map<String, String> params) {
      Request.Builder rb = new Request.Builder().header("Authorization", auth);
      if (method.equals("GET")) {
        HttpUrl.Builder url = HttpUrl.get(base + path).newBuilder();
        params.forEach(url::addQueryParameter);
        rb.url(url.build()).get();
      } else {
        FormBody.Builder form = new FormBody.Builder();
        params.forEach(form::add);
        rb.url(base + path).method(method, form.build());
      }
      try (Response r = http.newCall(rb.build()).execute()) {
        String body = r.body() == null ? "" : r.body().string();
        if (r.code() != 200) {
          throw new AssertionError(
              method + " " + path + " " + params + " -> " + r.code() + " " + r.message());
        }
        return JSON.readTree(body).get("data");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
