package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher as a user runs it, {@code serve --embedded} in the background: first the
 * README's "five-minute tour", its code block read from README.md and run as written; then {@code
 * apply -f config/examples/}, {@code wait} for Ready, {@code get -o json}, {@code delete}, and the
 * containers gone from the embedded Proxmox simulator. Everything listens on loopback. It needs the
 * packaged application, so it runs in the {@code integration-test} phase of {@code ./mvnw verify}
 * (failsafe sets {@code cloudpods.e2e=true}).
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherEndToEndIT {
  private static final Path PROJECT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  private static final Path LAUNCHER = PROJECT.resolve("bin/cloudpods");
  private static final Path EXAMPLES = PROJECT.resolve("config/examples");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  private static Process server;
  private static Path serverLog;
  private static String api;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void startEmbeddedServer() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    api = "http://127.0.0.1:" + port;
    serverLog = work.resolve("serve.log");
    ProcessBuilder pb =
        new ProcessBuilder(
            LAUNCHER.toString(), "serve", "--embedded", "--port", String.valueOf(port));
    pb.directory(work.toFile());
    pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
    pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    pb.redirectErrorStream(true).redirectOutput(serverLog.toFile());
    server = pb.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      if (!server.isAlive()) {
        fail(
            "serve --embedded exited with "
                + server.exitValue()
                + ":\n"
                + Files.readString(serverLog));
      }
      if (cli("get", "tenants").exit() == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail("the API did not answer within 5 minutes:\n" + Files.readString(serverLog));
      }
      Thread.sleep(1000);
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** Runs the launcher in the server's working directory, where its admin token file lies. */
  static Run cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().remove("CLOUDPODS_TOKEN");
    pb.environment().remove("CLOUDPODS_TENANT");
    pb.environment().put("CLOUDPODS_SERVER", api);
    File out = Files.createTempFile(work, "out", ".txt").toFile();
    File err = Files.createTempFile(work, "err", ".txt").toFile();
    Process p = pb.redirectOutput(out).redirectError(err).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("cloudpods " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
  }

  /**
   * The tour's block, run by bash in the server's directory (where {@code .cloudpods/} is) with a
   * {@code bin/cloudpods} there that runs the launcher, and with history expansion on, as in the
   * terminal the README speaks of: a {@code !} in double quotes fails there.
   */
  @Test
  @Order(1)
  void readmeTour_runAsWrittenInTheReadme_succeedsAndPutsTheDriftBack() throws Exception {
    assumeTrue(onPath("curl") && onPath("jq"), "the README's tour needs curl and jq");
    String tour = ReadmeTour.commands(Files.readString(PROJECT.resolve("README.md")));
    Path script = work.resolve("tour.sh");
    Files.writeString(script, tour);
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path wrapper = bin.resolve("cloudpods");
    Files.writeString(wrapper, "#!/usr/bin/env bash\nexec '" + LAUNCHER + "' \"$@\"\n");
    assertThat(wrapper.toFile().setExecutable(true)).isTrue();

    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "--noprofile",
                "--norc",
                "-o",
                "history",
                "-H",
                "-e",
                "-o",
                "pipefail",
                script.toString())
            .directory(work.toFile());
    pb.environment().remove("CLOUDPODS_TOKEN");
    pb.environment().remove("CLOUDPODS_TENANT");
    pb.environment().put("CLOUDPODS_SERVER", api);
    pb.environment().put("HISTFILE", work.resolve("tour.history").toString());
    File out = work.resolve("tour.out").toFile();
    File err = work.resolve("tour.err").toFile();
    Process p = pb.redirectOutput(out).redirectError(err).start();
    boolean finished = p.waitFor(12, TimeUnit.MINUTES);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String stdout = Files.readString(out.toPath());
    String stderr = Files.readString(err.toPath());
    String both = "stdout:\n" + stdout + "\nstderr:\n" + stderr;
    try {
      assertThat(finished).as("the tour did not finish within 12 minutes\n" + both).isTrue();
      assertThat(p.exitValue()).as(both).isZero();
      assertThat(stderr).as(both).doesNotContain("event not found", "command not found");
      assertThat(stdout)
          .as(both)
          .contains("podset.cloudpods.io/shop created")
          .contains("podset.cloudpods.io/shop condition met")
          .contains("podset.cloudpods.io/shop configured")
          .contains("podset.cloudpods.io \"shop\" deleted");

      // the drift was made and put back: the controller set the cores back on the container
      Run events = cli("events", "-n", "tenant-123", "--limit", "1000", "-o", "json");
      assertThat(events.exit()).as(events.err()).isZero();
      List<String> shop0 = new ArrayList<>();
      JsonNode recent = JSON.readTree(events.out());
      for (JsonNode e : recent.isArray() ? recent : recent.path("items")) {
        if (e.path("name").asText().equals("shop-0")) {
          shop0.add(e.path("reason").asText() + " " + e.path("message").asText());
        }
      }
      assertThat(shop0)
          .as(both)
          .anyMatch(e -> e.startsWith("ConfigUpdated ") && e.contains("cores=1"));

      Run gone = cli("wait", "podset/shop", "--for=delete", "-n", "tenant-123", "--timeout=5m");
      assertThat(gone.exit()).as(gone.err()).isZero();
    } finally {
      for (String file : ReadmeTour.filesWritten(tour)) {
        Files.deleteIfExists(Path.of(file));
      }
    }
  }

  /** initdb's and the server's own lines go to {@code .cloudpods/postgres.log}, named once. */
  @Test
  @Order(3)
  void serveEmbedded_postgresOutput_goesToItsLogFileNotToTheConsole() throws Exception {
    String console = Files.readString(serverLog, StandardCharsets.UTF_8);
    Path pgLog = work.resolve(".cloudpods/postgres.log");

    assertThat(console)
        .doesNotContain("The files belonging to this database system")
        .doesNotContain("initdb")
        .doesNotContain("pg_ctl")
        .doesNotContain("database system is ready to accept connections");
    assertThat(console.lines().filter(l -> l.contains("postgres.log")))
        .singleElement()
        .asString()
        .startsWith("cloudpods: starting embedded PostgreSQL");
    assertThat(Files.readString(pgLog, StandardCharsets.UTF_8))
        .contains("The files belonging to this database system will be owned by user")
        .contains("database system is ready to accept connections");
  }

  /** A mistake in the zones of cluster default stops the start, naming the key; nothing serves. */
  @Test
  @Order(4)
  void serveWithABadZoneName_exits1NamingTheKey() throws Exception {
    assertThat(serveFailing("-Dcloudpods.zones.East=pve"))
        .contains(
            "cloudpods serve: could not start: cloudpods.zones.East: a zone name is lowercase"
                + " letters, digits and inner '-'");
  }

  /** Lease timings that would never permit a change stop the start, naming the setting. */
  @Test
  @Order(5)
  void serveWithACallTimeoutLongerThanTheLeaseAllows_exits1NamingTheKey() throws Exception {
    assertThat(serveFailing("-Dcloudpods.leases.call-timeout=5s"))
        .contains(
            "cloudpods serve: could not start: cloudpods.leases.call-timeout: 5s must be shorter"
                + " than cloudpods.leases.duration (6s) minus cloudpods.leases.retry-period (1s)");
  }

  /**
   * Runs {@code serve --embedded} with {@code javaOpts}; asserts it exits 1 and returns its log.
   */
  private String serveFailing(String javaOpts) throws Exception {
    Path other = Files.createTempDirectory(work, "bad-setting");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = other.resolve("serve.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "serve",
                "--embedded",
                "--port",
                String.valueOf(port),
                "--sim-port",
                "0")
            .directory(other.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    pb.environment().put("CLOUDPODS_SKIP_BUILD", "1");
    pb.environment().put("CLOUDPODS_JAVA_OPTS", javaOpts);
    Process p = pb.start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("serve with " + javaOpts + " did not stop:\n" + Files.readString(log));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    return out;
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  @Test
  @Order(2)
  void examples_applyWaitGetDelete_containersGoneFromSimulator() throws Exception {
    Run apply = cli("apply", "-f", EXAMPLES.toString());
    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(apply.out().lines().toList())
        .isNotEmpty()
        .allMatch(
            l ->
                l.matches(
                    "(tenant|ippool|cloudpod|podset|backuppolicy)\\.cloudpods\\.io/\\S+ (created|configured|unchanged)"));

    Run ready = cli("wait", "-f", EXAMPLES.toString(), "--for=condition=Ready", "--timeout=5m");
    assertThat(ready.exit()).as(ready.err()).isZero();

    Run get = cli("get", "cloudpods", "-o", "json");
    assertThat(get.exit()).as(get.err()).isZero();
    JsonNode list = JSON.readTree(get.out());
    assertThat(list.path("kind").asText()).isEqualTo("CloudPodList");
    Map<String, JsonNode> pods = new TreeMap<>();
    list.path("items").forEach(p -> pods.put(p.path("metadata").path("name").asText(), p));
    assertThat(pods).containsKeys("cloudpod-9101", "web-1", "workers-0", "workers-1", "workers-2");
    assertThat(pods.get("cloudpod-9101").path("status").path("vmid").asInt()).isEqualTo(9101);
    assertThat(pods.get("cloudpod-9101").path("status").path("ip").asText())
        .isEqualTo("10.1.10.91");
    // the second region's pod lives in its own simulator and is not deleted below
    assertThat(pods.get("web-west-1").path("status").path("cluster").asText()).isEqualTo("west");
    pods.remove("web-west-1");
    List<Integer> vmids = new ArrayList<>();
    for (JsonNode p : pods.values()) {
      assertThat(p.path("status").path("vmid").isInt()).as(p.toString()).isTrue();
      assertThat(p.path("status").path("node").asText()).as(p.toString()).isNotEmpty();
      vmids.add(p.path("status").path("vmid").asInt());
    }

    Run delete =
        cli(
            "delete",
            "-f",
            EXAMPLES.resolve("02-cloudpods.yaml").toString(),
            "-f",
            EXAMPLES.resolve("03-podset-workers.yaml").toString());
    assertThat(delete.exit()).as(delete.err()).isZero();
    List<String> refs = pods.keySet().stream().map(n -> "cloudpod/" + n).toList();
    List<String> waitArgs = new ArrayList<>(List.of("wait"));
    waitArgs.addAll(refs);
    waitArgs.addAll(List.of("--for=delete", "--tenant", "tenant-123", "--timeout=5m"));
    Run gone = cli(waitArgs.toArray(String[]::new));
    assertThat(gone.exit()).as(gone.err()).isZero();

    assertThat(simulatorVmids()).doesNotContainAnyElementsOf(vmids);
  }

  /**
   * The VMIDs the embedded simulator still holds, read through its Proxmox API with the address and
   * token {@code serve --embedded} printed.
   */
  private static List<Integer> simulatorVmids() throws Exception {
    Path state = work.resolve(".cloudpods");
    if (!Files.exists(state.resolve("sim-url")) || !Files.exists(state.resolve("sim-token"))) {
      fail(
          "serve --embedded did not record the simulator's address and token in .cloudpods/:\n"
              + Files.readString(serverLog, StandardCharsets.UTF_8));
    }
    String sim = Files.readString(state.resolve("sim-url")).trim();
    String tokenId = "cloudpods@pve!controller";
    String secret = Files.readString(state.resolve("sim-token")).trim();
    assertThat(Files.readString(serverLog, StandardCharsets.UTF_8))
        .contains(sim)
        .contains(tokenId + "=" + secret);
    X509TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {trustAll}, null);
    OkHttpClient client =
        new OkHttpClient.Builder()
            .sslSocketFactory(ssl.getSocketFactory(), trustAll)
            .hostnameVerifier((h, s) -> true)
            .callTimeout(Duration.ofSeconds(30))
            .build();
    Request r =
        new Request.Builder()
            .url(sim + "/cluster/resources?type=vm")
            .header("Authorization", "PVEAPIToken=" + tokenId + "=" + secret)
            .build();
    try (Response resp = client.newCall(r).execute()) {
      assertThat(resp.code()).as("simulator answer").isEqualTo(200);
      List<Integer> vmids = new ArrayList<>();
      JSON.readTree(resp.body().string())
          .path("data")
          .forEach(n -> vmids.add(n.path("vmid").asInt()));
      return vmids;
    }
  }
}
