package io.cloudpods.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.testsupport.DebianTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every dashboard in {@code config/grafana/} against a real Prometheus (Debian's
 * {@code prometheus} package) that scraped the packaged {@code serve --embedded} with a read-only
 * token, after the examples converged, a pod was resized and another deleted. Each panel target
 * gets Grafana's substitutions (the first value of each variable, {@code $__rate_interval} and the
 * like) and must answer without error and with at least one finite value; a failure names the
 * dashboard, the panel and the query. Everything listens on 127.0.0.1.
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
class GrafanaDashboardsIT {
  private static final Path PROJECT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  private static final Path LAUNCHER = PROJECT.resolve("bin/cloudpods");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir static Path work;
  private static Process server;
  private static Process prometheus;
  private static String api;
  private static String prom;
  private static String admin;

  @BeforeAll
  static void scrapeAConvergedFleet() throws Exception {
    Path promBin = DebianTools.binary("prometheus", "prometheus");
    int port = freePort();
    api = "http://127.0.0.1:" + port;
    Path serveLog = work.resolve("serve.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "serve",
                "--embedded",
                "--port",
                Integer.toString(port),
                "--sim-port",
                "0")
            .directory(work.toFile());
    pb.environment().remove("QUARKUS_HTTP_HOST");
    pb.environment().remove("QUARKUS_HTTP_PORT");
    pb.environment().put("CLOUDPODS_SKIP_BUILD", "1");
    // fresh fleet figures for a test that lasts a minute (the default is 15 s)
    pb.environment().put("CLOUDPODS_METRICS_REFRESH_INTERVAL", "1s");
    server = pb.redirectErrorStream(true).redirectOutput(serveLog.toFile()).start();
    waitUntil(
        "serve --embedded answers",
        Duration.ofMinutes(4),
        () ->
            Files.exists(work.resolve(".cloudpods/admin-token"))
                && get(api + "/q/health/ready", null) == 200,
        serveLog);
    admin = Files.readString(work.resolve(".cloudpods/admin-token")).strip();

    // Prometheus scrapes with a read-only token, as docs/OBSERVABILITY.md shows
    JsonNode token =
        JSON.readTree(
            send(
                "POST",
                api + "/api/v1/tokens",
                "application/json",
                "{\"name\":\"prometheus\",\"role\":\"readonly\"}",
                201));
    Path tokenFile = work.resolve("cloudpods-token");
    Files.writeString(tokenFile, token.path("token").asText());
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    int promPort = freePort();
    prom = "http://127.0.0.1:" + promPort;
    Path config = work.resolve("prometheus.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  scrape_timeout: 1s",
            "scrape_configs:",
            "  - job_name: cloudpods",
            "    metrics_path: /q/metrics",
            "    authorization:",
            "      type: Bearer",
            "      credentials_file: " + tokenFile,
            "    static_configs:",
            "      - targets: [\"127.0.0.1:" + port + "\"]",
            ""));
    Path promLog = work.resolve("prometheus.log");
    prometheus =
        new ProcessBuilder(
                promBin.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + promPort,
                "--log.level=warn")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(promLog.toFile())
            .start();
    waitUntil(
        "Prometheus scrapes the app",
        Duration.ofMinutes(1),
        () -> finite(query("up{job=\"cloudpods\"} == 1")),
        promLog);

