package io.cloudpods.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cloudpods.embedded.EmbeddedDatabase;
import io.cloudpods.sim.Mutation;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.testsupport.ControllerProcess;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import io.cloudpods.testsupport.WriteAheadCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos soak: the packaged controller as its own process against a three-node simulated cluster
 * with faults on (5xx, lost answers, failed tasks, latency; fixed seed), driving 100+ pods of
 * several tenants (PodSets and standalone CloudPods, full and linked clones) through create,
 * resize, stop/start, scale and delete, while it is killed with SIGKILL at seeded random moments
 * and restarted. At the end it checks convergence, orphans, duplicate VMIDs and addresses, IPAM
 * against Proxmox, foreign guests, that no desired object was lost, and that the event log is
 * write-ahead (every mutation the simulator journaled has an earlier event). Figures are printed
 * and written to {@code target/chaos-soak-report.json}; any problem fails the test with the list.
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
class ChaosSoakIT {

  private static final long SEED = Long.getLong("cloudpods.soak.seed", 20261125L);
  private static final double TIME_SCALE = 0.01;
  private static final double ERROR_RATE = 0.10;
  private static final double LOST_RATE = 0.05;
  private static final double TASK_FAILURE_RATE = 0.05;
  private static final long LATENCY_MIN_MS = 0;
  private static final long LATENCY_MAX_MS = 40;
  private static final int NODES = 3;
  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(240);
  private static final Duration CLOCK_SLACK = Duration.ofMillis(5);
  private static final String TOKEN = "chaos-soak-admin-token";
  private static final String SIM_TOKEN_ID = "cloudpods@pve!controller";
  private static final String SIM_SECRET = "0d6c3b8e-91a2-4f57-b3c4-5e8f7a2d1c90";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> TENANTS = List.of("acme", "globex", "initech");

  @TempDir static Path work;
  private static EmbeddedDatabase db;
  private static ProxmoxSimulator sim;
  private static ControllerProcess controller;

  /** What the test last applied and did not delete: "Kind/tenant/name" to the object. */
  private final Map<String, Map<String, Object>> desired = new TreeMap<>();

  /** Objects the test deleted: "Kind/tenant/name". */
  private final Set<String> deleted = new java.util.TreeSet<>();

