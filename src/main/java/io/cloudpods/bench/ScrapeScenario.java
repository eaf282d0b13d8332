package io.cloudpods.bench;

import static io.cloudpods.bench.BenchEnv.progress;
import static io.cloudpods.bench.BenchOptions.or;

import io.cloudpods.bench.BenchEnv.ControllerSettings;
import io.cloudpods.sim.SimulatorOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench scrape}: the cost of one Prometheus scrape of {@code /q/metrics} with N pods stored.
 * The pods (spread over tenants of 50 pods each, 200 tenants at 10,000 pods, with quotas, most of
 * them Running and Ready, some in every other phase) are INSERTed by SQL with their status, as the
 * fleet gauges read it; the controller is off, so the figures are the API server's scrape alone.
 * Once the fleet gauges have read them (within {@code cloudpods.metrics.refresh-interval}), {@code
 * --samples} scrapes are timed one after the other, with the bytes and the series of the answer.
 */
final class ScrapeScenario {

  private ScrapeScenario() {}

  /** Pods per tenant: 200 tenants at 10,000 pods, the size in the design's metrics goal. */
  static final int PODS_PER_TENANT = 50;

  static Scenarios.Result run(BenchOptions o) throws Exception {
    int pods = or(o.pods, 10_000);
    int samples = or(o.samples, 1000);
    int tenants = Math.max(1, (pods + PODS_PER_TENANT - 1) / PODS_PER_TENANT);
    double scale = or(o.timeScale, 0.01);
    ControllerSettings cs =
        new ControllerSettings(
            false,
            or(o.resyncInterval, Duration.ofSeconds(30)),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            null,
            o.workers,
            o.controllerXmx == null || o.controllerXmx.equals("none") ? null : o.controllerXmx,
            o.controllerJvmOptions == null ? BenchEnv.shippedJvmOptions() : o.controllerJvmOptions,
            null);
    SimulatorOptions.Builder sim =
        SimulatorOptions.builder().nodes(1).timeScale(scale).nodeMemoryGiB(128);
    try (BenchEnv env = BenchEnv.start(sim, cs, o.keepWorkDir)) {
      env.applyPoolAndTenant();
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("pods", pods);
      params.put("tenants", tenants);
      params.put("samples", samples);
      params.put("perPodSeries", "off (cloudpods.metrics.per-pod=false, the default)");
      params.put("controller", cs.describe());
      params.put("commandLine", o.given());
      Map<String, Object> figures = new LinkedHashMap<>();

      long f0 = System.nanoTime();
      Map<String, Integer> phases = fill(env, pods, tenants);
      Map<String, Object> fill = new LinkedHashMap<>();
      fill.put("pods", pods);
      fill.put("tenants", tenants);
      fill.put("phases", phases);
      fill.put(
          "method",
          "INSERT INTO tenant / cloud_pod (with status: phase, Ready, vmid, node) in one transaction");
      fill.put("elapsedMs", Scenarios.round((System.nanoTime() - f0) / 1e6, 1));
      figures.put("fill", fill);

      progress("waiting for the fleet gauges to read " + pods + " pods");
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      double seen = -1;
      while (System.nanoTime() < deadline) {
        seen =
            podsInScrape(new String(scrape(env).body(), java.nio.charset.StandardCharsets.UTF_8));
        if (seen == pods) {
          break;
        }
        Thread.sleep(500);
      }
      if (seen != pods) {
        throw new IllegalStateException(
            "the scrape shows " + seen + " pods in cloudpods_pods, not " + pods);
      }

      for (int i = 0; i < 20; i++) {
        scrape(env);
      }
      progress("timing " + samples + " scrapes of /q/metrics");
      List<Double> ms = new ArrayList<>(samples);
      long minBytes = Long.MAX_VALUE;
      long maxBytes = 0;
      String last = null;
      for (int i = 0; i < samples; i++) {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = scrape(env);
        long t1 = System.nanoTime();
        ms.add((t1 - t0) / 1e6);
        minBytes = Math.min(minBytes, r.body().length);
        maxBytes = Math.max(maxBytes, r.body().length);
        if (i == samples - 1) {
          last = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        }
      }
      Map<String, Object> scrape = new LinkedHashMap<>();
      scrape.put("podsInScrape", podsInScrape(last));
      scrape.put("bytesMin", minBytes);
      scrape.put("bytesMax", maxBytes);
      scrape.put("series", series(last));
      scrape.put("cloudpodsSeries", last.lines().filter(l -> l.startsWith("cloudpods_")).count());
      scrape.put("warmupScrapes", 20);
      scrape.put("latency", Scenarios.distribution(ms));
      figures.put("scrape", scrape);
      figures.put("controllerRssBytes", env.controllerRssBytes());
      @SuppressWarnings("unchecked")
      Map<String, Object> lat = (Map<String, Object>) scrape.get("latency");
      double p50 = (double) lat.get("p50Ms");
      double p99 = (double) lat.get("p99Ms");
      progress(
          String.format(
              "scrape with %d pods: p50 %.2f ms, p99 %.2f ms, %d bytes, %d series",
              pods, p50, p99, maxBytes, series(last)));
      List<Map<String, Object>> goals = new ArrayList<>();
      goals.add(goal("/q/metrics with " + pods + " pods, p99", "< 50 ms", p99, p99 < 50));
      goals.add(
          goal(
              "/q/metrics with " + pods + " pods, size",
              "< 2 MB (2,000,000 bytes)",
              maxBytes,
              maxBytes < 2_000_000));
      List<String> notes = new ArrayList<>();
      notes.add(
          "The controller is off (CLOUDPODS_RECONCILE_ENABLED=false): no reconcile runs during the "
              + "scrapes, and the engine's series are those of an idle controller (each exists at 0).");
      notes.add(
          "One HTTP/1.1 client on loopback, a read-only request with the admin bearer token, one "
              + "scrape after the other; latency is from sending the request to the last byte read.");
      notes.add(
          "The fleet gauges are read from PostgreSQL every cloudpods.metrics.refresh-interval (15 s), "
              + "not per scrape; the first timed scrape follows a refresh that saw every pod.");
      return new Scenarios.Result(
          params, Map.of("nodes", 1, "timeScale", scale), figures, goals, notes);
    }
  }

