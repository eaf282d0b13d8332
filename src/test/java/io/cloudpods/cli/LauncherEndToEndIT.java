package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour through the packaged launcher, as a user types it: {@code serve --embedded} in
 * the background, {@code apply -f config/examples/}, {@code wait} for Ready, {@code get -o json},
 * {@code delete}, and the containers gone from the embedded Proxmox simulator. Everything listens
 * on loopback. It needs the packaged application, so it runs in the {@code integration-test} phase
 * of {@code ./mvnw verify} (failsafe sets {@code cloudpods.e2e=true}).
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
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

  @Test
  void readmeTour_applyWaitGetDelete_containersGoneFromSimulator() throws Exception {
    Run apply = cli("apply", "-f", EXAMPLES.toString());
    assertThat(apply.exit()).as(apply.err()).isZero();
    assertThat(apply.out().lines().toList())
        .isNotEmpty()
        .allMatch(
            l ->
                l.matches(
                    "(tenant|ippool|cloudpod|podset)\\.cloudpods\\.io/\\S+ (created|configured|unchanged)"));

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
