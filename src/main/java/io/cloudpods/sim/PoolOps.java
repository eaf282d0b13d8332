package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resource pools, in the PVE 8.1+ query-parameter form and the older {@code /pools/{poolid}} form.
 */
final class PoolOps {
  private final ClusterState s;
  private final Views views;

  PoolOps(ClusterState state, Views views) {
    this.s = state;
    this.views = views;
  }

  private Pool pool(String id) {
    Pool p = s.pools.get(id);
    if (p == null) {
      throw ApiException.fail("pool '" + id + "' does not exist");
    }
    return p;
  }

  Object list(Call c) {
    if (c.has("poolid")) {
      Pool p = pool(c.str("poolid"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("poolid", p.id);
      if (p.comment != null) {
        m.put("comment", p.comment);
      }
      m.put("members", members(p, c.str("type")));
      return List.of(m);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Pool p : s.pools.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("poolid", p.id);
      if (p.comment != null) {
        m.put("comment", p.comment);
      }
      out.add(m);
    }
    return out;
  }

  Map<String, Object> getDeprecated(Call c) {
    Pool p = pool(c.str("poolid"));
    Map<String, Object> m = new LinkedHashMap<>();
    if (p.comment != null) {
      m.put("comment", p.comment);
    }
    m.put("members", members(p, c.str("type")));
    return m;
  }

  private List<Map<String, Object>> members(Pool p, String type) {
    long now = s.now();
    long lag = s.timing().scaledMillis(s.timing().resourcesLag());
    List<Map<String, Object>> out = new ArrayList<>();
    for (int vmid : p.vms) {
      Guest g = s.guests.get(vmid);
      if (g != null && (type == null || type.equals(g.type))) {
        out.add(views.resourceGuest(g, now, lag));
      }
    }
    if (type == null || type.equals("storage")) {
      for (String sid : p.storages) {
        for (SimNode n : s.nodes.values()) {
          SimStorage st = n.storages.get(sid);
          if (st != null) {
            out.add(views.storageResource(st));
          }
        }
      }
    }
    return out;
  }

  void create(Call c) {
    String id = c.str("poolid");
    if (s.pools.containsKey(id)) {
      throw ApiException.fail("create pool failed: pool '" + id + "' already exists");
    }
    s.pools.put(id, new Pool(id, c.str("comment")));
  }

  void update(Call c) {
    Pool p = pool(c.str("poolid"));
    boolean delete = c.bool("delete");
    boolean allowMove = c.bool("allow-move");
    List<Integer> vms = new ArrayList<>();
    if (c.has("vms")) {
      for (String v : PropertyStrings.splitList(c.str("vms"))) {
        vms.add(Integer.parseInt(v));
      }
    }
    List<String> storages =
        c.has("storage") ? PropertyStrings.splitList(c.str("storage")) : List.of();
    // validate everything first: a rejected update changes nothing
    for (int vmid : vms) {
      Guest g = s.guests.get(vmid);
      if (delete) {
        if (g == null || !p.id.equals(g.pool)) {
          throw ApiException.fail("update pools failed: VM " + vmid + " is not a pool member");
        }
      } else {
        if (g == null) {
          throw ApiException.fail("update pools failed: no such VM '" + vmid + "'");
        }
        if (p.id.equals(g.pool)) {
          throw ApiException.fail("update pools failed: VM " + vmid + " is already a pool member");
        }
        if (g.pool != null && !allowMove) {
          throw ApiException.fail(
              "update pools failed: VM "
                  + vmid
                  + " belongs already to pool '"
                  + g.pool
                  + "' and 'allow-move' is not set");
        }
      }
    }
    for (String sid : storages) {
      boolean known = s.nodes.values().stream().anyMatch(n -> n.storages.containsKey(sid));
      if (!known) {
        throw ApiException.fail("update pools failed: no such storage '" + sid + "'");
      }
    }
    if (c.has("comment")) {
      p.comment = c.str("comment");
    }
    for (int vmid : vms) {
      Guest g = s.guests.get(vmid);
      if (delete) {
        p.vms.remove(vmid);
        g.pool = null;
      } else {
        if (g.pool != null) {
          s.pools.get(g.pool).vms.remove(vmid);
        }
        p.vms.add(vmid);
        g.pool = p.id;
      }
    }
    for (String sid : storages) {
      if (delete) {
        p.storages.remove(sid);
      } else {
        p.storages.add(sid);
      }
    }
  }

  void delete(Call c) {
    Pool p = pool(c.str("poolid"));
    if (!p.vms.isEmpty()) {
      throw ApiException.fail(
          "delete pool failed: pool '"
              + p.id
              + "' is not empty (contains VM "
              + p.vms.first()
              + ")");
    }
    if (!p.storages.isEmpty()) {
      throw ApiException.fail(
          "delete pool failed: pool '"
              + p.id
              + "' is not empty (contains storage '"
              + p.storages.first()
              + "')");
    }
    s.pools.remove(p.id);
  }
}
