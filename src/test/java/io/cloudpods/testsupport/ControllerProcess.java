package io.cloudpods.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.embedded.EmbeddedDatabase;
import io.cloudpods.sim.ProxmoxSimulator;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The packaged controller ({@code bin/cloudpods serve}) as a child process against a database and a
 * simulated cluster that live in the test process, so they outlive every controller process: start,
 * SIGKILL, restart, and the REST and SQL reads the end-to-end tests assert with.
 */
public final class ControllerProcess implements AutoCloseable {

  private static final Path PROJECT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  private static final Path LAUNCHER = PROJECT.resolve("bin/cloudpods");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType YAML = MediaType.get("application/yaml");

  private final Path work;
  private final EmbeddedDatabase db;
  private final ProxmoxSimulator sim;
  private final String adminToken;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final int port;
  private final OkHttpClient http =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();
  private final List<Integer> tasksAtKill = new ArrayList<>();
  private Process process;
  private int starts;
  private int failedStarts;

  /**
   * @param tuning extra environment (e.g. {@code CLOUDPODS_RECONCILE_RESYNC_INTERVAL}) over the
   *     defaults: address probe off, short resync, task poll, lock recheck, backoff and shutdown
   *     timeout
   */
  public ControllerProcess(
      Path work,
      EmbeddedDatabase db,
      ProxmoxSimulator sim,
      String adminToken,
      Map<String, String> tuning)
      throws IOException {
    this.work = work;
    this.db = db;
    this.sim = sim;
    this.adminToken = adminToken;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Map.Entry<String, String> token = sim.tokens().entrySet().iterator().next();
    env.put("CLOUDPODS_SKIP_BUILD", "1");
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl());
    env.put("QUARKUS_DATASOURCE_USERNAME", db.username());
    env.put("QUARKUS_DATASOURCE_PASSWORD", db.password());
    env.put("CLOUDPODS_PROXMOX_URL", sim.baseUrl());
    env.put("CLOUDPODS_PROXMOX_TOKEN_ID", token.getKey());
    env.put("CLOUDPODS_PROXMOX_TOKEN_SECRET", token.getValue());
    env.put("CLOUDPODS_AUTH_BOOTSTRAP_TOKEN", adminToken);
    // the simulated 10.x addresses are data, never probed
    env.put("CLOUDPODS_RECONCILE_ADDRESS_PROBE", "false");
    env.put("CLOUDPODS_RECONCILE_RESYNC_INTERVAL", "3s");
    env.put("CLOUDPODS_RECONCILE_TASKS_POLL_INTERVAL", "200ms");
    env.put("CLOUDPODS_RECONCILE_TASKS_LOCKED_RECHECK", "300ms");
    env.put("CLOUDPODS_RECONCILE_BACKOFF_MAX", "3s");
    env.put("CLOUDPODS_RECONCILE_TASKS_SHUTDOWN_TIMEOUT_SECONDS", "5");
    env.putAll(tuning);
  }

  public int port() {
    return port;
  }

  /** Number of times the process was started (including restarts after a failed start). */
  public int starts() {
    return starts;
  }

  /**
   * Starts that ended before the API answered with a Proxmox start-up failure and were retried, as
   * a supervisor would. Zero since the start-up check retries in the background instead of stopping
   * the process; kept so that a regression to stopping shows in the soak's report.
   */
  public int failedStarts() {
    return failedStarts;
  }

  /** Proxmox tasks running at each kill: proof the kills hit work in flight. */
  public List<Integer> tasksAtKill() {
    return List.copyOf(tasksAtKill);
  }

  /** Starts the controller and waits until its API answers. */
  public void start() throws Exception {
    for (int attempt = 1; ; attempt++) {
      Path log = work.resolve("controller-" + (++starts) + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(LAUNCHER.toString(), "serve", "--port", Integer.toString(port));
      pb.directory(work.toFile());
      pb.environment().putAll(env);
      process = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean[] exited = {false};
      waitUntil(
          Duration.ofMinutes(3),
          () -> {
            if (!process.isAlive()) {
              exited[0] = true;
              return true;
            }
            return get("/api/v1/tenants") != null;
          });
      if (!exited[0]) {
        return;
      }
      String output = Files.readString(log);
      if (attempt < 5 && output.contains("cannot reach Proxmox VE")) {
        failedStarts++;
        continue;
      }
      fail("controller exited with " + process.exitValue() + ":\n" + output);
    }
  }

  /**
   * SIGKILL: no shutdown hook, no graceful anything. Returns the Proxmox tasks running at that
   * moment.
   */
  public int kill() throws InterruptedException {
    int running = sim.runningTasks();
    tasksAtKill.add(running);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    return running;
  }

  /** The controller's process id (the launcher execs java). */
  public long pid() {
    return process.pid();
  }

  /** Whether the current process is running. */
  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** Sends a signal ({@code STOP}, {@code CONT}, ...) to the controller process. */
  public void signal(String name) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      fail("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** SIGTERM, as a rolling deploy stops a process, and waits for it to exit. */
  public void terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The log of the current (last started) process. */
  public Path log() {
    return work.resolve("controller-" + starts + ".log");
  }

  public void restart() throws Exception {
    kill();
    start();
  }

  /** GET on the API: the parsed body of a 200, else null. */
  public JsonNode get(String path) {
    Request r =
        new Request.Builder()
            .url("http://127.0.0.1:" + port + path)
            .header("Authorization", "Bearer " + adminToken)
            .build();
    try (Response resp = http.newCall(r).execute()) {
      return resp.code() == 200 ? JSON.readTree(resp.body().string()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A write on the API (YAML body or none) that must succeed. */
  public void send(String method, String path, String yaml) throws IOException {
    Request r =
        new Request.Builder()
            .url("http://127.0.0.1:" + port + path)
            .header("Authorization", "Bearer " + adminToken)
            .method(method, yaml == null ? null : RequestBody.create(yaml, YAML))
            .build();
    try (Response resp = http.newCall(r).execute()) {
      assertThat(resp.code())
          .as(method + " " + path + ": " + resp.body().string())
          .isBetween(200, 299);
    }
  }

  public static void waitUntil(Duration max, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within " + max);
      }
      Thread.sleep(500);
    }
  }

  public Connection sql() throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
  }

  /** {@code pod_allocation}: VMID (null for a row without one yet) to address. */
  public Map<Integer, String> allocations() throws SQLException {
    Map<Integer, String> out = new HashMap<>();
    try (Connection c = sql();
        ResultSet rs = c.createStatement().executeQuery("SELECT vmid, ip FROM pod_allocation")) {
      while (rs.next()) {
        out.put((Integer) rs.getObject(1), rs.getString(2));
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