  private final Map<String, Object> phases = new LinkedHashMap<>();
  private final List<Map<String, Object>> kills = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final Random random = new Random(SEED);
  private long started;

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
                .nodes(NODES)
                .seed(SEED)
                .timeScale(TIME_SCALE)
                .authFailureDelay(Duration.ZERO)
                .build());
    controller =
        new ControllerProcess(
            work,
            db,
            sim,
            TOKEN,
            Map.of(
                "CLOUDPODS_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
                "CLOUDPODS_RECONCILE_WORKERS", "6",
                "CLOUDPODS_RECONCILE_BACKOFF_RETRY_QPS", "100",
                "CLOUDPODS_RECONCILE_BACKOFF_BASE", "200ms",
                "CLOUDPODS_RECONCILE_TASKS_CAPACITY_RECHECK", "1s"));
  }

  @AfterAll
  static void stopAll() throws java.io.IOException {
    if (controller != null) {
      controller.close();
    }
    if (sim != null) {
      sim.close();
    }
    if (db != null) {
      db.close();
    }
  }

  // ---- desired state, as the test applies it ----------------------------------------------------

  private static Map<String, Object> size(int cores, int memoryMb, int diskGb) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", cores);
    m.put("memoryMb", memoryMb);
    m.put("swapMb", 256);
    m.put("diskGb", diskGb);
    return m;
  }

  private static Map<String, Object> object(
      String kind, String tenant, String name, Map<String, Object> spec) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    if (tenant != null) {
      meta.put("tenant", tenant);
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "cloudpods.io/v1alpha1");
    o.put("kind", kind);
    o.put("metadata", meta);
    o.put("spec", spec);
    return o;
  }

  private static String key(Map<String, Object> o) {
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
    return o.get("kind")
        + "/"
        + Objects.requireNonNullElse(meta.get("tenant"), "-")
        + "/"
        + meta.get("name");
  }

  private void apply(List<Map<String, Object>> objects) throws Exception {
    controller.send("POST", "/api/v1/apply", JSON.writeValueAsString(objects));
    for (Map<String, Object> o : objects) {
      desired.put(key(o), o);
      deleted.remove(key(o));
    }
  }

  private void delete(String kind, String tenant, String name) throws Exception {
    String plural = kind.equals("PodSet") ? "podsets" : "cloudpods";
    controller.send("DELETE", "/api/v1/tenants/" + tenant + "/" + plural + "/" + name, null);
    desired.remove(kind + "/" + tenant + "/" + name);
    deleted.add(kind + "/" + tenant + "/" + name);
  }

  private static Map<String, Object> podSet(
      String tenant, String name, int replicas, Map<String, Object> podSpec) {
    return object(
        "PodSet", tenant, name, Map.of("replicas", replicas, "template", Map.of("spec", podSpec)));
  }

  private static Map<String, Object> solo(
      String tenant, int i, boolean linked, boolean running, Map<String, Object> sz) {
    Map<String, Object> spec = new LinkedHashMap<>(sz);
    spec.put("cloneMode", linked ? "linked" : "full");
    spec.put("powerState", running ? "Running" : "Stopped");
    return object("CloudPod", tenant, tenant + "-solo-" + i, spec);
  }

  /** Pods the desired state asks for: PodSet replicas plus standalone pods. */
  private int expectedPods() {
    int n = 0;
    for (Map<String, Object> o : desired.values()) {
      if (o.get("kind").equals("CloudPod")) {
        n++;
      } else if (o.get("kind").equals("PodSet")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) o.get("spec");
        n += (Integer) spec.get("replicas");
      }
    }
    return n;
  }

  // ---- chaos ------------------------------------------------------------------------------------

  /**
   * Kills the controller after a seeded random delay, at the first moment from then on when Proxmox
   * has tasks running (waiting at most a few seconds for one), so the kill hits work in flight.
   */
  private void killAtRandom(String phase, int minMs, int spanMs) throws Exception {
    int delay = minMs + random.nextInt(spanMs);
    long start = System.nanoTime();
    Thread.sleep(delay);
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (sim.runningTasks() == 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    long t0 = System.nanoTime();
    int tasks = controller.kill();
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("phase", phase);
    k.put("afterMs", (t0 - start) / 1_000_000);
    k.put("runningProxmoxTasks", tasks);
    controller.start();
    k.put("restartMs", (System.nanoTime() - t0) / 1_000_000);
    kills.add(k);
  }

  private boolean converged(SimCluster cluster) {
    JsonNode status = controller.get("/api/v1/status");
    if (status == null
        || status.path("totalPods").asInt(-1) != expectedPods()
        || status.path("notConverged").size() > 0) {
      return false;
    }
    JsonNode sets = controller.get("/api/v1/podsets");
    if (sets == null) {
      for (String t : TENANTS) {
        JsonNode l = controller.get("/api/v1/tenants/" + t + "/podsets");
        if (l == null || !podSetsReady(l)) {
          return false;
        }
      }
    } else if (!podSetsReady(sets)) {
      return false;
    }
    return cluster.managed().size() == expectedPods();
  }

  private static boolean podSetsReady(JsonNode list) {
    for (JsonNode s : list.path("items")) {
      if (s.path("metadata").has("deletionTimestamp")
          || s.path("status").path("readyReplicas").asInt(-1)
              != s.path("spec").path("replicas").asInt()) {
        return false;
      }
    }
    return true;
  }

  private void phase(String name, SimCluster cluster, long t0) throws InterruptedException {
    long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
    boolean ok;
    while (!(ok = converged(cluster)) && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("seconds", (System.nanoTime() - t0) / 1e9);
    p.put("converged", ok);
    p.put("pods", expectedPods());
    phases.put(name, p);
    if (!ok) {
      JsonNode status = controller.get("/api/v1/status");
      problems.add(
          "phase "
              + name
              + " did not converge within "
              + PHASE_TIMEOUT
              + ": "
              + (status == null ? "API not answering" : status.path("notConverged").toString()));
    }
  }

  @Test
  void podsUnderFaultsAndKills_convergeWithoutOrphansDuplicatesLeaksOrGapsInTheEventLog()
      throws Exception {
    SimCluster cluster = new SimCluster(sim);
    Map<Integer, String> foreignBefore = cluster.foreignDigests();
    sim.setFaults(ERROR_RATE, LOST_RATE, TASK_FAILURE_RATE, LATENCY_MIN_MS, LATENCY_MAX_MS, SEED);
    started = System.nanoTime();
    controller.start();

    // ---- create: 105 pods in three tenants, PodSets and standalone pods, full and linked clones
    long t0 = System.nanoTime();
    List<Map<String, Object>> setup = new ArrayList<>();
    setup.add(
        object(
            "IpPool",
            null,
            "soak",
            Map.of(
                "cidr",
                "10.20.0.0/16",
                "gateway",
                "10.20.0.1",
                "rangeStart",
                "10.20.0.10",
                "rangeEnd",
                "10.20.3.250",
                "reserved",
                List.of("10.20.0.53"))));
    for (String t : TENANTS) {
      setup.add(
          object(
              "Tenant",
              null,
              t,
              Map.of(
                  "displayName",
                  "Soak " + t,
                  "allowed",
                  Map.of("ipPools", List.of("soak")),
                  "quota",
                  Map.of(
                      "maxPods",
                      80,
                      "maxCores",
                      200,
                      "maxMemoryMb",
                      100_000,
                      "maxDiskGb",
                      2_000))));
    }
    apply(setup);
    List<Map<String, Object>> wave = new ArrayList<>();
    wave.add(podSet("acme", "web", 30, withPool(size(1, 512, 8), "full")));
    wave.add(podSet("globex", "api", 30, withPool(size(1, 512, 8), "linked")));
    wave.add(podSet("initech", "batch", 25, withPool(size(1, 512, 8), "full")));
    for (String t : TENANTS) {
      for (int i = 0; i < (t.equals("initech") ? 6 : 7); i++) {
        wave.add(withPool(solo(t, i, i % 2 == 1, i % 3 != 2, size(1, 512, 8))));
      }
    }
    apply(wave);
    killAtRandom("create", 2000, 6000);
    phase("create", cluster, t0);

    // ---- change: resize a PodSet, scale one down and one up, stop/start and resize standalone
    // pods
    t0 = System.nanoTime();
    List<Map<String, Object>> change = new ArrayList<>();
    change.add(podSet("acme", "web", 30, withPool(size(2, 1024, 10), "full")));
    change.add(podSet("globex", "api", 22, withPool(size(1, 512, 8), "linked")));
    change.add(podSet("initech", "batch", 32, withPool(size(1, 512, 8), "full")));
    for (String t : TENANTS) {
      for (int i = 0; i < 4; i++) {
        boolean wasRunning = i % 3 != 2;
        change.add(
            withPool(
                solo(t, i, i % 2 == 1, !wasRunning, i == 0 ? size(2, 768, 9) : size(1, 512, 8))));
      }
    }
    apply(change);
    killAtRandom("change", 1000, 5000);
    phase("change", cluster, t0);

    // ---- delete: a whole PodSet, some standalone pods, and a scale-down
    t0 = System.nanoTime();
    delete("PodSet", "initech", "batch");
    for (String t : TENANTS) {
      delete("CloudPod", t, t + "-solo-5");
      delete("CloudPod", t, t + "-solo-3");
    }
    apply(List.of(podSet("acme", "web", 26, withPool(size(2, 1024, 10), "full"))));
    killAtRandom("delete", 500, 4000);
    phase("delete", cluster, t0);

    sim.setFaults(0, 0, 0, 0, 0, SEED);
    Map<String, Object> report = finalChecks(cluster, foreignBefore);
    String json = JSON.writeValueAsString(report);
    Path out = Path.of(System.getProperty("user.dir"), "target", "chaos-soak-report.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, json);
    System.out.println(summary(report));
    assertThat(kills).as("kills").hasSizeGreaterThanOrEqualTo(2);
    assertThat(kills)
        .as("kills that hit running Proxmox tasks")
        .anyMatch(k -> (Integer) k.get("runningProxmoxTasks") > 0);
    assertThat(problems).as("chaos soak problems (report: " + out + ")").isEmpty();
  }

  private static Map<String, Object> withPool(Map<String, Object> podSpec, String cloneMode) {
    Map<String, Object> m = new LinkedHashMap<>(podSpec);
    m.put("ipPool", "soak");
    m.put("cloneMode", cloneMode);
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withPool(Map<String, Object> pod) {
    ((Map<String, Object>) pod.get("spec")).put("ipPool", "soak");
    return pod;
  }

  // ---- the final checks -------------------------------------------------------------------------

  private Map<String, Object> finalChecks(SimCluster cluster, Map<Integer, String> foreignBefore)
      throws Exception {
    Map<String, Object> checks = new LinkedHashMap<>();
    JsonNode podList = controller.get("/api/v1/cloudpods");
    List<JsonNode> pods = new ArrayList<>();
    podList.path("items").forEach(pods::add);
    List<SimGuest> managed = cluster.managed();

    // converged: every pod's container as its spec says
    List<String> drift = new ArrayList<>();
    Set<String> uids = new java.util.HashSet<>();
    for (JsonNode p : pods) {
      String name =
          p.path("metadata").path("tenant").asText()
              + "/"
              + p.path("metadata").path("name").asText();
      String uid = p.path("metadata").path("uid").asText();
      uids.add(uid);
      JsonNode spec = p.path("spec");
      JsonNode st = p.path("status");
      SimGuest g = st.has("vmid") ? cluster.guest(st.path("vmid").asInt()).orElse(null) : null;
      if (g == null || !g.tags().contains("cp-" + uid)) {
        drift.add(name + ": no container of this pod at VMID " + st.path("vmid"));
        continue;
      }
      String want =
          spec.path("powerState").asText("Running").equalsIgnoreCase("stopped")
              ? "stopped"
              : "running";
      if (!g.status().equals(want)
          || !String.valueOf(spec.path("cores").asInt()).equals(g.get("cores"))
          || !String.valueOf(spec.path("memoryMb").asInt()).equals(g.get("memory"))
          || !g.get("rootfs").contains("size=" + spec.path("diskGb").asInt() + "G")
          || !Objects.equals(g.ip(), st.path("ip").asText())
          || g.lock() != null) {
        drift.add(
            name
                + ": CT "
                + g.vmid()
                + " is "
                + g.status()
                + " cores="
                + g.get("cores")
                + " memory="
                + g.get("memory")
                + " rootfs="
                + g.get("rootfs")
                + " ip="
                + g.ip()
                + " lock="
                + g.lock()
                + ", spec "
                + spec);
      }
    }
    checks.put("pods", pods.size());
    checks.put("expectedPods", expectedPods());
    checks.put("podsNotAsSpecified", drift);
    if (pods.size() != expectedPods()) {
      problems.add(pods.size() + " pods in the API, the desired state asks for " + expectedPods());
    }
    drift.forEach(d -> problems.add("not converged: " + d));

    // orphans: containers with our marker that no pod wants
    List<String> orphans = new ArrayList<>();
    Map<String, List<Integer>> byUid = new HashMap<>();
    for (SimGuest g : managed) {
      List<String> cp = g.tags().stream().filter(t -> t.startsWith("cp-")).toList();
      String uid = cp.isEmpty() ? null : cp.get(0).substring(3);
      if (uid == null || !uids.contains(uid)) {
        orphans.add(
            "CT "
                + g.vmid()
                + " on "
                + g.node()
                + " ("
                + g.get("hostname")
                + ", tags "
                + g.get("tags")
                + ")");
      } else {
        byUid.computeIfAbsent(uid, u -> new ArrayList<>()).add(g.vmid());
      }
    }
    // a container without our tags that was not there before (a clone that never got its config)
    for (SimGuest g : cluster.guests()) {
      if (!g.managed() && !foreignBefore.containsKey(g.vmid())) {
        orphans.add(
            "CT "
                + g.vmid()
                + " on "
                + g.node()
                + " without our tags ("
                + g.get("hostname")
                + ", description "
                + g.get("description")
                + ", lock "
                + g.lock()
                + ")");
      }
    }
    checks.put("managedContainers", managed.size());
    checks.put("orphans", orphans);
    orphans.forEach(o -> problems.add("orphan container: " + o));

    // duplicates: one container per pod, VMIDs and addresses unique
    List<String> duplicates = new ArrayList<>();
    byUid.forEach(
        (uid, vmids) -> {
          if (vmids.size() > 1) {
            duplicates.add("pod uid " + uid + " has containers " + vmids);
          }
        });
    countDuplicates(
        pods.stream().map(p -> p.path("status").path("vmid").asText()).toList(),
        "VMID in pod status",
        duplicates);
    countDuplicates(
        pods.stream().map(p -> p.path("status").path("ip").asText()).toList(),
        "address in pod status",
        duplicates);
    List<String> allIps = new ArrayList<>();
    cluster
        .guests()
        .forEach(
            g -> {
              if (g.ip() != null && !"dhcp".equals(g.ip())) allIps.add(g.ip());
            });
    countDuplicates(allIps, "address on Proxmox containers", duplicates);
    checks.put("duplicates", duplicates);
    duplicates.forEach(d -> problems.add("duplicate: " + d));

    // IPAM rows equal what Proxmox has
    Map<Integer, String> alloc = controller.allocations();
    Map<Integer, String> onProxmox = new TreeMap<>();
    managed.forEach(g -> onProxmox.put(g.vmid(), g.ip()));
    List<String> ipam = new ArrayList<>();
    Set<Integer> allVmids =
        new java.util.TreeSet<>(java.util.Comparator.nullsFirst(Integer::compare));
    allVmids.addAll(alloc.keySet());
    allVmids.addAll(onProxmox.keySet());
    for (Integer v : allVmids) {
      if (!Objects.equals(alloc.get(v), onProxmox.get(v))
          || alloc.containsKey(v) != onProxmox.containsKey(v)) {
        ipam.add(
            "VMID "
                + v
                + ": pod_allocation "
                + (alloc.containsKey(v) ? alloc.get(v) : "none")
                + ", Proxmox "
                + (onProxmox.containsKey(v) ? onProxmox.get(v) : "none"));
      }
    }
    checks.put("ipamRows", alloc.size());
    checks.put("ipamMismatches", ipam);
    ipam.forEach(m -> problems.add("IPAM: " + m));

    // foreign guests untouched
    Map<Integer, String> foreignAfter = cluster.foreignDigests();
    List<String> foreign = new ArrayList<>();
    foreignBefore.forEach(
        (v, d) -> {
          if (!d.equals(foreignAfter.get(v))) {
            foreign.add("guest " + v + ": " + d + " -> " + foreignAfter.get(v));
          }
        });
    checks.put("foreignGuests", foreignBefore.size());
    checks.put("foreignChanged", foreign);
    foreign.forEach(f -> problems.add("foreign guest changed: " + f));

    // no desired object lost, every deleted one gone
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> e : desired.entrySet()) {
      JsonNode live = controller.get(path(e.getKey()));
      if (live == null) {
        lost.add(e.getKey() + " is gone");
        continue;
      }
      JsonNode want = JSON.valueToTree(e.getValue().get("spec"));
      List<String> diffs = new ArrayList<>();
      diffSpec("spec", want, live.path("spec"), diffs);
      if (!diffs.isEmpty()) {
        lost.add(e.getKey() + " spec differs from what was last applied: " + diffs);
      }
    }
    for (String k : deleted) {
      if (controller.get(path(k)) != null) {
        lost.add(k + " was deleted but is still there");
      }
    }
    checks.put("desiredObjects", desired.size());
    checks.put("deletedObjects", deleted.size());
    checks.put("objectsLostOrChanged", lost);
    lost.forEach(l -> problems.add("desired state: " + l));

    // the event log is write-ahead: every journaled mutation has an earlier event
    List<WriteAheadCheck.LoggedEvent> events = new ArrayList<>();
    try (Connection c = controller.sql();
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT ts, last_seen, count, reason, vmid FROM events")) {
      while (rs.next()) { // a repeated event is one row (a series) with its count
        events.addAll(
            WriteAheadCheck.occurrences(
                rs.getTimestamp(1).toInstant(),
                rs.getTimestamp(2).toInstant(),
                rs.getInt(3),
                rs.getString(4),
                (Integer) rs.getObject(5)));
      }
    }
    List<Mutation> journal = sim.mutations();
    List<Mutation> onForeign =
        journal.stream().filter(m -> foreignBefore.containsKey(m.vmid())).toList();
    List<Mutation> ours =
        journal.stream().filter(m -> !foreignBefore.containsKey(m.vmid())).toList();
    List<WriteAheadCheck.Gap> gaps = WriteAheadCheck.gaps(ours, events, m -> true, CLOCK_SLACK);
    Map<String, Long> byType =
        new TreeMap<>(
            ours.stream().collect(Collectors.groupingBy(Mutation::type, Collectors.counting())));
    checks.put("events", events.size());
    checks.put("journaledMutations", ours.size());
    checks.put("journaledMutationsByType", byType);
    checks.put("mutationsOfForeignGuests", onForeign.size());
    checks.put("eventLogGaps", gaps.size());
    checks.put("eventLogGapList", gaps.stream().map(Object::toString).limit(50).toList());
    gaps.forEach(g -> problems.add("event log gap: " + g));
    onForeign.forEach(m -> problems.add("foreign guest mutated: " + m));

    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("seed", SEED);
    parameters.put("errorRate", ERROR_RATE);
    parameters.put("lostResponseRate", LOST_RATE);
    parameters.put("taskFailureRate", TASK_FAILURE_RATE);
    parameters.put("latencyMs", List.of(LATENCY_MIN_MS, LATENCY_MAX_MS));
    parameters.put("timeScale", TIME_SCALE);
    parameters.put("nodes", NODES);
    parameters.put("tenants", TENANTS);
    parameters.put("peakPods", 105);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("parameters", parameters);
    report.put("kills", kills);
    report.put("controllerStarts", controller.starts());
    report.put("startsRetriedAfterInjectedFault", controller.failedStarts());
    report.put("phases", phases);
    report.put("elapsedSeconds", (System.nanoTime() - started) / 1e9);
    report.put(
        "proxmoxRequests", sim.requestCounts().values().stream().mapToLong(Long::longValue).sum());
    report.put("checks", checks);
    report.put("problems", problems);
    report.put("passed", problems.isEmpty());
    return report;
  }

  private static void countDuplicates(List<String> values, String what, List<String> out) {
    Map<String, Long> counts =
        values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
    counts.forEach(
        (v, n) -> {
          if (n > 1) {
            out.add(what + " " + v + " appears " + n + " times");
          }
        });
  }

  private static String path(String key) {
    String[] k = key.split("/");
    return switch (k[0]) {
      case "IpPool" -> "/api/v1/ippools/" + k[2];
      case "Tenant" -> "/api/v1/tenants/" + k[2];
      case "PodSet" -> "/api/v1/tenants/" + k[1] + "/podsets/" + k[2];
      default -> "/api/v1/tenants/" + k[1] + "/cloudpods/" + k[2];
    };
  }

  /** Every field the test set must have that value on the live object (defaults may add others). */
  private static void diffSpec(String at, JsonNode want, JsonNode live, List<String> diffs) {
    if (want.isObject()) {
      want.fields()
          .forEachRemaining(
              f -> diffSpec(at + "." + f.getKey(), f.getValue(), live.path(f.getKey()), diffs));
    } else if (want.isArray()) {
      if (!live.isArray() || live.size() != want.size()) {
        diffs.add(at + ": want " + want + ", have " + live);
        return;
      }
      for (int i = 0; i < want.size(); i++) {
        diffSpec(at + "[" + i + "]", want.get(i), live.get(i), diffs);
      }
    } else if (!want.asText().equals(live.asText())) {
      diffs.add(at + ": want " + want + ", have " + live);
    }
  }

  @SuppressWarnings("unchecked")
  private static String summary(Map<String, Object> report) {
    Map<String, Object> p = (Map<String, Object>) report.get("parameters");
    Map<String, Object> c = (Map<String, Object>) report.get("checks");
    StringBuilder b = new StringBuilder();
    b.append("\n================ CHAOS SOAK ================\n");
    b.append(
        String.format(
            "seed %s | faults: 5xx %.0f%%, lost answers %.0f%%, failed tasks %.0f%%, latency %s ms%n",
            p.get("seed"),
            100 * ERROR_RATE,
            100 * LOST_RATE,
            100 * TASK_FAILURE_RATE,
            p.get("latencyMs")));
    b.append(
        String.format(
            "time scale %s | nodes %s | tenants %s | peak pods %s%n",
            p.get("timeScale"), p.get("nodes"), p.get("tenants"), p.get("peakPods")));
    for (Map<String, Object> k : (List<Map<String, Object>>) report.get("kills")) {
      b.append(
          String.format(
              "kill -9 in %-6s after %5s ms: %3s Proxmox tasks running; back up in %s ms%n",
              k.get("phase"), k.get("afterMs"), k.get("runningProxmoxTasks"), k.get("restartMs")));
    }
    b.append(
        String.format(
            "controller starts %s (retried after an injected fault at start-up: %s)%n",
            report.get("controllerStarts"), report.get("startsRetriedAfterInjectedFault")));
    ((Map<String, Object>) report.get("phases"))
        .forEach(
            (name, v) -> {
              Map<String, Object> ph = (Map<String, Object>) v;
              b.append(
                  String.format(
                      "phase %-6s %6.1f s  converged=%s  pods=%s%n",
                      name, ph.get("seconds"), ph.get("converged"), ph.get("pods")));
            });
    b.append(
        String.format(
            "total %.1f s | Proxmox requests %s%n",
            report.get("elapsedSeconds"), report.get("proxmoxRequests")));
    b.append("--- final checks ---\n");
    b.append(
        String.format(
            "pods %s of %s desired, not as specified: %d%n",
            c.get("pods"), c.get("expectedPods"), ((List<?>) c.get("podsNotAsSpecified")).size()));
    b.append(
        String.format(
            "containers with our marker %s, orphans: %d%n",
            c.get("managedContainers"), ((List<?>) c.get("orphans")).size()));
    b.append(
        String.format(
            "duplicate VMIDs/addresses/containers: %d%n", ((List<?>) c.get("duplicates")).size()));
    b.append(
        String.format(
            "IPAM rows %s, mismatches with Proxmox: %d%n",
            c.get("ipamRows"), ((List<?>) c.get("ipamMismatches")).size()));
    b.append(
        String.format(
            "foreign guests %s, changed: %d, mutated: %s%n",
            c.get("foreignGuests"),
            ((List<?>) c.get("foreignChanged")).size(),
            c.get("mutationsOfForeignGuests")));
    b.append(
        String.format(
            "desired objects %s (+%s deleted), lost or changed: %d%n",
            c.get("desiredObjects"),
            c.get("deletedObjects"),
            ((List<?>) c.get("objectsLostOrChanged")).size()));
    b.append(
        String.format(
            "events %s | journaled mutations %s %s | event log gaps: %s%n",
            c.get("events"),
            c.get("journaledMutations"),
            c.get("journaledMutationsByType"),
            c.get("eventLogGaps")));
    List<String> problems = (List<String>) report.get("problems");
    b.append(
        problems.isEmpty()
            ? "RESULT: PASS\n"
            : "RESULT: FAIL (" + problems.size() + " problems)\n");
    problems.stream().limit(40).forEach(pr -> b.append("  - ").append(pr).append('\n'));
    b.append("============================================\n");
    return b.toString();
  }
}
