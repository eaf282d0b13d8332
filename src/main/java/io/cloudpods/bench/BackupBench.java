package io.cloudpods.bench;

import io.cloudpods.bench.BenchEnv.ControllerSettings;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.sim.TimingModel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code cloudpods bench backup}: N pods on a simulated cluster of several nodes, one BackupPolicy
 * run backing them all up. Elapsed from the policy's insertion to the last Backup finished, against
 * the bound of one vzdump per node: per node the sum of its backups' simulated durations ({@code
 * vzdumpPerGiB} x the root disk's GiB x the time scale), the max over nodes. Also controller CPU
 * per backup and Proxmox requests per backup.
 */
final class BackupBench {

  static final String POLICY = "bench-all";
  static final int DISK_GIB = 8;

  private BackupBench() {}

  static Scenarios.Result run(BenchOptions o) throws Exception {
    int pods = o.pods != null ? o.pods : 100;
    int nodes = o.nodes != null ? o.nodes : 3;
    double scale = o.timeScale != null ? o.timeScale : 0.02;
    Duration poll =
        o.taskPollInterval != null
            ? o.taskPollInterval
            : Duration.ofMillis(Math.max(20, Math.round(1000 * scale)));
    List<String> jvm =
        new ArrayList<>(
            o.controllerJvmOptions == null ? BenchEnv.shippedJvmOptions() : o.controllerJvmOptions);
    // the backup controller's task polls and waits, scaled like the simulator's durations
    jvm.add("-Dcloudpods.backups.poll-initial=" + Math.max(10, poll.toMillis() / 4) + "ms");
    jvm.add("-Dcloudpods.backups.poll-max=" + poll.toMillis() + "ms");
    jvm.add("-Dcloudpods.backups.locked-recheck=" + Math.max(20, poll.toMillis() * 2) + "ms");
    ControllerSettings cs =
        new ControllerSettings(
            true,
            o.resyncInterval != null ? o.resyncInterval : Duration.ofSeconds(30),
            poll,
            Duration.ofMillis(Math.max(20, Math.round(2000 * scale))),
            o.capacityRecheck != null ? o.capacityRecheck : Duration.ofSeconds(5),
            o.deepVerifyInterval,
            o.workers,
            o.controllerXmx == null || o.controllerXmx.equals("none") ? null : o.controllerXmx,
            jvm,
            null);
    long memGiB = Math.max(128, (long) Math.ceil(pods / (double) nodes * 0.25 * 1.25) + 16);
    SimulatorOptions.Builder sim =
        SimulatorOptions.builder()
            .nodes(nodes)
            .timeScale(scale)
            .nodeMemoryGiB(memGiB)
            .clientStorageGiB(2048);
    try (BenchEnv env = BenchEnv.start(sim, cs, o.keepWorkDir)) {
      env.applyPoolAndTenant();
      env.apply(BenchEnv.podSetsYaml(pods, 256, "linked"));
      BenchEnv.progress("applied " + pods + " pods; waiting for all Ready");
      if (env.waitReady(pods, Duration.ofMinutes(10), Duration.ofMillis(100)) < 0) {
        throw new IllegalStateException("not all " + pods + " pods Ready within 10 minutes");
      }
      Map<String, Integer> byNode = podsByNode(env);
      TimingModel t = env.sim.timing();
      double perBackupMs = t.vzdumpPerGiB().toNanos() / 1e6 * DISK_GIB * t.timeScale();
      Map<String, Object> boundByNode = new TreeMap<>();
      double boundMs = 0;
      for (Map.Entry<String, Integer> e : byNode.entrySet()) {
        double ms = e.getValue() * perBackupMs;
        boundByNode.put(e.getKey(), round(ms, 1));
        boundMs = Math.max(boundMs, ms);
      }

      Map<String, Long> req0 = env.sim.requestCounts();
      long cpu0 = env.controllerCpuMillis();
      long t0 = System.nanoTime();
      insertPolicy(env);
      BenchEnv.progress("policy " + POLICY + " inserted; waiting for " + pods + " backups");
      int[] counts = waitBackups(env, pods, Duration.ofMillis(Math.round(boundMs * 10) + 180_000));
      long t1 = System.nanoTime();
      long cpu1 = env.controllerCpuMillis();
      long requests =
          env.sim.requestCountsSince(req0).values().stream().mapToLong(Long::longValue).sum();
      double elapsedMs = (t1 - t0) / 1e6;

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("pods", pods);
      figures.put("podsByNode", byNode);
      figures.put("backupsCompleted", counts[0]);
      figures.put("backupsFailed", counts[1]);
      if (counts[1] > 0) {
        figures.put("failureMessages", failureMessages(env));
      }
      figures.put("elapsedMs", round(elapsedMs, 1));
      figures.put("perBackupSimulatedMs", round(perBackupMs, 1));
      figures.put("boundByNodeMs", boundByNode);
      figures.put("boundMs", round(boundMs, 1));
      figures.put("ratioElapsedToBound", round(elapsedMs / boundMs, 3));
      figures.put("maxConcurrentPerNode", maxConcurrentPerNode(env));
      figures.put("controllerCpuMs", cpu1 - cpu0);
      figures.put("controllerCpuMsPerBackup", round((cpu1 - cpu0) / (double) pods, 2));
      figures.put("proxmoxRequestsPerBackup", round(requests / (double) pods, 2));

      Map<String, Object> params = new LinkedHashMap<>();
      params.put("scenario", "backup");
      params.put("pods", pods);
      params.put("nodes", nodes);
      params.put("timeScale", scale);
      params.put("diskGb", DISK_GIB);
      params.put("controller", cs.describe());
      Map<String, Object> simulator = new LinkedHashMap<>();
      simulator.put("nodes", nodes);
      simulator.put("timeScale", t.timeScale());
      simulator.put("vzdumpPerGiB", t.vzdumpPerGiB().toMillis() + "ms");
      List<Map<String, Object>> goals = new ArrayList<>();
      goals.add(goal("every backup completed", "completed = pods", counts[0], counts[0] == pods));
      goals.add(
          goal(
              "one vzdump per node",
              "max concurrent Running per node = 1",
              figures.get("maxConcurrentPerNode"),
              ((Number) figures.get("maxConcurrentPerNode")).intValue() <= 1));
      goals.add(
          goal(
              "elapsed near the per-node serial bound",
              "elapsed <= 1.5 x bound + 5 s",
              round(elapsedMs / boundMs, 3),
              elapsedMs <= boundMs * 1.5 + 5000));
      List<String> notes =
          List.of(
              "elapsed runs from the INSERT of the policy (its due time already reached) to the"
                  + " last Backup Completed or Failed, polled every 100 ms",
              "the bound assumes back-to-back vzdumps on each node: it leaves out the controller's"
                  + " task polls between one backup ending and the next starting",
              "controller CPU covers the whole run: the policy reconcile, "
                  + pods
                  + " Backup reconciles with their polls, prunes and the resyncs");
      return new Scenarios.Result(params, simulator, figures, goals, notes);
    }
  }

