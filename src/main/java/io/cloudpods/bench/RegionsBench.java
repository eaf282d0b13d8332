package io.cloudpods.bench;

import static io.cloudpods.bench.BenchEnv.progress;
import static io.cloudpods.bench.BenchOptions.or;
import static io.cloudpods.bench.Scenarios.goal;
import static io.cloudpods.bench.Scenarios.round;

import io.cloudpods.bench.BenchEnv.ControllerSettings;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimRequest;
import io.cloudpods.sim.SimulatorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scenarios with {@code --regions 2}: the controller's configured cluster ({@code default},
 * region {@code default}) and a second simulator in this process added as the ProxmoxCluster {@code
 * west} (region {@code west-1}), each with its own token, the same nodes and timing.
 *
 * <ul>
 *   <li>{@code converge --regions 2}: half the pods in each region from empty; elapsed against the
 *       lower bound of the slower cluster (the clusters' engines work in parallel).
 *   <li>{@code steady --regions 2}: both regions converged, then the Proxmox requests per resync
 *       cycle of each cluster and the controller's CPU per cycle for both.
 *   <li>{@code reaction --regions 2}: REST reaction in region {@code default} with the west cluster
 *       answering, then with it black-holed (its requests read and never answered) while every west
 *       pod is resized; p50/p99 compared. After the outage the west pods converge.
 * </ul>
 */
final class RegionsBench {

  static final String WEST = "west";
  static final String WEST_REGION = "west-1";
  static final String WEST_TOKEN_ID = "cloudpods@pve!west";

  private RegionsBench() {}

  /** Starts the west simulator and adds it as a cluster with a pool and the bench tenant. */
  static ProxmoxSimulator addWest(BenchEnv env, SimulatorOptions.Builder options) throws Exception {
    String secret = UUID.randomUUID().toString();
    ProxmoxSimulator west =
        ProxmoxSimulator.start(
            options
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(WEST_TOKEN_ID, secret)
                .authFailureDelay(Duration.ZERO)
                .build());
    Path secretFile = env.work.resolve("west-token-secret");
    Files.writeString(secretFile, secret + "\n");
    progress("west simulator at " + west.baseUrl() + " (" + west.options().nodes() + " node(s))");
    env.apply(
        """
        apiVersion: cloudpods.io/v1alpha1
        kind: ProxmoxCluster
        metadata: {name: %s}
        spec:
          region: %s
          url: %s
          tokenId: "%s"
          tokenSecretFile: %s
        ---
        apiVersion: cloudpods.io/v1alpha1
        kind: IpPool
        metadata: {name: west}
        spec: {cluster: %s, cidr: 10.65.0.0/16, gateway: 10.65.0.1, rangeStart: 10.65.0.10, rangeEnd: 10.65.255.250}
        ---
        apiVersion: cloudpods.io/v1alpha1
        kind: Tenant
        metadata: {name: %s}
        spec: {displayName: Benchmark, allowed: {ipPools: [default, west]}}
        """
            .formatted(
                WEST,
                WEST_REGION,
                west.baseUrl(),
                WEST_TOKEN_ID,
                secretFile.toAbsolutePath(),
                WEST,
                BenchEnv.TENANT));
    return west;
  }

  static String westPodSetYaml(String name, int replicas, int cores, int memoryMb, String clone) {
    return """
        apiVersion: cloudpods.io/v1alpha1
        kind: PodSet
        metadata: {name: %s, tenant: %s}
        spec:
          replicas: %d
          template:
            spec: {region: %s, ipPool: west, cores: %d, memoryMb: %d, swapMb: 0, diskGb: 8, cloneMode: %s}
        """
        .formatted(name, BenchEnv.TENANT, replicas, WEST_REGION, cores, memoryMb, clone);
  }

  // ---- converge --regions 2 ----

  static Scenarios.Result converge(BenchOptions o) throws Exception {
    int pods = or(o.pods, 200);
    int nodes = or(o.nodes, 1);
    String clone = or(o.clone, "full");
    double scale = or(o.timeScale, 0.05);
    int memoryMb = or(o.memoryMb, 256);
    int east = (pods + 1) / 2;
    int westPods = pods - east;
    int perNode = (east + nodes - 1) / nodes;
    long memGiB = Math.max(128, (long) Math.ceil(perNode * (double) memoryMb / 1024 * 1.25) + 16);
    long storageGiB = Math.max(2048, clone.equals("full") ? perNode * 9L + 64 : 2048);
    ControllerSettings cs = Scenarios.settings(o, scale, true, Duration.ofSeconds(30), null, null);
    try (BenchEnv env =
            BenchEnv.start(
                Scenarios.simOptions(nodes, scale, memGiB, storageGiB), cs, o.keepWorkDir);
        ProxmoxSimulator west =
            addWestAfterPool(env, Scenarios.simOptions(nodes, scale, memGiB, storageGiB))) {
      Map<String, Object> params =
          Scenarios.parameters("converge", o, pods, nodes, clone, scale, memoryMb, cs);
      params.put("regions", 2);
      params.put("podsPerRegion", Map.of("default", east, WEST_REGION, westPods));
      long t0 = System.nanoTime();
      long wall0 = System.currentTimeMillis();
      env.apply(
          BenchEnv.podSetYaml("bench-east", east, memoryMb, clone)
              + "---\n"
              + westPodSetYaml("bench-west", westPods, 1, memoryMb, clone));
      progress("applied PodSets for " + east + " + " + westPods + " pods; waiting for all Ready");
      long ready = env.waitReady(pods, Duration.ofMinutes(30), Duration.ofMillis(100));
      long t1 = System.nanoTime();
      if (ready < 0) {
        throw new IllegalStateException("not all " + pods + " pods Ready within 30 minutes");
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("pods", pods);
      double elapsed = (t1 - t0) / 1e6;
      figures.put("elapsedPolledMs", round(elapsed, 1));
      Map<String, Object> byRegion = new LinkedHashMap<>();
      double worstBound = 0;
      for (String[] c : new String[][] {{"default", "default"}, {WEST, WEST_REGION}}) {
        ProxmoxSimulator sim = c[0].equals(WEST) ? west : env.sim;
        Map<String, Integer> byNode = podsByNode(env, c[0]);
        Map<String, Object> bound = Scenarios.lowerBound(sim, byNode, clone);
        worstBound = Math.max(worstBound, (double) bound.get("boundMs"));
        Map<String, Object> r = new LinkedHashMap<>();
        long last = lastReady(env, c[0]);
        r.put("cluster", c[0]);
        r.put("pods", byNode.values().stream().mapToInt(Integer::intValue).sum());
        r.put("elapsedToLastReadyTransitionMs", last < 0 ? null : last - wall0);
        r.put("podsByNode", byNode);
        r.put("lowerBound", bound);
        r.put("proxmoxRequests", sum(sim.requestCounts()));
        byRegion.put(c[1], r);
      }
      figures.put("byRegion", byRegion);
      double ratio = elapsed / worstBound;
      figures.put("boundMs", round(worstBound, 1));
      figures.put("ratioElapsedToBound", round(ratio, 3));
      List<Map<String, Object>> goals =
          List.of(
              goal(
                  "both regions together within 15 % of the slower cluster's lower bound",
                  "ratioElapsedToBound <= 1.15", round(ratio, 3), ratio <= 1.15));
      List<String> notes = new ArrayList<>();
      notes.add(
          "Two simulators with the same nodes and timing; each cluster has its own engine in the one"
              + " controller process. The bound is the larger of the two clusters' bounds (the"
              + " converge scenario's formula per cluster): the regions converge in parallel when"
              + " the elapsed time stays near it.");
      notes.add(
          "elapsedPolledMs: from just before the apply to the first poll (every 100 ms) that saw all"
              + " pods of both regions Ready.");
      return new Scenarios.Result(
          params, Scenarios.simulator(env, memGiB, storageGiB), figures, goals, notes);
    }
  }

  // ---- steady --regions 2 ----

  /**
   * Both regions converged, then {@code --cycles} resync intervals measured: the Proxmox requests
   * each cluster answered per cycle (per node), and the controller's CPU per cycle for both.
   */
  static Scenarios.Result steady(BenchOptions o) throws Exception {
    int pods = or(o.pods, 2_000);
    int nodes = or(o.nodes, 3);
    String clone = or(o.clone, "linked");
    double scale = or(o.timeScale, 0.001);
    int memoryMb = or(o.memoryMb, 64);
    int cycles = or(o.cycles, 6);
    int east = (pods + 1) / 2;
    int westPods = pods - east;
    int perNode = (east + nodes - 1) / nodes;
    long memGiB = Math.max(128, (long) Math.ceil(perNode * (double) memoryMb / 1024 * 1.25) + 16);
    long storageGiB = Math.max(2048, clone.equals("full") ? perNode * 9L + 64 : 2048);
    ControllerSettings cs =
        Scenarios.settings(o, scale, true, Duration.ofSeconds(10), "512m", null);
    try (BenchEnv env =
            BenchEnv.start(
                Scenarios.simOptions(nodes, scale, memGiB, storageGiB), cs, o.keepWorkDir);
        ProxmoxSimulator west =
            addWestAfterPool(env, Scenarios.simOptions(nodes, scale, memGiB, storageGiB))) {
      Map<String, Object> params =
          Scenarios.parameters("steady", o, pods, nodes, clone, scale, memoryMb, cs);
      params.put("regions", 2);
      params.put("cycles", cycles);
      params.put("podsPerRegion", Map.of("default", east, WEST_REGION, westPods));
      long t0 = System.nanoTime();
      env.apply(
          BenchEnv.podSetYaml("bench-east", east, memoryMb, clone)
              + "---\n"
              + westPodSetYaml("bench-west", westPods, 1, memoryMb, clone));
      progress("applied PodSets for " + east + " + " + westPods + " pods; waiting for all Ready");
      if (env.waitReady(pods, Duration.ofHours(3), Duration.ofMillis(500)) < 0) {
        throw new IllegalStateException("not all " + pods + " pods Ready within 3 hours");
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("convergeFromEmptyMs", round((System.nanoTime() - t0) / 1e6, 0));
      Duration resync = cs.resyncInterval();
      progress("converged; settling for two resync intervals (" + resync + " each)");
      Thread.sleep(2 * resync.toMillis() + 1000);
      progress("measuring " + cycles + " resync cycles of " + resync + " in both regions");
      env.controllerFullGc();
      Map<String, Long> east0 = env.sim.requestCounts();
      Map<String, Long> west0 = west.requestCounts();
      long cpu0 = env.controllerCpuMillis();
      long w0 = System.nanoTime();
      Thread.sleep(resync.toMillis() * cycles);
      long cpu1 = env.controllerCpuMillis();
      long w1 = System.nanoTime();
      Map<String, Map<String, Long>> since =
          Map.of(
              "default", env.sim.requestCountsSince(east0), WEST, west.requestCountsSince(west0));
      int readyAfter;
      try (Connection c = env.sql()) {
        readyAfter = env.readyPods(c);
      }
      Map<String, Object> byRegion = new LinkedHashMap<>();
      List<Map<String, Object>> goals = new ArrayList<>();
      for (String[] c : new String[][] {{"default", "default"}, {WEST, WEST_REGION}}) {
        Map<String, Long> reqs = since.get(c[0]);
        double total = sum(reqs) / (double) cycles;
        Map<String, Object> perRoute = new TreeMap<>();
        reqs.forEach((k, v) -> perRoute.put(k, round(v / (double) cycles, 2)));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cluster", c[0]);
        r.put("pods", podsByNode(env, c[0]).values().stream().mapToInt(Integer::intValue).sum());
        r.put("proxmoxRequestsPerCycle", round(total, 2));
        r.put("proxmoxRequestsPerCyclePerNode", round(total / nodes, 2));
        r.put("proxmoxRequestsPerCycleByRoute", perRoute);
        byRegion.put(c[1], r);
        goals.add(
            goal(
                "region " + c[1] + ": Proxmox requests per resync cycle, a few per node",
                "proxmoxRequestsPerCyclePerNode <= 5",
                round(total / nodes, 2),
                total / nodes <= 5));
      }
      double cpuPerCycle = (cpu1 - cpu0) / (double) cycles;
      Map<String, Object> steady = new LinkedHashMap<>();
      steady.put("settledBeforeWindow", "two resync intervals after the last pod was Ready");
      steady.put("windowMs", round((w1 - w0) / 1e6, 0));
      steady.put("cycles", cycles);
      steady.put("resyncInterval", resync.toMillis() + "ms");
      steady.put("byRegion", byRegion);
      steady.put("controllerCpuMsPerCycle", round(cpuPerCycle, 1));
      steady.put("readyPodsAfterWindow", readyAfter);
      figures.put("steadyState", steady);
      Map<String, Object> heap = env.controllerHeap();
      figures.put("controllerHeap", heap);
      long live = (long) heap.get("usedAfterFullGcBytes");
      goals.add(
          goal(
              "controller CPU time per resync cycle, both regions",
              "< 250 ms",
              round(cpuPerCycle, 1),
              cpuPerCycle < 250));
      goals.add(
          goal(
              "controller heap (live, after a full GC)",
              "< 512 MB",
              Math.round(live / 1048576.0) + " MiB",
              live < 512L * 1024 * 1024));
      goals.add(
          goal(
              "every pod of both regions Ready after the window",
              "all Ready",
              readyAfter + "/" + pods + " Ready",
              readyAfter == pods));
      List<String> notes = new ArrayList<>();
      notes.add(
          "Two simulators with the same nodes and timing, each cluster with its own engine and"
              + " resync in one controller process. Requests per cycle are each simulator's own"
              + " request counts over the window divided by the cycles; the controller's CPU is for"
              + " both clusters together (/proc/<pid>/stat, the window starting after a full GC).");
      return new Scenarios.Result(
          params, Scenarios.simulator(env, memGiB, storageGiB), figures, goals, notes);
    }
  }

  /** The pool and tenant of the bench first (the west tenant write allows both pools). */
  private static ProxmoxSimulator addWestAfterPool(BenchEnv env, SimulatorOptions.Builder options)
      throws Exception {
    env.applyPoolAndTenant();
    return addWest(env, options);
  }

  // ---- reaction --regions 2 ----

  /** East pods in the PodSet that each phase resizes. */
  private static final int EAST_SET = 4;

  static Scenarios.Result reaction(BenchOptions o) throws Exception {
    int westPods = or(o.pods, 10);
    int nodes = or(o.nodes, 1);
    String clone = or(o.clone, "linked");
    double scale = or(o.timeScale, 0.01);
    int memoryMb = or(o.memoryMb, 256);
    int samples = or(o.samples, 100);
    Duration pause = or(o.pause, Duration.ofMillis(100));
    Duration outage = or(o.outage, Duration.ZERO);
    long memGiB = 128;
    long storageGiB =
        Math.max(2048, clone.equals("full") ? (westPods + 2L * samples) * 9 + 64 : 2048);
    ControllerSettings cs = Scenarios.settings(o, scale, true, Duration.ofSeconds(30), null, null);
    try (BenchEnv env =
            BenchEnv.start(
                Scenarios.simOptions(nodes, scale, memGiB, storageGiB), cs, o.keepWorkDir);
        ProxmoxSimulator west =
            addWestAfterPool(env, Scenarios.simOptions(nodes, scale, memGiB, storageGiB))) {
      Map<String, Object> params =
          Scenarios.parameters("reaction", o, westPods, nodes, clone, scale, memoryMb, cs);
      params.put("regions", 2);
      params.put("westPods", westPods);
      params.put("eastPodSet", EAST_SET);
      params.put("samples", samples);
      params.put("pause", pause.toMillis() + "ms");
      params.put("outageAtLeast", outage.toString());
      env.apply(
          westPodSetYaml("west", westPods, 1, memoryMb, clone)
              + "---\n"
              + BenchEnv.podSetYaml("east", EAST_SET, memoryMb, clone));
      if (env.waitReady(westPods + EAST_SET, Duration.ofMinutes(10), Duration.ofMillis(100)) < 0) {
        throw new IllegalStateException("the pods did not converge beforehand");
      }
      java.util.Set<Integer> westBefore = westGuests(west);
      Map<Integer, SimRequest> first = new ConcurrentHashMap<>();
      Map<String, Object> figures = new LinkedHashMap<>();
      try (AutoCloseable l =
          env.sim.addRequestListener(
              r -> {
                var v = r.guestVmid();
                if (v.isPresent() && v.getAsInt() >= 600_000) {
                  first.putIfAbsent(v.getAsInt(), r);
                }
              })) {
        // a first round unmeasured, so neither measured phase pays for the JIT's warm-up
        int warm = Math.max(1, samples / 2);
        progress("warm-up: " + warm + " samples, not measured");
        eastWork(env, warm, pause, first, memoryMb, clone, 10 * samples, 3);
        progress("baseline: the west cluster answers");
        Map<String, Object> baseline = eastWork(env, samples, pause, first, memoryMb, clone, 0, 2);
        progress("outage: the west cluster is black-holed and every west pod is resized");
        long outageStart = System.nanoTime();
        west.setBlackHole(true);
        Map<String, Object> during;
        try {
          env.apply(westPodSetYaml("west", westPods, 2, memoryMb, clone));
          during = eastWork(env, samples, pause, first, memoryMb, clone, samples, 1);
          long left = outage.toNanos() - (System.nanoTime() - outageStart);
          if (left > 0) {
            progress("holding the outage for " + left / 1_000_000_000 + " s more");
            Thread.sleep(left / 1_000_000);
          }
          figures.put("westDuringOutage", westState(env));
          figures.put("westBlackHoledRequests", west.blackHoledRequests());
        } finally {
          west.setBlackHole(false);
        }
        long outageMs = (System.nanoTime() - outageStart) / 1_000_000;
        long lifted = System.nanoTime();
        progress("west answers again; waiting for its pods to converge");
        long westConverged = waitWestResized(env, westPods, Duration.ofMinutes(10));
        java.util.Set<Integer> westAfter = westGuests(west);
        figures.put("baseline", baseline);
        figures.put("duringWestOutage", during);
        figures.put("outageMs", outageMs);
        figures.put(
            "westConvergedAfterOutageMs",
            westConverged < 0 ? null : (westConverged - lifted) / 1_000_000);
        boolean sameWestGuests = westBefore.equals(westAfter);
        figures.put("westGuestsBefore", westBefore.size());
        figures.put("westGuestsAfter", westAfter.size());
        List<Map<String, Object>> goals = new ArrayList<>();
        for (String[] f :
            new String[][] {
              {"reaction p50", "reaction", "p50Ms"},
              {"reaction p99", "reaction", "p99Ms"},
              {"resize converge time", "resizeConvergeMs", null},
              {"delete time", "deleteMs", null}
            }) {
          double b = number(baseline, f[1], f[2]);
          double d = number(during, f[1], f[2]);
          double ratio = d / b;
          figures.put("ratio " + f[0], round(ratio, 3));
          goals.add(
              goal(
                  "east " + f[0] + " with west black-holed within 10 % of baseline",
                  "ratio <= 1.10 (or within 5 ms)",
                  round(ratio, 3),
                  ratio <= 1.10 || d - b <= 5));
        }
        Object failed = ((Map<?, ?>) figures.get("westDuringOutage")).get("failedOrDeleted");
        goals.add(
            goal(
                "no west pod Failed or deleted during the outage",
                "0",
                failed,
                Integer.valueOf(0).equals(failed)));
        goals.add(
            goal(
                "no west container lost or replaced (same VMIDs before and after)",
                "true",
                sameWestGuests,
                sameWestGuests));
        goals.add(
            goal(
                "the west pods converge after the outage without a restart",
                "all resized and Ready",
                westConverged >= 0,
                westConverged >= 0));
        List<String> notes = new ArrayList<>();
        notes.add(
            "Each phase, in region default: 'samples' pods created over REST (reaction: the accepted"
                + " PUT to the first request about the pod at the east simulator, as in the reaction"
                + " scenario), the PodSet 'east' resized (converge time: the apply to every pod Ready"
                + " at its new generation), the phase's pods deleted (skipFinalBackup; to all gone).");
        notes.add(
            "A warm-up round first (not measured); the baseline with the west cluster answering;"
                + " then the same with it black-holed (requests read and never answered) while every west pod is resized, so the west engine's"
                + " passes wait for Proxmox until the request timeout; held at least --outage.");
        notes.add("'within 5 ms' keeps a small baseline from turning noise into a failed ratio.");
        return new Scenarios.Result(
            params, Scenarios.simulator(env, memGiB, storageGiB), figures, goals, notes);
      }
    }
  }

  /** One phase's east workload: create, resize, delete; its figures. */
  private static Map<String, Object> eastWork(
      BenchEnv env,
      int samples,
      Duration pause,
      Map<Integer, SimRequest> first,
      int memoryMb,
      String clone,
      int offset,
      int cores)
      throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reaction", Scenarios.sampleRest(env, samples, pause, first, memoryMb, clone, offset));
    long t0 = System.nanoTime();
    env.apply(
        BenchEnv.podSetYaml("east", EAST_SET, memoryMb, clone)
            .replace("cores: 1", "cores: " + cores));
    if (!waitEastResized(env, cores, Duration.ofMinutes(5))) {
      throw new IllegalStateException("the east PodSet did not converge to " + cores + " cores");
    }
    m.put("resizeConvergeMs", round((System.nanoTime() - t0) / 1e6, 1));
    long d0 = System.nanoTime();
    for (int i = offset; i < offset + samples; i++) {
      env.sendOk(
          "DELETE",
          "/api/v1/tenants/"
              + BenchEnv.TENANT
              + "/cloudpods/react-rest-"
              + i
              + "?skipFinalBackup=true",
          null,
          null);
    }
    if (!waitGone(env, offset, samples, Duration.ofMinutes(5))) {
      throw new IllegalStateException("the phase's pods were not deleted");
    }
    m.put("deleteMs", round((System.nanoTime() - d0) / 1e6, 1));
    return m;
  }

  private static boolean waitEastResized(BenchEnv env, int cores, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    try (Connection c = env.sql();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM cloud_pod p WHERE p.owner_name = 'east'"
                    + " AND p.spec->>'cores' = ?"
                    + " AND (p.status->>'observedGeneration')::bigint = p.generation"
                    + " AND EXISTS (SELECT 1 FROM jsonb_array_elements(p.status->'conditions') x"
                    + " WHERE x->>'type' = 'Ready' AND x->>'status' = 'True')")) {
      q.setString(1, Integer.toString(cores));
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= EAST_SET) {
            return true;
          }
        }
        Thread.sleep(20);
      }
    }
    return false;
  }

  private static boolean waitGone(BenchEnv env, int offset, int samples, Duration max)
      throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    try (Connection c = env.sql();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM cloud_pod WHERE name LIKE 'react-rest-%'"
                    + " AND CAST(substring(name FROM 12) AS integer) BETWEEN ? AND ?")) {
      q.setInt(1, offset);
      q.setInt(2, offset + samples - 1);
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == 0) {
            return true;
          }
        }
        Thread.sleep(20);
      }
    }
    return false;
  }

  /** The west simulator's guests by VMID (templates and infrastructure included). */
  private static java.util.Set<Integer> westGuests(ProxmoxSimulator west) {
    return new java.util.TreeSet<>(west.vmids());
  }

  private static double number(Map<String, Object> phase, String key, String sub) {
    Object v = phase.get(key);
    if (sub != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> d =
          (Map<String, Object>) ((Map<String, Object>) v).get("fromAcceptedWrite");
      v = d.getOrDefault(sub, Double.NaN);
    }
    return ((Number) v).doubleValue();
  }

  /** The west pods' Ready reasons, and how many are Failed or being deleted. */
  private static Map<String, Object> westState(BenchEnv env) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    int failedOrDeleted = 0;
    try (Connection c = env.sql();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT p.status->>'phase', p.deletion_timestamp IS NOT NULL,"
                    + " (SELECT x->>'reason' FROM jsonb_array_elements(p.status->'conditions') x"
                    + " WHERE x->>'type' = 'Ready') FROM cloud_pod p WHERE p.cluster = ?")) {
      q.setString(1, WEST);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          if ("Failed".equals(rs.getString(1)) || rs.getBoolean(2)) {
            failedOrDeleted++;
          }
          reasons.merge(String.valueOf(rs.getString(3)), 1, Integer::sum);
        }
      }
    }
    m.put("readyReasons", reasons);
    m.put("failedOrDeleted", failedOrDeleted);
    return m;
  }

  /** Waits until every west pod has its 2-core generation Ready; System.nanoTime or -1. */
  private static long waitWestResized(BenchEnv env, int pods, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    try (Connection c = env.sql();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM cloud_pod p WHERE p.cluster = ? AND p.spec->>'cores' = '2'"
                    + " AND (p.status->>'observedGeneration')::bigint = p.generation"
                    + " AND EXISTS (SELECT 1 FROM jsonb_array_elements(p.status->'conditions') x"
                    + " WHERE x->>'type' = 'Ready' AND x->>'status' = 'True')")) {
      q.setString(1, WEST);
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= pods) {
            return System.nanoTime();
          }
        }
        Thread.sleep(100);
      }
    }
    return -1;
  }

  private static Map<String, Integer> podsByNode(BenchEnv env, String cluster) throws Exception {
    Map<String, Integer> m = new TreeMap<>();
    try (Connection c = env.sql();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT node, count(*) FROM pod_allocation WHERE cluster = ? GROUP BY node")) {
      q.setString(1, cluster);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          m.put(String.valueOf(rs.getString(1)), rs.getInt(2));
        }
      }
    }
    return m;
  }

  private static long lastReady(BenchEnv env, String cluster) throws Exception {
    try (Connection c = env.sql();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT max((x->>'lastTransitionTime')::timestamptz) FROM cloud_pod p,"
                    + " jsonb_array_elements(p.status->'conditions') x WHERE p.cluster = ?"
                    + " AND x->>'type' = 'Ready' AND x->>'status' = 'True'")) {
      q.setString(1, cluster);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        java.sql.Timestamp ts = rs.getTimestamp(1);
        return ts == null ? -1 : ts.getTime();
      }
    }
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }
}
