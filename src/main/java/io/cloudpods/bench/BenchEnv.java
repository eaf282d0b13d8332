package io.cloudpods.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.embedded.EmbeddedDatabase;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark environment: an ephemeral embedded PostgreSQL, an in-process simulator on loopback
 * (plain HTTP) and the packaged controller ({@code quarkus-run.jar serve}) as a child process, so
 * its CPU time and heap are its own.
 */
final class BenchEnv implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SIM_TOKEN_ID = "cloudpods@pve!controller";
  static final String TENANT = "bench";

  /** Controller settings passed as environment variables; recorded in the JSON document. */
  record ControllerSettings(
      boolean reconcileEnabled,
      Duration resyncInterval,
      Duration taskPollInterval,
      Duration lockedRecheck,
      Duration capacityRecheck,
      Duration deepVerifyInterval,
      Integer workers,
      String xmx,
      List<String> jvmOptions,
      Integer maxBatchItems) {

    /**
     * The first check of a task: a tenth of the longest wait, as in the controller's defaults (100
     * ms / 1 s).
     */
    Duration taskPollInitial() {
      return Duration.ofMillis(Math.max(5, taskPollInterval.toMillis() / 10));
    }

    Map<String, String> env() {
      Map<String, String> e = new LinkedHashMap<>();
      e.put("CLOUDPODS_RECONCILE_ENABLED", Boolean.toString(reconcileEnabled));
      e.put("CLOUDPODS_RECONCILE_ADDRESS_PROBE", "false");
      e.put("CLOUDPODS_RECONCILE_RESYNC_INTERVAL", ms(resyncInterval));
      e.put("CLOUDPODS_RECONCILE_TASKS_POLL_INTERVAL", ms(taskPollInterval));
      e.put("CLOUDPODS_RECONCILE_TASKS_POLL_INITIAL", ms(taskPollInitial()));
      e.put("CLOUDPODS_RECONCILE_TASKS_LOCKED_RECHECK", ms(lockedRecheck));
      e.put("CLOUDPODS_RECONCILE_TASKS_CAPACITY_RECHECK", ms(capacityRecheck));
      if (deepVerifyInterval != null) {
        e.put("CLOUDPODS_RECONCILE_RESYNC_DEEP_VERIFY_INTERVAL", ms(deepVerifyInterval));
      }
      if (workers != null) {
        e.put("CLOUDPODS_RECONCILE_WORKERS", workers.toString());
      }
      if (maxBatchItems != null) {
        e.put("CLOUDPODS_API_MAX_BATCH_ITEMS", maxBatchItems.toString());
      }
      return e;
    }

    Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reconcileEnabled", reconcileEnabled);
      m.put("resyncInterval", ms(resyncInterval));
      m.put("taskPollInterval", ms(taskPollInterval));
      m.put("taskPollInitial", ms(taskPollInitial()));
      m.put("lockedRecheck", ms(lockedRecheck));
      m.put("capacityRecheck", ms(capacityRecheck));
      m.put("workers", workers == null ? "4 (controller default)" : workers);
      m.put("maxClonesPerSource", "1 (controller default)");
      m.put("maxTasksPerStorage", "4 (controller default)");
      m.put("maxTasksPerNode", "16 (controller default)");
      m.put(
          "deepVerifyInterval",
          deepVerifyInterval == null ? "10m (controller default)" : ms(deepVerifyInterval));
      m.put("addressProbe", false);
      m.put("heapMax", xmx == null ? "JVM default" : xmx);
      m.put("jvmOptions", jvmOptions);
      if (maxBatchItems != null) {
        m.put("apiMaxBatchItems", maxBatchItems);
      }
      m.put("environment", env());
      return m;
    }

    private static String ms(Duration d) {
      return d.toMillis() + "ms";
    }
  }

  final Path project;
  final Path work;
  final EmbeddedDatabase db;
  final ProxmoxSimulator sim;
  final ControllerSettings settings;
  final String adminToken = "bench-" + UUID.randomUUID();

  /** The port of the replica the bench talks to (with several: the last one started). */
  volatile int apiPort;

  private final List<Process> otherReplicas = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Process controller;
  private final boolean keep;

  private BenchEnv(
      Path project,
      Path work,
      EmbeddedDatabase db,
      ProxmoxSimulator sim,
      ControllerSettings settings,
      int apiPort,
      boolean keep) {
    this.project = project;
    this.work = work;
    this.db = db;
    this.sim = sim;
    this.settings = settings;
    this.apiPort = apiPort;
    this.keep = keep;
  }

  /**
   * The controller JVM options {@code serve} uses: {@code config/controller.jvm.options}, comments
   * removed.
   */
  static List<String> shippedJvmOptions() {
    Path file = project().resolve("config/controller.jvm.options");
    try {
      return parseJvmOptionsFile(Files.readAllLines(file));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A java argument file's options: {@code #} starts a comment, options are separated by white
   * space.
   */
  static List<String> parseJvmOptionsFile(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      int hash = line.indexOf('#');
      String body = hash < 0 ? line : line.substring(0, hash);
      for (String opt : body.trim().split("\\s+")) {
        if (!opt.isEmpty()) {
          out.add(opt);
        }
      }
    }
    return out;
  }

  static Path project() {
    String home = System.getProperty("cloudpods.home");
    return Path.of(home != null ? home : System.getProperty("user.dir")).toAbsolutePath();
  }

  static BenchEnv start(
      SimulatorOptions.Builder simOptions, ControllerSettings settings, boolean keep)
      throws Exception {
    Path project = project();
    Path jar = project.resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " not found: build with ./mvnw -DskipTests package (bin/cloudpods does)");
    }
    Path work = Files.createTempDirectory("cloudpods-bench-");
    progress("work directory " + work);
    progress("starting embedded PostgreSQL ...");
    EmbeddedDatabase db = EmbeddedDatabase.startEphemeral();
    ProxmoxSimulator sim;
    try {
      sim =
          ProxmoxSimulator.start(
              simOptions
                  .bindHost("127.0.0.1")
                  .port(0)
                  .http(true)
                  .token(SIM_TOKEN_ID, UUID.randomUUID().toString())
                  .authFailureDelay(Duration.ZERO)
                  .build());
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    progress(
        "simulator at "
            + sim.baseUrl()
            + " ("
            + sim.options().nodes()
            + " node(s), time scale "
            + sim.timing().timeScale()
            + ")");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    BenchEnv env = new BenchEnv(project, work, db, sim, settings, port, keep);
    // an interrupted run (Ctrl-C, SIGTERM) must not leave the controller or PostgreSQL behind
    Thread hook = new Thread(env::close, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      env.startController();
    } catch (Exception e) {
      env.close();
      throw e;
    }
    return env;
  }

  static void progress(String line) {
    System.err.println("bench: " + line);
    System.err.flush();
  }

  // ---- the controller process ----

  private void startController() throws Exception {
    controller = launch(apiPort, "controller.log", null);
  }

  /**
   * Starts {@code n - 1} more replicas of the controller on this database and simulator, waits
   * until one of them all holds the lease of cluster {@code default}, and points the bench at the
   * last one started: a replica holding no lease, so every write reaches the lease holder through
   * the database's change notification.
   */
  void scaleToReplicas(int n) throws Exception {
    for (int i = 2; i <= n; i++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      otherReplicas.add(launch(port, "controller-" + i + ".log", "bench-" + i));
      apiPort = port;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Connection c = sql();
          java.sql.ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(*) FROM controller_replica"
                          + " WHERE seen_at > now() - interval '6 seconds'")) {
        rs.next();
        if (rs.getInt(1) >= n) {
          progress(n + " replicas live; the bench talks to the one on port " + apiPort);
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(n + " replicas did not all join within 60 s");
  }

  private Process launch(int port, String logName, String replicaId) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    if (settings.xmx() != null) {
      cmd.add("-Xmx" + settings.xmx());
    }
    cmd.addAll(settings.jvmOptions());
    cmd.add("-jar");
    cmd.add(project.resolve("target/quarkus-app/quarkus-run.jar").toString());
    cmd.add("serve");
    cmd.add("--port");
    cmd.add(Integer.toString(port));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    Map<String, String> env = pb.environment();
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl());
    env.put("QUARKUS_DATASOURCE_USERNAME", db.username());
    env.put("QUARKUS_DATASOURCE_PASSWORD", db.password());
    env.put("CLOUDPODS_PROXMOX_URL", sim.baseUrl());
    var token = sim.tokens().entrySet().iterator().next();
    env.put("CLOUDPODS_PROXMOX_TOKEN_ID", token.getKey());
    env.put("CLOUDPODS_PROXMOX_TOKEN_SECRET", token.getValue());
    env.put("CLOUDPODS_AUTH_BOOTSTRAP_TOKEN", adminToken);
    env.putAll(settings.env());
    if (replicaId != null) {
      env.put("CLOUDPODS_REPLICA_ID", replicaId);
    }
    Path log = work.resolve(logName);
    progress(
        "starting the controller ("
            + String.join(" ", cmd.subList(1, cmd.size()))
            + "), log "
            + log);
    long t0 = System.nanoTime();
    Process controller = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      if (!controller.isAlive()) {
        throw new IllegalStateException(
            "controller exited with " + controller.exitValue() + "; last lines:\n" + tail(log, 30));
      }
      try {
        if (getOn(port, "/api/v1/tenants").statusCode() == 200) {
          break;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "controller did not answer within 3 minutes; last lines:\n" + tail(log, 30));
      }
      Thread.sleep(200);
    }
    progress(
        String.format(
            "controller up (pid %d) after %.1f s",
            controller.pid(), (System.nanoTime() - t0) / 1e9));
    return controller;
  }

  long controllerPid() {
    return controller.pid();
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** utime + stime of the controller process from {@code /proc/<pid>/stat}, in milliseconds. */
  long controllerCpuMillis() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(controller.pid()), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 1000 / clockTicks();
  }

  /** Resident set size of the controller process, bytes. */
  long controllerRssBytes() throws IOException {
    for (String l :
        Files.readAllLines(Path.of("/proc", Long.toString(controller.pid()), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private static long clockTicks = 0;

  static synchronized long clockTicks() {
    if (clockTicks == 0) {
      clockTicks = 100;
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
          clockTicks = Long.parseLong(out);
        }
      } catch (Exception ignored) {
        // 100 on every Linux we run on
      }
    }
    return clockTicks;
  }

  /**
   * A full collection in the controller ({@code jcmd GC.run}), so that a measuring window starts
   * with empty young and compacted old generations instead of with whatever the convergence left.
   */
  void controllerFullGc() throws Exception {
    jcmd("GC.run");
  }

  /**
   * Heap figures of the controller from {@code jcmd GC.heap_info}, before and after {@code GC.run}.
   */
  Map<String, Object> controllerHeap() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    String before = jcmd("GC.heap_info");
    m.put("usedBeforeFullGcBytes", heapUsed(before));
    m.put("committedBytes", heapCommitted(before));
    jcmd("GC.run");
    String after = jcmd("GC.heap_info");
    m.put("usedAfterFullGcBytes", heapUsed(after));
    m.put("usedAfterFullGcMiB", Math.round(heapUsed(after) / 1048576.0 * 10) / 10.0);
    Matcher meta = Pattern.compile("Metaspace\\s+used (\\d+)K").matcher(after);
    if (meta.find()) {
      m.put("metaspaceUsedBytes", Long.parseLong(meta.group(1)) * 1024);
    }
    m.put("rssBytes", controllerRssBytes());
    m.put("heapMax", settings.xmx() == null ? "JVM default" : settings.xmx());
    m.put(
        "method",
        "jcmd <pid> GC.heap_info (sum of 'used' of the heap lines, Metaspace excluded), "
            + "then jcmd <pid> GC.run (System.gc(), a full collection) and GC.heap_info again; "
            + "usedAfterFullGc is the live heap");
    m.put("heapInfoAfterFullGc", after.lines().skip(1).map(String::trim).toList());
    return m;
  }

  private String jcmd(String command) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p =
        new ProcessBuilder(jcmd, Long.toString(controller.pid()), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  private static final Pattern HEAP_LINE = Pattern.compile("total (\\d+)K, used (\\d+)K");

  static long heapUsed(String heapInfo) {
    return heapSum(heapInfo, 2);
  }

  static long heapCommitted(String heapInfo) {
    return heapSum(heapInfo, 1);
  }

  /**
   * Sum of one column ({@code total} = 1, {@code used} = 2) over the heap lines, Metaspace
   * excluded.
   */
  private static long heapSum(String heapInfo, int group) {
    long sum = 0;
    for (String line : heapInfo.lines().toList()) {
      if (line.contains("Metaspace") || line.contains("class space")) {
        break;
      }
      Matcher m = HEAP_LINE.matcher(line);
      if (m.find()) {
        sum += Long.parseLong(m.group(group)) * 1024;
      }
    }
    return sum;
  }

  // ---- REST ----

  String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return getOn(apiPort, path);
  }

  private HttpResponse<String> getOn(int port, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + adminToken)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(apiUrl() + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + adminToken);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpRequest r =
        b.method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** Sends and insists on a 2xx. */
  HttpResponse<String> sendOk(String method, String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r = send(method, path, contentType, body);
    if (r.statusCode() / 100 != 2) {
      String b = r.body();
      throw new IllegalStateException(
          method
              + " "
              + path
              + " answered "
              + r.statusCode()
              + ": "
              + (b.length() > 2000 ? b.substring(0, 2000) + "..." : b)
              + (r.statusCode() >= 500
                  ? "\ncontroller log, last lines:\n" + tail(work.resolve("controller.log"), 15)
                  : ""));
    }
    return r;
  }

  HttpResponse<String> apply(String yaml) throws IOException, InterruptedException {
    return sendOk("POST", "/api/v1/apply", "application/yaml", yaml);
  }

  /** An IP pool with room for 60,000 pods and the tenant {@value #TENANT}. */
  void applyPoolAndTenant() throws IOException, InterruptedException {
    apply(
        """
        apiVersion: cloudpods.io/v1alpha1
        kind: IpPool
        metadata: {name: default}
        spec: {cidr: 10.64.0.0/16, gateway: 10.64.0.1, rangeStart: 10.64.0.10, rangeEnd: 10.64.255.250}
        ---
        apiVersion: cloudpods.io/v1alpha1
        kind: Tenant
        metadata: {name: %s}
        spec: {displayName: Benchmark}
        """
            .formatted(TENANT));
  }

  static String podSetYaml(String name, int replicas, int memoryMb, String clone) {
    return """
        apiVersion: cloudpods.io/v1alpha1
        kind: PodSet
        metadata: {name: %s, tenant: %s}
        spec:
          replicas: %d
          template:
            spec: {cores: 1, memoryMb: %d, swapMb: 0, diskGb: 8, cloneMode: %s}
        """
        .formatted(name, TENANT, replicas, memoryMb, clone);
  }

  /** PodSets of at most 1,000 replicas (the schema's maximum) adding up to {@code pods}. */
  static String podSetsYaml(int pods, int memoryMb, String clone) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    for (int left = pods; left > 0; left -= 1000, i++) {
      if (b.length() > 0) {
        b.append("---\n");
      }
      b.append(podSetYaml("bench-" + i, Math.min(1000, left), memoryMb, clone));
    }
    return b.toString();
  }

  JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  // ---- SQL ----

  Connection sql() throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
  }

  /** Pods whose {@code Ready} condition is {@code True}. */
  int readyPods(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
            SELECT count(*) FROM cloud_pod p WHERE p.deletion_timestamp IS NULL AND EXISTS (
              SELECT 1 FROM jsonb_array_elements(coalesce(p.status->'conditions', '[]'::jsonb)) c
              WHERE c->>'type' = 'Ready' AND c->>'status' = 'True')""")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  int pods(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM cloud_pod")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Waits until {@code n} pods are Ready; returns the wall-clock millis when that was seen, or -1.
   */
  long waitReady(int n, Duration max, Duration poll) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    long lastReport = 0;
    try (Connection c = sql()) {
      while (System.nanoTime() < deadline) {
        int ready = readyPods(c);
        if (ready >= n) {
          return System.currentTimeMillis();
        }
        if (!controller.isAlive()) {
          throw new IllegalStateException(
              "controller exited with "
                  + controller.exitValue()
                  + "; last lines:\n"
                  + tail(work.resolve("controller.log"), 30));
        }
        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
          progress("  " + ready + "/" + n + " pods Ready");
          lastReport = System.nanoTime();
        }
        Thread.sleep(poll.toMillis());
      }
    }
    return -1;
  }

  private boolean closed;

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Process p : otherReplicas) {
      p.destroy();
    }
    if (controller != null && controller.isAlive()) {
      controller.destroy();
      try {
        if (!controller.waitFor(30, TimeUnit.SECONDS)) {
          controller.destroyForcibly();
        }
      } catch (InterruptedException e) {
        controller.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try {
      sim.close();
    } catch (RuntimeException ignored) {
      // closing anyway
    }
    try {
      db.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
    if (!keep) {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp directory left behind
      }
    } else {
      progress("kept " + work);
    }
  }
}