    // the examples, a resize and a delete
    String examples;
    try (Stream<Path> files = Files.list(PROJECT.resolve("config/examples"))) {
      examples =
          files.sorted().map(GrafanaDashboardsIT::read).collect(Collectors.joining("\n---\n"));
    }
    send("POST", api + "/api/v1/apply", "application/yaml", examples, 200);
    waitUntil("the examples are Ready", Duration.ofMinutes(3), () -> readyPods() == 6, serveLog);
    send(
        "POST",
        api + "/api/v1/apply",
        "application/yaml",
        read(PROJECT.resolve("config/examples/02-cloudpods.yaml")).replace("cores: 1", "cores: 2"),
        200);
    send("DELETE", api + "/api/v1/tenants/tenant-123/cloudpods/cloudpod-9101", null, null, 200);
    waitUntil(
        "the resize is Ready and the deleted pod gone",
        Duration.ofMinutes(2),
        () -> readyPods() == 5 && generationReady("web-1", 2),
        serveLog);
    waitUntil(
        "Prometheus saw the resize and the deletion",
        Duration.ofMinutes(1),
        () ->
            finite(query("cloudpods_convergence_seconds_count{action=\"resize\"} > 0"))
                && finite(query("sum(cloudpods_pods) == 5")),
        promLog);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process p : new Process[] {prometheus, server}) {
      if (p != null) {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  @Test
  void everyPanelQuery_returnsDataFromAPrometheusThatScrapedTheApp() throws Exception {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (GrafanaDashboards.Dashboard d : GrafanaDashboards.all()) {
      Map<String, String> values = new HashMap<>(GrafanaDashboards.BUILT_INS);
      for (JsonNode v : d.variables().values()) {
        String name = v.path("name").asText();
        if (v.path("type").asText().equals("datasource")) {
          values.put(name, "prometheus");
          continue;
        }
        String[] lv = GrafanaDashboards.labelValues(GrafanaDashboards.variableQuery(v));
        List<String> found = labelValues(lv[0], lv[1]);
        if (found.isEmpty()) {
          failures.add(d.title() + ": variable " + name + " has no value");
          continue;
        }
        values.put(name, found.get(0));
      }
      for (GrafanaDashboards.Target t : d.targets()) {
        checked++;
        String expr = GrafanaDashboards.substitute(t.expr(), n -> values.getOrDefault(n, "$" + n));
        JsonNode answer = query(expr);
        if (!answer.path("status").asText().equals("success")) {
          failures.add(t + "\n    -> " + answer.path("error").asText());
        } else if (!finite(answer)) {
          failures.add(t + "\n    -> no data: " + answer.path("data").path("result"));
        }
      }
    }

    assertThat(checked).isGreaterThanOrEqualTo(40);
    assertThat(failures).as("panel queries that failed or returned no data").isEmpty();
  }

  private static int readyPods() {
    try {
      JsonNode list = JSON.readTree(send("GET", api + "/api/v1/cloudpods", null, null, 200));
      int ready = 0;
      for (JsonNode pod : list.path("items")) {
        for (JsonNode c : pod.path("status").path("conditions")) {
          if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
            ready++;
          }
        }
      }
      return ready;
    } catch (IOException e) {
      return -1;
    }
  }

  private static boolean generationReady(String name, long generation) {
    try {
      JsonNode pod =
          JSON.readTree(
              send("GET", api + "/api/v1/tenants/tenant-123/cloudpods/" + name, null, null, 200));
      boolean ready = false;
      for (JsonNode c : pod.path("status").path("conditions")) {
        ready |=
            c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True");
      }
      return ready && pod.path("status").path("observedGeneration").asLong() == generation;
    } catch (IOException e) {
      return false;
    }
  }

  /** Values of {@code label} on the series {@code selector} matches, sorted as Grafana does. */
  private static List<String> labelValues(String selector, String label) throws IOException {
    JsonNode r =
        JSON.readTree(
            promGet(
                "/api/v1/label/"
                    + label
                    + "/values?match[]="
                    + URLEncoder.encode(selector, StandardCharsets.UTF_8)));
    List<String> out = new ArrayList<>();
    r.path("data").forEach(v -> out.add(v.asText()));
    out.sort(null);
    return out;
  }

  private static JsonNode query(String expr) {
    try {
      return JSON.readTree(
          promGet("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return JSON.createObjectNode().put("status", "error").put("error", e.toString());
    }
  }

  /** An instant answer with at least one finite sample (a vector, or a scalar). */
  private static boolean finite(JsonNode answer) {
    JsonNode data = answer.path("data");
    List<JsonNode> samples = new ArrayList<>();
    if (data.path("resultType").asText().equals("scalar")) {
      samples.add(data.path("result"));
    } else {
      data.path("result").forEach(s -> samples.add(s.path("value")));
    }
    return samples.stream()
        .map(v -> v.path(1).asText())
        .anyMatch(v -> !v.isEmpty() && !v.equals("NaN") && !v.contains("Inf"));
  }

  private static String promGet(String path) throws IOException {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(prom + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static int get(String url, String token) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String send(String method, String url, String type, String body, int expected)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + admin)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected && !(expected == 200 && r.statusCode() / 100 == 2)) {
        throw new IOException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void waitUntil(String what, Duration atMost, BooleanSupplier done, Path log)
      throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!done.getAsBoolean()) {
      if (!server.isAlive() || (prometheus != null && !prometheus.isAlive())) {
        fail(what + ": a process exited:\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        fail(what + ": not within " + atMost + ":\n" + Files.readString(log));
      }
      Thread.sleep(500);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
