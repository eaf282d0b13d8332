package io.cloudpods.sim;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code cloudpods sim}: runs the Proxmox VE API simulator in the foreground. */
public final class SimulatorMain {
  static final String USAGE =
      """
      Usage: cloudpods sim [options]
        --port N               TCP port (default 8006; 0 = any free port)
        --bind ADDR            listen address (default 127.0.0.1)
        --http                 plain HTTP instead of HTTPS with a generated self-signed certificate
        --token ID=SECRET      accepted API token, e.g. 'root@pam!ci=s3cret' (repeatable;
                               one is generated and printed when none is given)
        --nodes N              number of nodes: pve, pve-02, ... (default 1)
        --scenario seed|empty  seed layout with template 9000 and infrastructure guests (default),
                               or storages and pools only
        --time-scale F         multiply every simulated duration by F (default 1.0; 0.1 = 10x faster)
        --resources-lag D      /cluster/resources refresh lag before scaling (default 10s)
        --pve-version V        emulated pve-manager version (default 8.2.4; < 8.2 lists vmid as strings)
        --auth-delay D         delay before every 401 (default 3s)
        --seed N               seed for generated MACs and pids (default 42)
        --node-memory-gib N    memory of every node in GiB (default 128)
        --storage-gib N        size of every node's clients-main storage in GiB (default 2048)
        --help                 this text
      """;

  private SimulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    SimulatorOptions options;
    try {
      options = parse(args);
    } catch (HelpRequested h) {
      System.out.print(USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("cloudpods sim: " + e.getMessage());
      System.exit(2);
      return;
    }
    ProxmoxSimulator sim;
    try {
      sim = ProxmoxSimulator.start(options);
    } catch (RuntimeException e) {
      System.err.println("cloudpods sim: " + e.getMessage());
      System.exit(1);
      return;
    }
    printBanner(sim, System.out);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sim.close();
                  stop.countDown();
                },
                "pve-sim-shutdown"));
    stop.await();
  }

  static void printBanner(ProxmoxSimulator sim, PrintStream out) {
    SimulatorOptions o = sim.options();
    out.println(
        "Proxmox VE API simulator (pve-manager "
            + o.pveVersion()
            + ", "
            + o.nodes()
            + " node(s), scenario "
            + o.scenario().name().toLowerCase()
            + ")");
    out.println("listening on " + sim.baseUrl());
    if (sim.https()) {
      out.println("certificate SHA-256 fingerprint: " + sim.fingerprint());
    }
    for (Map.Entry<String, String> t : sim.tokens().entrySet()) {
      out.println("API token: " + t.getKey() + "=" + t.getValue());
      out.println("  header: Authorization: PVEAPIToken=" + t.getKey() + "=" + t.getValue());
    }
    out.println(
        "timing: time scale "
            + o.timing().timeScale()
            + ", resources lag "
            + Durations.format(o.timing().resourcesLag()));
    out.flush();
  }

  static final class HelpRequested extends RuntimeException {
    HelpRequested() {
      super(null, null, false, false);
    }
  }

  static SimulatorOptions parse(String[] args) {
    SimulatorOptions.Builder b = SimulatorOptions.builder();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String flag = a;
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        flag = a.substring(0, eq);
        inline = a.substring(eq + 1);
      }
      switch (flag) {
        case "--help", "-h" -> throw new HelpRequested();
        case "--http" -> b.http(true);
        case "--port" -> b.port(intArg(flag, value(args, i, flag, inline), 0, 65535));
        case "--bind" -> b.bindHost(value(args, i, flag, inline));
        case "--token" -> {
          try {
            b.token(value(args, i, flag, inline));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--token: " + e.getMessage());
          }
        }
        case "--nodes" -> b.nodes(intArg(flag, value(args, i, flag, inline), 1, 64));
        case "--scenario" -> {
          String v = value(args, i, flag, inline);
          switch (v) {
            case "seed" -> b.scenario(Scenario.SEED);
            case "empty" -> b.scenario(Scenario.EMPTY);
            default ->
                throw new IllegalArgumentException(
                    "--scenario: expected seed or empty, got '" + v + "'");
          }
        }
        case "--time-scale" -> {
          String v = value(args, i, flag, inline);
          double d;
          try {
            d = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--time-scale: not a number: '" + v + "'");
          }
          if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(
                "--time-scale: must be a positive number, got '" + v + "'");
          }
          b.timeScale(d);
        }
        case "--resources-lag" -> b.resourcesLag(durationArg(flag, value(args, i, flag, inline)));
        case "--auth-delay" -> b.authFailureDelay(durationArg(flag, value(args, i, flag, inline)));
        case "--pve-version" -> {
          String v = value(args, i, flag, inline);
          if (!SimulatorOptions.VERSION.matcher(v).matches()) {
            throw new IllegalArgumentException(
                "--pve-version: expected e.g. 8.2.4 or 7.4-16, got '" + v + "'");
          }
          b.pveVersion(v);
        }
        case "--seed" -> {
          String v = value(args, i, flag, inline);
          try {
            b.seed(Long.parseLong(v));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed: not an integer: '" + v + "'");
          }
        }
        case "--node-memory-gib" ->
            b.nodeMemoryGiB(intArg(flag, value(args, i, flag, inline), 1, 1 << 20));
        case "--storage-gib" ->
            b.clientStorageGiB(intArg(flag, value(args, i, flag, inline), 16, 1 << 24));
        default -> throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
      }
      if (inline == null
          && !flag.equals("--http")
          && !flag.equals("--help")
          && !flag.equals("-h")) {
        i++;
      }
    }
    return b.build();
  }

  private static String value(String[] args, int i, String flag, String inline) {
    if (inline != null) {
      return inline;
    }
    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
      throw new IllegalArgumentException(flag + ": missing value");
    }
    return args[i + 1];
  }

  private static int intArg(String flag, String v, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": not an integer: '" + v + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(flag + ": must be " + min + ".." + max + ", got " + n);
    }
    return n;
  }

  private static Duration durationArg(String flag, String v) {
    try {
      Duration d = Durations.parse(v);
      if (d.isNegative()) {
        throw new IllegalArgumentException("negative");
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(flag + ": not a duration (e.g. 10s, 500ms): '" + v + "'");
    }
  }
}
