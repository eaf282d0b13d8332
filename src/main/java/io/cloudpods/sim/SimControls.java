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
        s.faults.set(Faults.merge(s.faults.settings(), body));
        return s.faults.settings().toJson();
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