  /** Tenants {@code scrape-N} with quotas and their pods; returns the pods per phase. */
  private static Map<String, Integer> fill(BenchEnv env, int pods, int tenants) throws Exception {
    progress("storing " + tenants + " tenants and " + pods + " pods by SQL");
    Map<String, Integer> phases = new LinkedHashMap<>();
    try (Connection c = env.sql()) {
      c.setAutoCommit(false);
      try (PreparedStatement t =
          c.prepareStatement("INSERT INTO tenant (name, spec) VALUES (?, ?::jsonb)")) {
        for (int i = 0; i < tenants; i++) {
          t.setString(1, tenant(i));
          t.setString(
              2,
              "{\"displayName\": \"Scrape "
                  + i
                  + "\", \"quota\": {\"maxPods\": 100, \"maxCores\": 200, \"maxMemoryMb\": 409600,"
                  + " \"maxDiskGb\": 2000}}");
          t.addBatch();
        }
        t.executeBatch();
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO cloud_pod (tenant, name, spec, status) VALUES (?, ?, ?::jsonb, ?::jsonb)")) {
        for (int i = 0; i < pods; i++) {
          String phase = phase(i);
          phases.merge(phase, 1, Integer::sum);
          boolean ready = phase.equals("Running");
          p.setString(1, tenant(i / PODS_PER_TENANT));
          p.setString(2, "pod-" + i);
          p.setString(
              3,
              "{\"cores\": 1, \"memoryMb\": 1024, \"swapMb\": 0, \"diskGb\": 8, \"vmid\": "
                  + (10_000 + i)
                  + "}");
          p.setString(
              4,
              "{\"phase\": \""
                  + phase
                  + "\", \"observedGeneration\": 1, \"vmid\": "
                  + (10_000 + i)
                  + ", \"node\": \"pve\", \"conditions\": [{\"type\": \"Ready\", \"status\": \""
                  + (ready ? "True" : "False")
                  + "\", \"reason\": \""
                  + (ready ? "Converged" : phase)
                  + "\", \"message\": \"\", \"lastTransitionTime\": \"2026-01-01T00:00:00Z\","
                  + " \"observedGeneration\": 1}]}");
          p.addBatch();
          if (i % 1000 == 999) {
            p.executeBatch();
          }
        }
        p.executeBatch();
      }
      c.commit();
    }
    return phases;
  }

  /** 90 % Running, the rest spread over the other phases. */
  private static String phase(int i) {
    return switch (i % 20) {
      case 0 -> "Provisioning";
      case 1 -> "Stopped";
      default -> "Running";
    };
  }

  private static String tenant(int i) {
    return "scrape-" + i;
  }

  private static HttpResponse<byte[]> scrape(BenchEnv env) throws Exception {
    HttpResponse<byte[]> r =
        env.http.send(
            HttpRequest.newBuilder(URI.create(env.apiUrl() + "/q/metrics"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + env.adminToken)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /q/metrics answered " + r.statusCode());
    }
    return r;
  }

  /** The sum of {@code cloudpods_pods} over every tenant and phase in a scrape. */
  static double podsInScrape(String text) {
    double sum = 0;
    for (String l : text.lines().toList()) {
      if (l.startsWith("cloudpods_pods{")) {
        sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static long series(String text) {
    return text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
  }

  private static Map<String, Object> goal(String name, String goal, Object value, boolean met) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("goal", goal);
    m.put("value", value);
    m.put("met", met);
    return m;
  }
}
