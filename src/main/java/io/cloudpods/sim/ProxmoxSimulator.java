package io.cloudpods.sim;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A simulated Proxmox VE cluster speaking {@code /api2/json} over HTTP(S).
 *
 * <pre>{@code
 * try (ProxmoxSimulator sim = ProxmoxSimulator.start(SimulatorOptions.builder().port(0).http(true)
 *     .token("root@pam!ci", "secret").timeScale(0.01).build())) {
 *   String url = sim.baseUrl();              // http://127.0.0.1:PORT/api2/json
 *   String auth = sim.authorizationHeader(); // PVEAPIToken=root@pam!ci=secret
 * }
 * }</pre>
 */
public final class ProxmoxSimulator implements AutoCloseable {
  /** Git short id reported by {@code /version} and {@code pveversion}. */
  static final String REPOID = "3e76eec21c4a14a7";

  private final SimulatorOptions options;
  private final Map<String, String> tokens;
  private final ClusterState state;
  private final AccessControl access;
  private final Views views;
  private final GuestOps guestOps;
  private final Stats stats;
  private final SimControls controls;
  private final Vertx vertx;
  private final HttpServer server;
  private final HttpFrontend frontend;
  private final String fingerprint;

  private ProxmoxSimulator(SimulatorOptions options) {
    this.options = options;
    Map<String, String> t = new LinkedHashMap<>(options.tokens());
    if (t.isEmpty()) {
      t.put("root@pam!cloudpods", UUID.randomUUID().toString());
    }
    this.tokens = Map.copyOf(t);
    this.access = new AccessControl();
    t.forEach(access::addConfiguredToken);
    // plain HTTP needs no certificate; nodes still report a fingerprint, as on a real cluster
    SelfSignedCertificate cert =
        options.http() ? null : SelfSignedCertificate.generate(SeedLayout.nodeName(1));
    this.fingerprint =
        cert != null ? cert.fingerprint() : SelfSignedCertificate.randomFingerprint();
    this.state = new ClusterState(options);
    synchronized (state) {
      SeedLayout.populate(state);
    }
    this.views = new Views(state, fingerprint);
    this.guestOps = new GuestOps(state);
    this.stats = new Stats();
    this.controls = new SimControls(state, views, guestOps, stats);
    access.setPools(
        new AccessControl.Pools() {
          @Override
          public String ofVm(int vmid) {
            Guest g = state.guests.get(vmid);
            return g == null ? null : g.pool;
          }

          @Override
          public String ofStorage(String storage) {
            for (Pool p : state.pools.values()) {
              if (p.storages.contains(storage)) {
                return p.id;
              }
            }
            return null;
          }
        });
    ApiRoutes routes = new ApiRoutes(state, views, guestOps, access);
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(2)
                .setBlockedThreadCheckInterval(10)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
    this.frontend =
        new HttpFrontend(
            vertx,
            state,
            routes.router,
            controls,
            stats,
            new Auth(access),
            options.authFailureDelay());
    HttpServerOptions so =
        new HttpServerOptions()
            .setHost(options.bindHost())
            .setPort(options.port())
            .setIdleTimeout(60)
            .setCompressionSupported(true);
    if (!options.http()) {
      so.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setKeyValue(Buffer.buffer(cert.keyPem()))
                  .setCertValue(Buffer.buffer(cert.certPem())));
    }
    try {
      this.server =
          vertx
              .createHttpServer(so)
              .requestHandler(frontend::handle)
              .listen()
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      state.shutdown();
      throw new IllegalStateException(
          "cannot listen on "
              + options.bindHost()
              + ":"
              + options.port()
              + ": "
              + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
          e);
    }
  }

  /** Builds the cluster and starts listening; {@code port 0} picks a free port. */
  public static ProxmoxSimulator start(SimulatorOptions options) {
    return new ProxmoxSimulator(options);
  }

  public SimulatorOptions options() {
    return options;
  }

  public int port() {
    return server.actualPort();
  }

  public boolean https() {
    return !options.http();
  }

  /** {@code https://127.0.0.1:PORT/api2/json} (or {@code http://} with the http option). */
  public String baseUrl() {
    String host =
        options.bindHost().equals("0.0.0.0") || options.bindHost().equals("::")
            ? "127.0.0.1"
            : options.bindHost();
    return (https() ? "https" : "http") + "://" + host + ":" + port() + "/api2/json";
  }

  /** SHA-256 fingerprint of the server certificate, {@code AA:BB:...}. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Accepted tokens, id to secret (a generated one when none were configured). */
  public Map<String, String> tokens() {
    return tokens;
  }

  /**
   * Every permission refusal so far ({@code METHOD path: Permission check failed (...)}), and every
   * vzdump task that failed its VM.Backup check, oldest first.
   */
  public List<String> permissionDenials() {
    return access.denials();
  }

  /** {@code Authorization} header value for the first token. */
  public String authorizationHeader() {
    Map.Entry<String, String> e = tokens.entrySet().iterator().next();
    return "PVEAPIToken=" + e.getKey() + "=" + e.getValue();
  }

  // ---- in-process inspection and control ----

  /** The same document as {@code GET /_sim/state}. */
  public Map<String, Object> state() {
    return controls.state();
  }

  /**
   * One guest as in {@code /_sim/state} ({@code vmid, type, node, status, lock, pool, config,
   * snapshots}).
   */
  public Optional<Map<String, Object>> guest(int vmid) {
    synchronized (state) {
      Guest g = state.guests.get(vmid);
      return g == null ? Optional.empty() : Optional.of(views.guestState(g, guestOps));
    }
  }

  public List<Integer> vmids() {
    synchronized (state) {
      return new ArrayList<>(state.guests.keySet());
    }
  }

  public int runningTasks() {
    synchronized (state) {
      return (int) state.tasks.values().stream().filter(Task::running).count();
    }
  }

  /**
   * The journal of accepted guest mutations (create, clone, config, resize, start, shutdown, stop,
   * destroy), oldest first; the same as {@code GET /_sim/journal}. A request whose answer was lost
   * is in it (the action happened); one refused before it acted is not.
   */
  public List<Mutation> mutations() {
    return state.journal();
  }

  /** Request counts per {@code METHOD /route/{template}}. */
  public Map<String, Long> requestCounts() {
    return stats.snapshot();
  }

  /**
   * The requests made since {@code before} (an earlier {@link #requestCounts()}), per route; routes
   * with none left out.
   */
  public Map<String, Long> requestCountsSince(Map<String, Long> before) {
    Map<String, Long> out = new java.util.TreeMap<>();
    requestCounts()
        .forEach(
            (route, n) -> {
              long d = n - before.getOrDefault(route, 0L);
              if (d != 0) {
                out.put(route, d);
              }
            });
    return out;
  }

  /**
   * Calls {@code listener} for every authenticated {@code /api2/json} request, on the simulator's
   * event loop, once the request is routed and before it is handled (so a request that fails
   * validation is seen too). Keep listeners short. Closing the returned handle removes the
   * listener.
   */
  public AutoCloseable addRequestListener(Consumer<SimRequest> listener) {
    frontend.addListener(listener);
    return () -> frontend.removeListener(listener);
  }

  public TimingModel timing() {
    return state.timing();
  }

  public void setTiming(TimingModel timing) {
    state.setTiming(timing);
  }

  /**
   * Sets ({@code true}) or lifts the black hole, as {@code PUT /_sim/faults {"blackHole": ...}}:
   * while set, every request outside {@code /_sim/} is read and never answered; lifting it closes
   * the held requests unanswered and unexecuted. The other fault settings and the random sequence
   * are left as they are.
   */
  public void setBlackHole(boolean on) {
    state.faults.blackHole(on);
  }

  /** How many requests the black hole holds right now (0 when it is lifted). */
  public int blackHoledRequests() {
    return state.faults.heldRequests();
  }

  /**
   * Sets fault injection; see {@code PUT /_sim/faults}. The black hole ({@link #setBlackHole}) is
   * left as it is.
   */
  public void setFaults(
      double errorRate,
      double lostResponseRate,
      double taskFailureRate,
      long latencyMinMs,
      long latencyMaxMs,
      long seed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("errorRate", errorRate);
    m.put("lostResponseRate", lostResponseRate);
    m.put("taskFailureRate", taskFailureRate);
    m.put("latencyMs", List.of(latencyMinMs, latencyMaxMs));
    m.put("seed", seed);
    state.faults.set(Faults.merge(state.faults.settings(), m));
  }

  /**
   * Makes the next {@code count} vzdumps of {@code vmid} fail with {@code ERROR: Backup of VM
   * <vmid> failed - <message>}; see {@code PUT /_sim/faults/backups}.
   */
  public void failNextBackups(int vmid, int count, String message) {
    controls.handle(
        "PUT",
        "/_sim/faults/backups",
        new LinkedHashMap<>(Map.of("vmid", vmid, "count", count, "message", message)));
  }

  /** Leaves only {@code freeBytes} free on a storage (null: gives the space back). */
  public void setStorageFree(String node, String storage, Long freeBytes) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("freeBytes", freeBytes);
    controls.handle("PUT", "/_sim/nodes/" + node + "/storage/" + storage, body);
  }

  /** Sets a node's local time zone (backup names, log times, prune periods). */
  public void setNodeTimezone(String node, java.time.ZoneId zone) {
    controls.handle(
        "PUT", "/_sim/nodes/" + node, new LinkedHashMap<>(Map.of("timezone", zone.getId())));
  }

  /**
   * Adds a storage to a node, e.g. {@code addStorage("pve", "local-dir", "dir", List.of("rootdir"),
   * 100)}: containers on a {@code dir} storage cannot be snapshotted.
   */
  public void addStorage(
      String node, String storage, String type, List<String> content, long sizeGiB) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("storage", storage);
    body.put("type", type);
    body.put("content", content);
    body.put("sizeGiB", sizeGiB);
    controls.handle("POST", "/_sim/nodes/" + node + "/storage", body);
  }

  /**
   * Adds {@code count} stopped containers cloned in zero time from the node's template, VMIDs from
   * {@code firstVmid}. For scale tests (e.g. 10,000 guests) without running 10,000 clone tasks.
   */
  public void addStoppedContainers(String node, int firstVmid, int count) {
    synchronized (state) {
      SimNode n = state.node(node);
      long now = state.now();
      for (int i = 0; i < count; i++) {
        int vmid = firstVmid + i;
        state.checkVmidUnused(vmid);
        Guest g = new Guest(vmid, n.name, "lxc");
        Map<String, String> c = new LinkedHashMap<>();
        c.put("arch", "amd64");
        c.put("cores", "1");
        c.put("hostname", "bulk-" + vmid);
        c.put("memory", "512");
        c.put("net0", "name=eth0,bridge=vmbr0,hwaddr=" + state.newMac() + ",ip=dhcp,type=veth");
        c.put("ostype", "debian");
        c.put("rootfs", "clients-main:subvol-" + vmid + "-disk-0,size=1G");
        c.put("swap", "0");
        g.config = c;
        n.storages
            .get("clients-main")
            .volumes
            .put(
                "subvol-" + vmid + "-disk-0",
                new SimStorage.Volume(
                    "subvol-" + vmid + "-disk-0", 1L << 30, vmid, "rootdir", "subvol"));
        state.addGuest(g);
        g.sample(now - 1_000_000_000L);
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    state.shutdown();
  }

  /** How long the simulator makes a client wait before a 401. */
  public Duration authFailureDelay() {
    return options.authFailureDelay();
  }
}
