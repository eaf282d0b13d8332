package io.cloudpods.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test controls under {@code /_sim/} (not part of the Proxmox API): state dump, fault injection,
 * timing model, request statistics, and setting/clearing a guest's lock as {@code pct unlock}
 * would.
 */
final class SimControls {
  private final ClusterState s;
  private final Views views;
  private final GuestOps guests;
  private final Stats stats;

  SimControls(ClusterState state, Views views, GuestOps guests, Stats stats) {
    this.s = state;
    this.views = views;
    this.guests = guests;
    this.stats = stats;
  }

  Object handle(String method, String path, Map<String, Object> body) {
    String route = method + " " + path;
    switch (route) {
      case "GET /_sim/state":
        return state();
      case "GET /_sim/faults":
        return s.faults.settings().toJson();
      case "PUT /_sim/faults":
        return s.faults.update(body).toJson();
      case "GET /_sim/stats":
        return statsJson();
      case "DELETE /_sim/stats":
        stats.reset();
        return statsJson();
      case "GET /_sim/journal":
        return s.journal().stream().map(Mutation::toJson).toList();
      case "GET /_sim/timing":
        return timingJson(s.timing());
      case "PUT /_sim/timing":
        s.setTiming(parseTiming(s.timing(), body));
        return timingJson(s.timing());
      default:
        break;
    }
    switch (route) {
      case "GET /_sim/faults/backups":
        return backupFaultsJson();
      case "PUT /_sim/faults/backups":
        synchronized (s) {
          armBackupFaults(body);
        }
        return backupFaultsJson();
      case "DELETE /_sim/faults/backups":
        synchronized (s) {
          s.backupFaults.clear();
        }
        return backupFaultsJson();
      default:
        break;
    }
    java.util.regex.Matcher nodePath =
        java.util.regex.Pattern.compile("/_sim/nodes/([^/]+)(/storage(?:/([^/]+))?)?")
            .matcher(path);
    if (nodePath.matches()) {
      synchronized (s) {
        SimNode n = s.node(nodePath.group(1));
        if (nodePath.group(2) == null && method.equals("PUT")) {
          return nodeSettings(n, body);
        }
        if (nodePath.group(2) != null && nodePath.group(3) == null && method.equals("POST")) {
          return addStorage(n, body);
        }
        if (nodePath.group(3) != null && method.equals("PUT")) {
          return storageSettings(s.storage(n, nodePath.group(3)), body);
        }
      }
    }
    if (method.equals("PUT") && path.matches("/_sim/guests/\\d{1,9}/lock")) {
      int vmid = Integer.parseInt(path.split("/")[3]);
      synchronized (s) {
        Guest g = s.guests.get(vmid);
        if (g == null) {
          throw ApiException.fail("no guest " + vmid);
        }
        for (String k : body.keySet()) {
          if (!k.equals("lock")) {
            throw ApiException.param(k, PropertyStrings.NOT_IN_SCHEMA);
          }
        }
        Object lock = body.get("lock");
        if (lock != null && !(lock instanceof String)) {
          throw ApiException.param("lock", "must be a string or null");
        }
        g.setLock((String) lock);
        return views.guestState(g, guests);
      }
    }
    throw ApiException.notImplemented("Method '" + route + "' not implemented");
  }

  private static void onlyKeys(Map<String, Object> body, String... allowed) {
    for (String k : body.keySet()) {
      if (!List.of(allowed).contains(k)) {
        throw ApiException.param(k, PropertyStrings.NOT_IN_SCHEMA);
      }
    }
  }

  private static long number(Map<String, Object> body, String key, long min) {
    Object v = body.get(key);
    if (!(v instanceof Number n) || n.longValue() < min || n.doubleValue() != n.longValue()) {
      throw ApiException.param(key, "must be an integer >= " + min);
    }
    return n.longValue();
  }

