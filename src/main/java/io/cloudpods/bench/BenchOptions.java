package io.cloudpods.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of {@code cloudpods bench}; a value left null takes the scenario's default. */
final class BenchOptions {
  String scenario;
  Integer pods;
  Integer nodes;
  String clone;
  Double timeScale;
  Path out;
  Integer workers;
  Duration resyncInterval;
  Duration taskPollInterval;
  Duration capacityRecheck;
  Duration deepVerifyInterval;
  Integer cycles;
  Integer samples;
  Duration pause;
  Integer objects;
  Integer statusPods;
  Integer statusSamples;
  Integer cliRuns;
  Integer memoryMb;
  String controllerXmx;
  java.util.List<String> controllerJvmOptions;
  boolean keepWorkDir;
  Integer regions;
  Integer replicas;
  Duration outage;

  static final String USAGE =
      """
      Usage: cloudpods bench <scenario> [options]
        scenarios:
          converge   N pods from empty via one PodSet; elapsed from apply to all Ready vs the lower
                     bound of the simulator's timing model (clones of one template are serialised)
          steady     N converged pods (converged for real first); per resync cycle: Proxmox requests
                     by route, controller CPU time; controller heap after a full GC (-Xmx512m)
          reaction   from an accepted write (REST PUT, SQL INSERT) to the first Proxmox request
                     about that pod: p50/p90/p99/max
          api        POST /api/v1/apply of N objects, GET /api/v1/status latency with many pods,
                     CLI 'get' start-to-exit wall time (controller off)
          backup     N pods (100) on 3 nodes, one BackupPolicy run: elapsed vs the bound of one
                     vzdump per node, controller CPU per backup
          scrape     N pods stored by SQL (50 per tenant); --samples scrapes of /q/metrics: p50/p99, bytes
                     (--pods default 10000, --samples default 1000; controller off)
          all        converge, steady, reaction and api with their defaults (options apply to each)
          help       this text
        options:
          --regions 1|2            converge, steady, reaction: 2 adds a second simulated cluster (region
                                   west-1); converge and steady put half the pods in each region
                                   (steady: --pods default 2000, requests per cycle per cluster),
                                   reaction measures the default region with the west cluster
                                   answering, then black-holed
          --outage D               reaction --regions 2: hold the west outage at least D (default 0)
          --replicas N             reaction: N controller replicas on one database (default 1); the
                                   writes go to a replica holding no lease
          --pods N                 converge 200, steady 10000, reaction 10 (converged beforehand)
          --nodes N                simulated nodes (converge 1, steady 3, reaction 1)
          --clone full|linked      clone mode of the pods (converge full, others linked)
          --time-scale X           simulator time scale (converge 0.05, steady 0.001, reaction 0.01, api 0.01)
          --workers N              controller reconcile workers (default: the controller's, 4)
          --resync-interval D      controller resync interval (default: 30s; steady 10s)
          --task-poll-interval D   controller task poll interval (default: 1s x time scale, at least 20ms;
                                   locked-recheck follows: 2s x time scale)
          --capacity-recheck D     controller capacity recheck (default: the controller's, 5s)
          --deep-verify-interval D controller deep-verify interval (default: the controller's, 10m)
          --cycles K               steady: resync cycles measured (default 6)
          --samples M              reaction: samples per write path (default 100)
          --pause D                reaction: pause between samples (default 100ms)
          --objects N              api: objects in the timed apply (default 1000)
          --status-pods N          api: pods in the database for the status/CLI figures (default 10000)
          --status-samples M       api: GET /api/v1/status samples (default 200)
          --cli-runs N             api: CLI runs (default 7)
          --memory-mb N            memoryMb of every pod (default 256; steady 64)
          --controller-xmx SIZE    controller -Xmx (steady default 512m; others the JVM default; 'none')
          --controller-jvm-opts S  the controller's JVM options, separated by spaces, instead of
                                   config/controller.jvm.options (what serve uses); 'none': the
                                   JVM's own defaults
          --out FILE               also write the JSON document to FILE
          --keep                   keep the work directory (controller log) after the run
        Durations: 10s, 250ms, 2m. One JSON document goes to stdout; progress to stderr.
      """;

