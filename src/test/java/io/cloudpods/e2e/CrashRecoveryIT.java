package io.cloudpods.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.embedded.EmbeddedDatabase;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged controller, killed with SIGKILL at random moments while it provisions, scales and
 * deletes, and restarted: it must converge without duplicate containers, lost pods, leaked
 * addresses or VMIDs, and without touching foreign guests. PostgreSQL and the simulated cluster
 * live in the test process, so they outlive every controller process.
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
class CrashRecoveryIT {

  private static final Path PROJECT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  private static final Path LAUNCHER = PROJECT.resolve("bin/cloudpods");
  private static final String TOKEN = "crash-test-admin-token";
  private static final String SIM_TOKEN_ID = "cloudpods@pve!controller";
  private static final String SIM_SECRET = "4b8e2c1a-7f3d-4e6a-9c0b-2d5f8a1e3c77";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType YAML = MediaType.get("application/yaml");

  @TempDir static Path work;
  private static EmbeddedDatabase db;
  private static ProxmoxSimulator sim;
  private static int port;
  private static Process controller;
  private static int starts;
  private static final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();

  @BeforeAll
  static void startDatabaseAndCluster() throws Exception {
    db = EmbeddedDatabase.startEphemeral();
    sim =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(SIM_TOKEN_ID, SIM_SECRET)
                .timeScale(0.03)
                .resourcesLag(Duration.ofSeconds(10))
                .authFailureDelay(Duration.ZERO)
                .build());
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
  }

  @AfterAll
  static void stopAll() throws IOException {
    if (controller != null) {
      controller.destroyForcibly();
    }
    if (sim != null) {
      sim.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private static void startController() throws Exception {
    Path log = work.resolve("controller-" + (++starts) + ".log");
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "serve", "--port", Integer.toString(port));
    pb.directory(work.toFile());
    Map<String, String> env = pb.environment();
    env.put("CLOUDPODS_SKIP_BUILD", "1");
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl());
    env.put("QUARKUS_DATASOURCE_USERNAME", db.username());
    env.put("QUARKUS_DATASOURCE_PASSWORD", db.password());
    env.put("CLOUDPODS_PROXMOX_URL", sim.baseUrl());
    env.put("CLOUDPODS_PROXMOX_TOKEN_ID", SIM_TOKEN_ID);
    env.put("CLOUDPODS_PROXMOX_TOKEN_SECRET", SIM_SECRET);
    env.put("CLOUDPODS_AUTH_BOOTSTRAP_TOKEN", TOKEN);
    env.put("CLOUDPODS_RECONCILE_ADDRESS_PROBE", "false");
    env.put("CLOUDPODS_RECONCILE_RESYNC_INTERVAL", "3s");
    env.put("CLOUDPODS_RECONCILE_TASK_POLL_INTERVAL", "200ms");
    env.put("CLOUDPODS_RECONCILE_LOCKED_RECHECK", "300ms");
    env.put("CLOUDPODS_RECONCILE_BACKOFF_MAX", "3s");
    env.put("CLOUDPODS_RECONCILE_SHUTDOWN_TIMEOUT_SECONDS", "5");
    controller = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    waitUntil(Duration.ofMinutes(3), () -> {
      if (!controller.isAlive()) {
        try {
          fail("controller exited with " + controller.exitValue() + ":\n" + Files.readString(log));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      return get("/api/v1/tenants") != null;
    });
  }

  /** Proxmox tasks that were running at each kill: proof the kills hit work in flight. */
  private static final List<Integer> tasksAtKill = new java.util.ArrayList<>();

  private static void killController() throws InterruptedException {
    tasksAtKill.add(sim.runningTasks());
    controller.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful anything
    controller.waitFor(30, TimeUnit.SECONDS);
  }

  private static JsonNode get(String path) {
    Request r = new Request.Builder().url("http://127.0.0.1:" + port + path).header("Authorization", "Bearer " + TOKEN).build();
    try (Response resp = http.newCall(r).execute()) {
      return resp.code() == 200 ? JSON.readTree(resp.body().string()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void send(String method, String path, String yaml) throws IOException {
    Request r =
        new Request.Builder()
            .url("http://127.0.0.1:" + port + path)
            .header("Authorization", "Bearer " + TOKEN)
            .method(method, yaml == null ? null : RequestBody.create(yaml, YAML))
            .build();
    try (Response resp = http.newCall(r).execute()) {
      assertThat(resp.code()).as(method + " " + path + ": " + resp.body().string()).isBetween(200, 299);
    }
  }

  private static String podSet(int replicas) {
    return """
        apiVersion: cloudpods.io/v1alpha1
        kind: PodSet
        metadata: {name: crash, tenant: crashers}
        spec:
          replicas: %d
          template:
            spec: {cores: 1, memoryMb: 512, swapMb: 256, diskGb: 8}
        """.formatted(replicas);
  }

  private static void waitUntil(Duration max, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within " + max);
      }
      Thread.sleep(500);
    }
  }

  private static int readyReplicas() {
    JsonNode set = get("/api/v1/tenants/crashers/podsets/crash");
    return set == null ? -1 : set.path("status").path("readyReplicas").asInt(-1);
  }

  private static Map<Integer, String> allocations() throws SQLException {
    Map<Integer, String> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT vmid, ip FROM pod_allocation")) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getString(2));
      }
    }
    return out;
  }

  @Test
  void controllerKilledAtRandomMoments_convergesWithoutDuplicatesOrLeaks() throws Exception {
    SimCluster cluster = new SimCluster(sim);
    Map<Integer, String> foreignBefore = cluster.foreignDigests();
    Random random = new Random(20261125L);

    startController();
    send("POST", "/api/v1/apply", """
        apiVersion: cloudpods.io/v1alpha1
        kind: IpPool
        metadata: {name: default}
        spec: {cidr: 10.1.10.0/24, gateway: 10.1.10.1, rangeStart: 10.1.10.50, rangeEnd: 10.1.10.250, reserved: [10.1.10.70, 10.1.10.90]}
        ---
        apiVersion: cloudpods.io/v1alpha1
        kind: Tenant
        metadata: {name: crashers}
        spec: {displayName: Crash test}
        ---
        """ + podSet(12));

    // provisioning, interrupted twice
    for (int i = 0; i < 2; i++) {
      Thread.sleep(1500 + random.nextInt(3000));
      killController();
      startController();
    }
    // scale down while it is still busy, then interrupt again
    send("POST", "/api/v1/apply", podSet(8));
    Thread.sleep(1000 + random.nextInt(2000));
    killController();
    startController();

    waitUntil(Duration.ofMinutes(5), () -> readyReplicas() == 8 && cluster.managed().size() == 8);
    assertThat(tasksAtKill).as("Proxmox tasks running at each kill").anyMatch(n -> n > 0);

    List<SimGuest> ours = cluster.managed();
    Set<String> uidTags = new HashSet<>();
    ours.forEach(g -> g.tags().stream().filter(t -> t.startsWith("cp-")).forEach(uidTags::add));
    assertThat(uidTags).as("one container per pod, no duplicates").hasSize(8);
    assertThat(ours.stream().map(SimGuest::ip).distinct()).hasSize(8);
    Map<Integer, String> alloc = allocations();
    Map<Integer, String> seen = new HashMap<>();
    ours.forEach(g -> seen.put(g.vmid(), g.ip()));
    assertThat(alloc).as("database reservations equal what Proxmox has").isEqualTo(seen);
    assertThat(cluster.foreignDigests()).isEqualTo(foreignBefore);

    // deletion, interrupted too
    send("DELETE", "/api/v1/tenants/crashers/podsets/crash", null);
    Thread.sleep(500 + random.nextInt(1500));
    killController();
    startController();
    waitUntil(Duration.ofMinutes(5), () -> cluster.managed().isEmpty() && get("/api/v1/tenants/crashers/podsets/crash") == null);
    assertThat(allocations()).as("every VMID and address released").isEmpty();
    assertThat(cluster.foreignDigests()).isEqualTo(foreignBefore);
  }
}
