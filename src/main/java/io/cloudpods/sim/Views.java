package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only JSON shapes of the state, as the real endpoints return them. Called under the state
 * monitor.
 */
final class Views {
  private final ClusterState s;
  private final String fingerprint;

  Views(ClusterState state, String fingerprint) {
    this.s = state;
    this.fingerprint = fingerprint;
  }

  private static long uptime(Guest g, long now) {
    return g.running() ? Math.max(1, (now - g.startedAtMillis) / 1000) : 0;
  }

  private static double cpu(Guest g) {
    return g.running() ? 0.001 * (3 + g.vmid % 23) : 0;
  }

  /** An entry of {@code GET /nodes/{node}/lxc} (also the body of {@code status/current}). */
  Map<String, Object> lxcEntry(Guest g, boolean stringVmid) {
    long now = s.now();
    boolean run = g.running();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vmid", stringVmid ? (Object) Integer.toString(g.vmid) : (Object) g.vmid);
    m.put("type", "lxc");
    m.put("status", g.status);
    m.put("name", g.name());
    int cores = g.cores();
    m.put("cpus", cores > 0 ? cores : s.nodes.get(g.node).maxcpu);
    m.put("maxmem", g.memoryBytes());
    m.put("maxswap", g.swapBytes());
    m.put("maxdisk", g.rootfsBytes());
    m.put("disk", run ? g.diskUsedBytes() : 0);
    m.put("mem", run ? g.memoryBytes() / 100 * 35 : 0);
    m.put("swap", 0);
    m.put("cpu", cpu(g));
    m.put("uptime", uptime(g, now));
    long up = uptime(g, now);
    m.put("netin", up * 1300);
    m.put("netout", up * 700);
    m.put("diskread", run ? 50_000_000L + g.vmid : 0);
    m.put("diskwrite", run ? 20_000_000L + up * 1000 : 0);
    if (run) {
      m.put("pid", 100_000 + (g.vmid * 7919) % 800_000);
    }
    if (g.config.containsKey("tags")) {
      m.put("tags", g.config.get("tags"));
    }
    if (g.isTemplate()) {
      m.put("template", 1);
    }
    if (g.lock() != null) {
      m.put("lock", g.lock());
    }
    return m;
  }

