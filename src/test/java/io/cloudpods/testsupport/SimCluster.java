package io.cloudpods.testsupport;

import io.cloudpods.sim.ProxmoxSimulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the simulated cluster the way a test asserts on it (from the simulator's state dump). */
public final class SimCluster {

  private final ProxmoxSimulator sim;

  public SimCluster(ProxmoxSimulator sim) {
    this.sim = sim;
  }

  /** A guest as the simulator holds it. */
  public record SimGuest(
      int vmid,
      String type,
      String node,
      String status,
      String lock,
      String pool,
      Map<String, Object> config) {
    public String get(String key) {
      Object v = config.get(key);
      return v == null ? null : v.toString();
    }

    public List<String> tags() {
      String t = get("tags");
      return t == null || t.isEmpty() ? List.of() : List.of(t.split(";"));
    }

    public boolean managed() {
      return tags().contains("cloudpods");
    }

    public String ip() {
      String net0 = get("net0");
      if (net0 == null) {
        return null;
      }
      for (String part : net0.split(",")) {
        if (part.startsWith("ip=")) {
          String ip = part.substring(3);
          int slash = ip.indexOf('/');
          return slash < 0 ? ip : ip.substring(0, slash);
        }
      }
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  public Optional<SimGuest> guest(int vmid) {
    return sim.guest(vmid)
        .map(
            m ->
                new SimGuest(
                    ((Number) m.get("vmid")).intValue(),
                    String.valueOf(m.get("type")),
                    String.valueOf(m.get("node")),
                    String.valueOf(m.get("status")),
                    m.get("lock") == null ? null : String.valueOf(m.get("lock")),
                    m.get("pool") == null ? null : String.valueOf(m.get("pool")),
                    m.get("config") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of()));
  }

  public List<SimGuest> guests() {
    List<SimGuest> out = new ArrayList<>();
    for (int vmid : sim.vmids()) {
      guest(vmid).ifPresent(out::add);
    }
    return out;
  }

  public List<SimGuest> managed() {
    return guests().stream().filter(SimGuest::managed).toList();
  }

  /** Config digest of every guest without our marker: foreign guests must never change. */
  public Map<Integer, String> foreignDigests() {
    Map<Integer, String> out = new HashMap<>();
    for (SimGuest g : guests()) {
      if (!g.managed()) {
        out.put(g.vmid(), g.get("digest") + "|" + g.status() + "|" + g.pool());
      }
    }
    return out;
  }
}