  static BenchOptions parse(List<String> args) {
    BenchOptions o = new BenchOptions();
    if (args.isEmpty()) {
      throw new IllegalArgumentException(
          "missing scenario (converge, steady, reaction, api, backup, scrape, all, help)");
    }
    o.scenario = args.get(0);
    if (!List.of(
            "converge",
            "steady",
            "reaction",
            "api",
            "backup",
            "scrape",
            "all",
            "help",
            "--help",
            "-h")
        .contains(o.scenario)) {
      throw new IllegalArgumentException("unknown scenario '" + o.scenario + "'");
    }
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      String flag = a;
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        flag = a.substring(0, eq);
        inline = a.substring(eq + 1);
      }
      if (flag.equals("--keep")) {
        o.keepWorkDir = true;
        continue;
      }
      if (flag.equals("--help") || flag.equals("-h")) {
        o.scenario = "help";
        continue;
      }
      String v;
      if (inline != null) {
        v = inline;
      } else {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        v = args.get(++i);
      }
      switch (flag) {
        case "--pods" -> o.pods = positive(flag, v);
        case "--outage" -> o.outage = duration(flag, v);
        case "--replicas" -> o.replicas = positive(flag, v);
        case "--regions" -> {
          o.regions = positive(flag, v);
          if (o.regions > 2) {
            throw new IllegalArgumentException("--regions: 1 or 2, got '" + v + "'");
          }
        }
        case "--nodes" -> o.nodes = positive(flag, v);
        case "--clone" -> {
          if (!v.equals("full") && !v.equals("linked")) {
            throw new IllegalArgumentException("--clone: expected full or linked, got '" + v + "'");
          }
          o.clone = v;
        }
        case "--time-scale" -> {
          try {
            o.timeScale = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--time-scale: not a number: '" + v + "'");
          }
          if (!(o.timeScale > 0) || o.timeScale.isInfinite()) {
            throw new IllegalArgumentException("--time-scale: must be positive, got '" + v + "'");
          }
        }
        case "--workers" -> o.workers = positive(flag, v);
        case "--resync-interval" -> o.resyncInterval = duration(flag, v);
        case "--task-poll-interval" -> o.taskPollInterval = duration(flag, v);
        case "--capacity-recheck" -> o.capacityRecheck = duration(flag, v);
        case "--deep-verify-interval" -> o.deepVerifyInterval = duration(flag, v);
        case "--cycles" -> o.cycles = positive(flag, v);
        case "--samples" -> o.samples = positive(flag, v);
        case "--pause" -> o.pause = duration(flag, v);
        case "--objects" -> o.objects = positive(flag, v);
        case "--status-pods" -> o.statusPods = positive(flag, v);
        case "--status-samples" -> o.statusSamples = positive(flag, v);
        case "--cli-runs" -> o.cliRuns = positive(flag, v);
        case "--memory-mb" -> o.memoryMb = positive(flag, v);
        case "--controller-xmx" -> o.controllerXmx = v;
        case "--controller-jvm-opts" -> o.controllerJvmOptions = jvmOptions(flag, v);
        case "--out" -> o.out = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
    }
    if (o.regions != null
        && o.regions == 2
        && !List.of("converge", "steady", "reaction", "help").contains(o.scenario)) {
      throw new IllegalArgumentException(
          "--regions 2: only the converge, steady and reaction scenarios have two regions");
    }
    if (o.replicas != null && o.replicas > 1) {
      if (!List.of("reaction", "help").contains(o.scenario)) {
        throw new IllegalArgumentException(
            "--replicas: only the reaction scenario runs several replicas");
      }
      if (o.regions != null && o.regions > 1) {
        throw new IllegalArgumentException("--replicas: not with --regions 2");
      }
      if (o.replicas > 5) {
        throw new IllegalArgumentException("--replicas: 1 to 5, got " + o.replicas);
      }
    }
    return o;
  }

  private static int positive(String flag, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": expected a positive integer, got '" + v + "'");
    }
  }

  static Duration duration(String flag, String v) {
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(flag + ": not a duration (e.g. 10s, 250ms): '" + v + "'");
    }
  }

  static <T> T or(T v, T dflt) {
    return v != null ? v : dflt;
  }

  /** The options given on the command line, for the JSON document. */
  Map<String, Object> given() {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, "pods", pods);
    put(m, "regions", regions);
    put(m, "replicas", replicas);
    put(m, "outage", outage == null ? null : outage.toString());
    put(m, "nodes", nodes);
    put(m, "clone", clone);
    put(m, "timeScale", timeScale);
    put(m, "workers", workers);
    put(m, "resyncInterval", resyncInterval == null ? null : resyncInterval.toString());
    put(m, "taskPollInterval", taskPollInterval == null ? null : taskPollInterval.toString());
    put(m, "capacityRecheck", capacityRecheck == null ? null : capacityRecheck.toString());
    put(m, "deepVerifyInterval", deepVerifyInterval == null ? null : deepVerifyInterval.toString());
    put(m, "cycles", cycles);
    put(m, "samples", samples);
    put(m, "pause", pause == null ? null : pause.toString());
    put(m, "objects", objects);
    put(m, "statusPods", statusPods);
    put(m, "statusSamples", statusSamples);
    put(m, "cliRuns", cliRuns);
    put(m, "memoryMb", memoryMb);
    put(m, "controllerXmx", controllerXmx);
    put(m, "controllerJvmOptions", controllerJvmOptions);
    return m;
  }

  /**
   * JVM options separated by spaces, or {@code none}; each must look like one ({@code -X...},
   * {@code -D...}).
   */
  static java.util.List<String> jvmOptions(String flag, String v) {
    if (v.trim().equals("none")) {
      return java.util.List.of();
    }
    java.util.List<String> out =
        java.util.Arrays.stream(v.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList();
    for (String x : out) {
      if (!x.startsWith("-")) {
        throw new IllegalArgumentException(
            flag + ": '" + x + "' is not a JVM option (they start with '-')");
      }
    }
    return out;
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