  /** {@code {"vmid": 101, "count": 2, "message": "..."}}: the next count vzdumps of vmid fail. */
  private void armBackupFaults(Map<String, Object> body) {
    onlyKeys(body, "vmid", "count", "message");
    int vmid = (int) number(body, "vmid", 100);
    long count = body.containsKey("count") ? number(body, "count", 0) : 1;
    Object msg = body.getOrDefault("message", "injected fault");
    if (!(msg instanceof String text) || text.isBlank() || text.contains("\n")) {
      throw ApiException.param("message", "must be a non-empty single-line string");
    }
    java.util.ArrayDeque<String> q = new java.util.ArrayDeque<>();
    for (long i = 0; i < count; i++) {
      q.add(text);
    }
    if (q.isEmpty()) {
      s.backupFaults.remove(vmid);
    } else {
      s.backupFaults.put(vmid, q);
    }
  }

  private Map<String, Object> backupFaultsJson() {
    synchronized (s) {
      Map<String, Object> out = new LinkedHashMap<>();
      s.backupFaults.forEach((vmid, q) -> out.put(Integer.toString(vmid), new ArrayList<>(q)));
      return out;
    }
  }

  /** {@code {"timezone": "Europe/Berlin"}}: the node's local time zone. */
  private Map<String, Object> nodeSettings(SimNode n, Map<String, Object> body) {
    onlyKeys(body, "timezone");
    if (body.containsKey("timezone")) {
      Object tz = body.get("timezone");
      try {
        n.zone = java.time.ZoneId.of(String.valueOf(tz));
      } catch (java.time.DateTimeException e) {
        throw ApiException.param("timezone", "unknown time zone '" + tz + "'");
      }
    }
    return Map.of("node", n.name, "timezone", n.zone.getId());
  }

  /**
   * {@code {"storage", "type", "content": [...], "path", "sizeGiB", "pruneBackups"}}: a further
   * storage on the node, e.g. a {@code dir} storage for containers (no snapshots).
   */
  private Map<String, Object> addStorage(SimNode n, Map<String, Object> body) {
    onlyKeys(body, "storage", "type", "content", "path", "sizeGiB", "pruneBackups");
    Object id = body.get("storage");
    if (!(id instanceof String sid) || !sid.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
      throw ApiException.param("storage", "must be a storage id");
    }
    if (n.storages.containsKey(sid)) {
      throw ApiException.param("storage", "storage ID '" + sid + "' already defined");
    }
    Object type = body.getOrDefault("type", "dir");
    if (!List.of("dir", "zfspool", "lvmthin", "lvm", "nfs", "btrfs", "rbd").contains(type)) {
      throw ApiException.param("type", "must be dir, zfspool, lvmthin, lvm, nfs, btrfs or rbd");
    }
    Object content = body.getOrDefault("content", List.of("rootdir", "images"));
    if (!(content instanceof List<?> list) || list.isEmpty()) {
      throw ApiException.param("content", "must be a non-empty list of content types");
    }
    List<String> contents = new ArrayList<>();
    for (Object o : list) {
      String ct = String.valueOf(o);
      if (!List.of("rootdir", "images", "backup", "vztmpl", "iso", "snippets").contains(ct)) {
        throw ApiException.param("content", "invalid content type '" + ct + "'");
      }
      contents.add(ct);
    }
    long size = body.containsKey("sizeGiB") ? number(body, "sizeGiB", 1) : 100;
    Object prune = body.get("pruneBackups");
    if (prune != null && !(prune instanceof String)) {
      throw ApiException.param("pruneBackups", "must be a prune-backups property string");
    }
    Object p = body.getOrDefault("path", "/mnt/" + sid);
    SimStorage st =
        new SimStorage(
            sid, n.name, (String) type, contents, String.valueOf(p), size << 30, (String) prune);
    n.storages.put(sid, st);
    return views.storageStatus(st);
  }

