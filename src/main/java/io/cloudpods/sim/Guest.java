package io.cloudpods.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One LXC container: its config file (as key/value lines), power state, pool membership, snapshots
 * and the history of what pvestatd would have sampled. Guarded by the {@link ClusterState} monitor.
 */
final class Guest {
  /** Keys whose config values are integers/booleans and are returned as JSON numbers. */
  static final Set<String> NUMERIC_KEYS =
      Set.of(
          "cores",
          "cpuunits",
          "memory",
          "swap",
          "onboot",
          "protection",
          "unprivileged",
          "template",
          "tty",
          "console",
          "debug");

  /** What pvestatd put into the RRD cache at a point in time. */
  record Sample(
      long at, String name, String status, int template, int maxcpu, long maxmem, long maxdisk) {}

  record Snapshot(
      String name, String description, long snaptime, String parent, Map<String, String> config) {}

  final int vmid;

  /**
   * {@code lxc}, or {@code qemu} for the few VMs that exist only to be seen (lists, VMID
   * collisions).
   */
  final String type;

  String node;

  /** The config file; {@code lock} and {@code description} live here like in the real file. */
  Map<String, String> config = new LinkedHashMap<>();

  String status = "stopped";

  /**
   * Frozen by a suspend-mode backup ({@code lxc-freeze}): Proxmox still reports {@code running};
   * the simulator's state dump shows it.
   */
  boolean frozen;

  long startedAtMillis;
  String pool;
  final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
  String parentSnapshot;

  /**
   * The task holding this container's config flock ({@code /run/lock/lxc/pve-config-<vmid>.lock}),
   * if any.
   */
  Task flockHolder;

  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  Guest(int vmid, String node, String type) {
    this.vmid = vmid;
    this.node = node;
    this.type = type;
  }

  boolean flockFree() {
    return flockHolder == null || !flockHolder.running();
  }

  String flockTimeoutMessage() {
    return "can't lock file '/run/lock/lxc/pve-config-" + vmid + ".lock' - got timeout";
  }

  String lock() {
    return config.get("lock");
  }

  void setLock(String lock) {
    if (lock == null) {
      config.remove("lock");
    } else {
      config.put("lock", lock);
    }
  }

  boolean isTemplate() {
    return "1".equals(config.get("template"));
  }

  boolean running() {
    return status.equals("running");
  }

  String name() {
    String h = config.get(type.equals("lxc") ? "hostname" : "name");
    return h == null ? (type.equals("lxc") ? "CT" : "VM") + vmid : h.strip();
  }

  int cores() {
    String c = config.get("cores");
    return c == null ? 0 : Integer.parseInt(c);
  }

  long memoryBytes() {
    return Long.parseLong(config.getOrDefault("memory", "512")) << 20;
  }

  long swapBytes() {
    return Long.parseLong(config.getOrDefault("swap", "512")) << 20;
  }

  long rootfsBytes() {
    String r = config.getOrDefault("rootfs", config.get("scsi0"));
    return r == null ? 4L << 30 : PropertyStrings.parseMount("rootfs", r).sizeBytes();
  }

  /** Bytes "in use" inside the root filesystem, a stable fraction so numbers look plausible. */
  long diskUsedBytes() {
    return rootfsBytes() / 100 * (8 + vmid % 17);
  }

  /**
   * The config file text; its SHA1 is the {@code digest}. Description as comment lines, keys
   * sorted.
   */
  String serialize() {
    StringBuilder sb = new StringBuilder();
    appendSection(sb, config);
    for (Snapshot s : snapshots.values()) {
      sb.append('\n').append('[').append(s.name()).append("]\n");
      appendSection(sb, s.config());
    }
    return sb.toString();
  }

  private static void appendSection(StringBuilder sb, Map<String, String> conf) {
    String desc = conf.get("description");
    if (desc != null) {
      for (String line : desc.split("\n", -1)) {
        sb.append('#').append(line).append('\n');
      }
    }
    new TreeMap<>(conf)
        .forEach(
            (k, v) -> {
              if (!k.equals("description")) {
                sb.append(k).append(": ").append(v).append('\n');
              }
            });
  }

  String digest() {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-1").digest(serialize().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records what pvestatd would see now; the resources view shows it once the lag has passed. */
  void sample(long now) {
    samples.addLast(
        new Sample(
            now,
            name(),
            status,
            isTemplate() ? 1 : 0,
            Math.max(cores(), 1),
            memoryBytes(),
            rootfsBytes()));
  }

  /**
   * The newest sample at least {@code lagMillis} old, or null when pvestatd has not seen the CT
   * yet.
   */
  Sample sampleVisibleAt(long now, long lagMillis) {
    long cutoff = now - lagMillis;
    Sample visible = null;
    for (Sample s : samples) {
      if (s.at() <= cutoff) {
        visible = s;
      } else {
        break;
      }
    }
    // drop samples older than the visible one, they can never be shown again
    while (visible != null && samples.peekFirst() != visible) {
      samples.pollFirst();
    }
    return visible;
  }
}