  List<Map<String, Object>> lxcList(String node) {
    s.node(node);
    boolean str = s.options.stringVmids();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Guest g : s.guests.values()) {
      if (g.node.equals(node) && g.type.equals("lxc")) {
        out.add(lxcEntry(g, str));
      }
    }
    return out;
  }

  /**
   * A guest as {@code /cluster/resources} shows it: name/status/template from the lagged pvestatd
   * sample.
   */
  Map<String, Object> resourceGuest(Guest g, long now, long lag) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", g.type + "/" + g.vmid);
    m.put("vmid", g.vmid);
    m.put("node", g.node);
    m.put("type", g.type);
    Guest.Sample sample = g.sampleVisibleAt(now, lag);
    if (sample == null) {
      m.put("status", "unknown");
    } else {
      boolean run = sample.status().equals("running");
      m.put("name", sample.name());
      m.put("status", sample.status());
      m.put("template", sample.template());
      m.put("uptime", run ? uptime(g, now) : 0);
      m.put("maxcpu", sample.maxcpu());
      m.put("cpu", run ? cpu(g) : 0);
      m.put("maxmem", sample.maxmem());
      m.put("mem", run ? sample.maxmem() / 100 * 35 : 0);
      m.put("maxdisk", sample.maxdisk());
      m.put("disk", run ? g.diskUsedBytes() : 0);
      long up = run ? uptime(g, now) : 0;
      m.put("netin", up * 1300);
      m.put("netout", up * 700);
      m.put("diskread", 0);
      m.put("diskwrite", 0);
    }
    if (g.pool != null) {
      m.put("pool", g.pool);
    }
    if (g.lock() != null) {
      m.put("lock", g.lock());
    }
    if (g.config.containsKey("tags")) {
      m.put("tags", g.config.get("tags"));
    }
    return m;
  }

  Map<String, Object> nodeEntry(SimNode n, boolean resources) {
    long now = s.now();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", "node/" + n.name);
    m.put("node", n.name);
    m.put("type", "node");
    m.put("status", "online");
    m.put("level", "");
    if (!resources) {
      m.put("ssl_fingerprint", fingerprint);
    } else {
      m.put("cgroup-mode", 2);
      m.put("host-arch", "x86_64");
    }
    m.put("uptime", n.uptimeSeconds(now));
    m.put("cpu", s.nodeCpu(n));
    m.put("maxcpu", n.maxcpu);
    m.put("mem", s.nodeMemUsed(n));
    m.put("maxmem", n.maxmem);
    m.put("disk", n.rootfsTotal / 9);
    m.put("maxdisk", n.rootfsTotal);
    return m;
  }

  Map<String, Object> storageResource(SimStorage st) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", "storage/" + st.node + "/" + st.id);
    m.put("storage", st.id);
    m.put("node", st.node);
    m.put("type", "storage");
    m.put("plugintype", st.type);
    m.put("status", "available");
    m.put("shared", 0);
    m.put("content", st.contentString());
    m.put("disk", st.used());
    m.put("maxdisk", st.total);
    return m;
  }

  List<Map<String, Object>> resources(String type) {
    long now = s.now();
    long lag = s.timing().scaledMillis(s.timing().resourcesLag());
    List<Map<String, Object>> out = new ArrayList<>(s.guests.size() + 32);
    if (type == null || type.equals("vm")) {
      for (Guest g : s.guests.values()) {
        out.add(resourceGuest(g, now, lag));
      }
    }
    if (type == null || type.equals("node")) {
      for (SimNode n : s.nodes.values()) {
        out.add(nodeEntry(n, true));
      }
    }
    if (type == null || type.equals("storage")) {
      for (SimNode n : s.nodes.values()) {
        for (SimStorage st : n.storages.values()) {
          out.add(storageResource(st));
        }
      }
    }
    if (type == null || type.equals("sdn")) {
      for (SimNode n : s.nodes.values()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "sdn/" + n.name + "/localnetwork");
        m.put("sdn", "localnetwork");
        m.put("node", n.name);
        m.put("type", "sdn");
        m.put("status", "ok");
        out.add(m);
      }
    }
    if (type == null) {
      for (Pool p : s.pools.values()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "/pool/" + p.id);
        m.put("pool", p.id);
        m.put("type", "pool");
        out.add(m);
      }
    }
    return out;
  }

  Map<String, Object> nodeStatus(SimNode n) {
    long now = s.now();
    long used = s.nodeMemUsed(n);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("uptime", n.uptimeSeconds(now));
    m.put("idle", 0);
    double cpu = s.nodeCpu(n);
    String load = String.format(java.util.Locale.ROOT, "%.2f", cpu * n.maxcpu);
    m.put("loadavg", List.of(load, load, load));
    m.put("kversion", "Linux 6.8.12-1-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-1 (2024-08-05T16:17Z)");
    m.put(
        "current-kernel",
        Map.of(
            "sysname",
            "Linux",
            "release",
            "6.8.12-1-pve",
            "version",
            "#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-1 (2024-08-05T16:17Z)",
            "machine",
            "x86_64"));
    m.put("boot-info", Map.of("mode", "efi", "secureboot", 0));
    Map<String, Object> cpuinfo = new LinkedHashMap<>();
    cpuinfo.put("model", "AMD EPYC 7402P 24-Core Processor");
    cpuinfo.put("sockets", 1);
    cpuinfo.put("cores", n.maxcpu / 2);
    cpuinfo.put("cpus", n.maxcpu);
    cpuinfo.put("mhz", "2800.000");
    cpuinfo.put("hvm", "1");
    cpuinfo.put("flags", "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov svm");
    cpuinfo.put("user_hz", 100);
    m.put("cpuinfo", cpuinfo);
    m.put("cpu", cpu);
    m.put("wait", 0.0004);
    m.put(
        "memory",
        Map.of(
            "total",
            n.maxmem,
            "used",
            used,
            "free",
            n.maxmem - used,
            "available",
            n.maxmem - used));
    m.put("ksm", Map.of("shared", 0));
    m.put("swap", Map.of("total", 8L << 30, "used", 0, "free", 8L << 30));
    m.put("pveversion", "pve-manager/" + s.options.pveVersion() + "/" + ProxmoxSimulator.REPOID);
    m.put(
        "rootfs",
        Map.of(
            "total",
            n.rootfsTotal,
            "used",
            n.rootfsTotal / 9,
            "free",
            n.rootfsTotal - n.rootfsTotal / 9,
            "avail",
            n.rootfsTotal - n.rootfsTotal / 9));
    return m;
  }

  Map<String, Object> storageStatus(SimStorage st) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("storage", st.id);
    m.put("type", st.type);
    m.put("content", st.contentString());
    m.put("enabled", 1);
    m.put("active", 1);
    m.put("shared", 0);
    long used = st.used();
    m.put("total", st.total);
    m.put("used", used);
    m.put("avail", st.avail());
    if (st.total > 0) {
      m.put("used_fraction", used / (double) st.total);
    }
    return m;
  }

  /**
   * {@code GET /storage}: one config entry per storage id; {@code nodes} when restricted to some
   * nodes.
   */
  List<Map<String, Object>> storageConfig(String typeFilter) {
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    Map<String, List<String>> nodesOf = new LinkedHashMap<>();
    for (SimNode n : s.nodes.values()) {
      for (SimStorage st : n.storages.values()) {
        nodesOf.computeIfAbsent(st.id, k -> new ArrayList<>()).add(n.name);
        if (byId.containsKey(st.id) || (typeFilter != null && !typeFilter.equals(st.type))) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("storage", st.id);
        m.put("type", st.type);
        if (st.type.equals("dir")) {
          m.put("path", st.path);
        } else {
          m.put("pool", "rpool/" + st.id);
          m.put("sparse", 1);
        }
        m.put("content", st.contentString());
        if (st.supports("backup")) {
          m.put("prune-backups", st.pruneBackups == null ? "keep-all=1" : st.pruneBackups);
        }
        byId.put(st.id, m);
      }
    }
    String digest = sha1(byId.toString());
    List<Map<String, Object>> out = new ArrayList<>();
    byId.forEach(
        (id, m) -> {
          if (nodesOf.get(id).size() < s.nodes.size()) {
            m.put("nodes", String.join(",", nodesOf.get(id)));
          }
          m.put("digest", digest);
          out.add(m);
        });
    return out;
  }

  List<Map<String, Object>> storageContent(SimStorage st, String content, Integer vmid) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (vmid == null && (content == null || content.equals("vztmpl"))) {
      for (String t : st.templates) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("volid", st.id + ":" + t);
        m.put("format", t.endsWith(".tar.zst") ? "tzst" : "tgz");
        m.put("size", 220L << 20);
        m.put("content", "vztmpl");
        m.put("ctime", s.nodes.get(st.node).bootEpochMillis / 1000);
        out.add(m);
      }
    }
    for (SimStorage.Volume v : st.volumes.values()) {
      if ((content != null && !content.equals(v.content())) || (vmid != null && vmid != v.vmid())) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("volid", st.id + ":" + v.volname());
      m.put("format", v.format());
      m.put("size", v.size());
      m.put("vmid", v.vmid());
      m.put("content", v.content());
      out.add(m);
    }
    for (SimStorage.Backup b : st.backups) {
      if ((content != null && !content.equals("backup")) || (vmid != null && vmid != b.vmid())) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("volid", st.id + ":" + b.volname());
      m.put("format", b.format());
      m.put("size", b.size());
      m.put("ctime", b.ctime());
      m.put("content", "backup");
      m.put("subtype", b.type());
      m.put("vmid", b.vmid());
      if (b.notes() != null && !b.notes().isEmpty()) {
        m.put("notes", b.notes().split("\n", -1)[0]);
      }
      if (b.isProtected()) {
        m.put("protected", 1);
      }
      out.add(m);
    }
    return out;
  }

  /** A guest's full in-simulator state, for {@code GET /_sim/state} and in-process inspection. */
  Map<String, Object> guestState(Guest g, GuestOps ops) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vmid", g.vmid);
    m.put("type", g.type);
    m.put("node", g.node);
    m.put("status", g.status);
    m.put("frozen", g.frozen);
    m.put("lock", g.lock());
    // the task holding the config flock (/run/lock/lxc/pve-config-<vmid>.lock), if any
    m.put("flockHolder", g.flockFree() ? null : g.flockHolder.upid);
    m.put("pool", g.pool);
    m.put("config", ops.configJson(g, g.config));
    m.put("snapshots", new ArrayList<>(g.snapshots.keySet()));
    return m;
  }

  static String sha1(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-1")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