  /**
   * {@code {"freeBytes": N}} leaves only N bytes free (a storage filling up), {@code {"freeBytes":
   * null}} gives the space back; {@code {"maxProtectedBackups": n}} sets the storage's limit.
   */
  private Map<String, Object> storageSettings(SimStorage st, Map<String, Object> body) {
    onlyKeys(body, "freeBytes", "maxProtectedBackups");
    if (body.containsKey("freeBytes")) {
      if (body.get("freeBytes") == null) {
        st.reservedBytes = 0;
      } else {
        long free = number(body, "freeBytes", 0);
        st.reservedBytes = 0;
        st.reservedBytes = Math.max(0, st.total - st.used() - free);
      }
    }
    if (body.containsKey("maxProtectedBackups")) {
      st.maxProtectedBackups =
          body.get("maxProtectedBackups") == null
              ? null
              : (int) number(body, "maxProtectedBackups", -1);
    }
    Map<String, Object> m = views.storageStatus(st);
    m.put("maxProtectedBackups", st.maxProtectedBackups);
    return m;
  }

  Map<String, Object> state() {
    synchronized (s) {
      Map<String, Object> out = new LinkedHashMap<>();
      List<Object> guestList = new ArrayList<>();
      for (Guest g : s.guests.values()) {
        guestList.add(views.guestState(g, guests));
      }
      out.put("guests", guestList);
      List<Object> pools = new ArrayList<>();
      for (Pool p : s.pools.values()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("poolid", p.id);
        m.put("comment", p.comment);
        m.put("vms", new ArrayList<>(p.vms));
        m.put("storages", new ArrayList<>(p.storages));
        pools.add(m);
      }
      out.put("pools", pools);
      List<Object> storages = new ArrayList<>();
      for (SimNode n : s.nodes.values()) {
        for (SimStorage st : n.storages.values()) {
          Map<String, Object> m = views.storageStatus(st);
          m.put("node", n.name);
          m.put("volumes", st.volumes.size());
          m.put("backups", st.backups.size());
          m.put("reservedBytes", st.reservedBytes);
          m.put("allocationLocked", st.allocationLocked);
          m.put("lockWaiters", st.waiters.size());
          storages.add(m);
        }
      }
      out.put("storages", storages);
      List<Object> firewalls = new ArrayList<>();
      s.firewalls.forEach((vmid, fw) -> firewalls.add(fw.stateJson(vmid)));
      out.put("firewalls", firewalls);
      long running = s.tasks.values().stream().filter(Task::running).count();
      out.put("tasks", Map.of("running", running, "kept", s.tasks.size()));
      return out;
    }
  }

  private Map<String, Object> statsJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", stats.total());
    m.put("requests", stats.snapshot());
    return m;
  }

  static Map<String, Object> timingJson(TimingModel t) {
    Map<String, Object> m = new LinkedHashMap<>();
    t.durations().forEach((k, v) -> m.put(k, Durations.format(v)));
    m.put("timeScale", t.timeScale());
    return m;
  }

  static TimingModel parseTiming(TimingModel base, Map<String, Object> body) {
    Map<String, Duration> changes = new LinkedHashMap<>();
    Double scale = null;
    for (Map.Entry<String, Object> e : body.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      if (k.equals("timeScale")) {
        if (!(v instanceof Number n)
            || !(n.doubleValue() > 0)
            || Double.isInfinite(n.doubleValue())) {
          throw ApiException.param(k, "must be a positive number");
        }
        scale = n.doubleValue();
        continue;
      }
      if (!base.durations().containsKey(k)) {
        throw ApiException.param(k, PropertyStrings.NOT_IN_SCHEMA);
      }
      try {
        Duration d =
            v instanceof Number n
                ? Duration.ofMillis(n.longValue())
                : Durations.parse(String.valueOf(v));
        if (d.isNegative()) {
          throw new IllegalArgumentException("negative");
        }
        changes.put(k, d);
      } catch (RuntimeException ex) {
        throw ApiException.param(
            k, "must be a duration such as \"5s\", \"250ms\" or a number of milliseconds");
      }
    }
    return base.with(changes, scale);
  }
}