  private static Map<String, Integer> podsByNode(BenchEnv env) throws Exception {
    Map<String, Integer> m = new TreeMap<>();
    try (Connection c = env.sql();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT status->>'node', count(*) FROM cloud_pod WHERE tenant = '"
                    + BenchEnv.TENANT
                    + "' GROUP BY 1")) {
      while (rs.next()) {
        m.put(rs.getString(1) == null ? "(none)" : rs.getString(1), rs.getInt(2));
      }
    }
    return m;
  }

  /**
   * A policy selecting every pod, due one minute ago and created three minutes ago: the controller
   * runs it at once, on time; its next due time is a day later.
   */
  private static void insertPolicy(BenchEnv env) throws Exception {
    Instant due = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
    var utc = due.atZone(ZoneOffset.UTC);
    String cron = utc.getMinute() + " " + utc.getHour() + " * * *";
    String spec =
        "{\"schedule\":\""
            + cron
            + "\",\"timeZone\":\"UTC\",\"selector\":{\"matchLabels\":{}},"
            + "\"storage\":\"vzdump-backups\",\"mode\":\"snapshot\",\"compress\":\"zstd\","
            + "\"retention\":{\"keepLast\":7},\"catchUp\":\"Skip\",\"suspend\":false}";
    try (Connection c = env.sql();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO backup_policy (tenant, name, spec, creation_timestamp)"
                    + " VALUES (?, ?, ?::jsonb, now() - interval '3 minutes')")) {
      ps.setString(1, BenchEnv.TENANT);
      ps.setString(2, POLICY);
      ps.setString(3, spec);
      ps.executeUpdate();
    }
  }

  /** Waits for {@code n} of the policy's Backups to be finished; {completed, failed}. */
  private static int[] waitBackups(BenchEnv env, int n, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    long lastReport = 0;
    try (Connection c = env.sql();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FILTER (WHERE status->>'phase' = 'Completed'),"
                    + " count(*) FILTER (WHERE status->>'phase' = 'Failed'), count(*)"
                    + " FROM backup WHERE tenant = ? AND spec->>'policy' = ?")) {
      ps.setString(1, BenchEnv.TENANT);
      ps.setString(2, POLICY);
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          int done = rs.getInt(1);
          int failed = rs.getInt(2);
          if (done + failed >= n) {
            return new int[] {done, failed};
          }
          if (System.nanoTime() - lastReport > 10_000_000_000L) {
            BenchEnv.progress(
                "  " + done + " completed, " + failed + " failed, " + rs.getInt(3) + " created");
            lastReport = System.nanoTime();
          }
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("not all " + n + " backups finished within " + max);
  }

  /** Failed Backups by their message (the first 200 characters), most frequent first. */
  private static Map<String, Integer> failureMessages(BenchEnv env) throws Exception {
    Map<String, Integer> m = new LinkedHashMap<>();
    try (Connection c = env.sql();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT left(coalesce(status->>'message', ''), 200), count(*) FROM backup"
                    + " WHERE tenant = ? AND spec->>'policy' = ? AND status->>'phase' = 'Failed'"
                    + " GROUP BY 1 ORDER BY 2 DESC LIMIT 10")) {
      ps.setString(1, BenchEnv.TENANT);
      ps.setString(2, POLICY);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          m.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return m;
  }

  /**
   * The most Backups of one node whose [startTime, completionTime] overlap, from their stored
   * status.
   */
  private static int maxConcurrentPerNode(BenchEnv env) throws Exception {
    Map<String, List<long[]>> spans = new TreeMap<>();
    try (Connection c = env.sql();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT status->>'node', status->>'startTime', status->>'completionTime'"
                    + " FROM backup WHERE tenant = ? AND spec->>'policy' = ?"
                    + " AND status->>'phase' = 'Completed'")) {
      ps.setString(1, BenchEnv.TENANT);
      ps.setString(2, POLICY);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          spans
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(
                  new long[] {
                    Instant.parse(rs.getString(2)).toEpochMilli(),
                    Instant.parse(rs.getString(3)).toEpochMilli()
                  });
        }
      }
    }
    int max = 0;
    for (List<long[]> l : spans.values()) {
      for (long[] a : l) {
        int n = 0;
        for (long[] b : l) {
          if (b[0] <= a[0] && a[0] < b[1]) {
            n++;
          }
        }
        max = Math.max(max, n);
      }
    }
    return max;
  }

  private static Map<String, Object> goal(String name, String goal, Object value, boolean met) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("goal", goal);
    m.put("value", value);
    m.put("met", met);
    return m;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
