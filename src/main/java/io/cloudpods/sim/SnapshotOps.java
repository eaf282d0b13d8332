package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Container snapshots: list, create, delete, rollback. Checks run inside the task, as on the real
 * server.
 */
final class SnapshotOps {
  private final ClusterState s;
  private final GuestOps guests;

  SnapshotOps(ClusterState state, GuestOps guests) {
    this.s = state;
    this.guests = guests;
  }

  List<Map<String, Object>> list(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Guest.Snapshot snap : g.snapshots.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", snap.name());
      m.put("description", snap.description());
      m.put("snaptime", snap.snaptime());
      if (snap.parent() != null) {
        m.put("parent", snap.parent());
      }
      out.add(m);
    }
    Map<String, Object> current = new LinkedHashMap<>();
    current.put("name", "current");
    current.put("description", "You are here!");
    current.put("digest", g.digest());
    current.put("running", g.running() ? 1 : 0);
    if (g.parentSnapshot != null) {
      current.put("parent", g.parentSnapshot);
    }
    out.add(current);
    return out;
  }

  private SimStorage rootStorage(Guest g) {
    String r = g.config.get("rootfs");
    return r == null
        ? null
        : s.nodes.get(g.node).storages.get(PropertyStrings.parseMount("rootfs", r).storage());
  }

  String create(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    String name = c.str("snapname");
    if (name.equals("current") || name.equals("vzdump")) {
      throw ApiException.fail("unable to use snapshot name '" + name + "' (reserved name)");
    }
    String description = c.str("description", "");
    Task t = s.startTask(g.node, "vzsnapshot", Integer.toString(g.vmid), c.authId());
    boolean[] locked = {false};
    Runnable unlock =
        () -> {
          if (locked[0] && "snapshot".equals(g.lock())) {
            g.setLock(null);
          }
        };
    s.taskStep(
        t,
        java.time.Duration.ZERO,
        "",
        null,
        () -> {
          if (g.isTemplate()) {
            throw ApiException.fail("you can't take a snapshot if it's a template");
          }
          ClusterState.checkLock(g);
          if (g.snapshots.containsKey(name)) {
            throw ApiException.fail("snapshot name '" + name + "' already used");
          }
          SimStorage st = rootStorage(g);
          if (st == null || !st.supportsSnapshots()) {
            throw ApiException.fail("snapshot feature is not available");
          }
          g.setLock("snapshot");
          locked[0] = true;
          s.taskStep(
              t,
              s.timing().snapshot(),
              "",
              unlock,
              () -> {
                if (t.injectedFailure) {
                  throw ApiException.fail(
                      "zfs error: cannot create snapshot: dataset is busy (injected fault)");
                }
                Map<String, String> conf = new LinkedHashMap<>(g.config);
                conf.remove("lock");
                conf.remove("parent");
                if (!description.isEmpty()) {
                  conf.put("snapdescription", description);
                }
                g.snapshots.put(
                    name,
                    new Guest.Snapshot(name, description, s.now() / 1000, g.parentSnapshot, conf));
                g.parentSnapshot = name;
                g.setLock(null);
                s.taskOk(t);
              });
        });
    return t.upid;
  }

  String delete(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    String name = c.str("snapname");
    Task t = s.startTask(g.node, "vzdelsnapshot", Integer.toString(g.vmid), c.authId());
    boolean[] locked = {false};
    Runnable unlock =
        () -> {
          if (locked[0] && "snapshot-delete".equals(g.lock())) {
            g.setLock(null);
          }
        };
    s.taskStep(
        t,
        java.time.Duration.ZERO,
        "",
        null,
        () -> {
          if (g.isTemplate()) {
            throw ApiException.fail("you can't delete a snapshot if vm is a template");
          }
          if (!g.snapshots.containsKey(name)) {
            throw ApiException.fail("snapshot '" + name + "' does not exist");
          }
          if (!c.bool("force")) {
            ClusterState.checkLock(g);
          }
          g.setLock("snapshot-delete");
          locked[0] = true;
          s.taskStep(
              t,
              s.timing().snapshot(),
              "",
              unlock,
              () -> {
                if (t.injectedFailure) {
                  throw ApiException.fail(
                      "zfs error: cannot destroy snapshot: dataset is busy (injected fault)");
                }
                Guest.Snapshot removed = g.snapshots.remove(name);
                // children of the removed snapshot now hang off its parent
                g.snapshots.replaceAll(
                    (k, v) ->
                        name.equals(v.parent())
                            ? new Guest.Snapshot(
                                v.name(),
                                v.description(),
                                v.snaptime(),
                                removed.parent(),
                                v.config())
                            : v);
                if (name.equals(g.parentSnapshot)) {
                  g.parentSnapshot = removed.parent();
                }
                g.setLock(null);
                s.taskOk(t);
              });
        });
    return t.upid;
  }

  String rollback(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    String name = c.str("snapname");
    boolean startAfter = c.bool("start");
    Task t = s.startTask(g.node, "vzrollback", Integer.toString(g.vmid), c.authId());
    boolean[] locked = {false};
    Runnable unlock =
        () -> {
          if (locked[0] && "rollback".equals(g.lock())) {
            g.setLock(null);
          }
        };
    s.taskStep(
        t,
        java.time.Duration.ZERO,
        "",
        null,
        () -> {
          if (g.isTemplate()) {
            throw ApiException.fail("you can't rollback if vm is a template");
          }
          if (!g.snapshots.containsKey(name)) {
            throw ApiException.fail("snapshot '" + name + "' does not exist");
          }
          ClusterState.checkLock(g);
          g.setLock("rollback");
          locked[0] = true;
          if (g.running()) {
            t.log("stopping container " + g.vmid);
            g.status = "stopped";
            g.sample(s.now());
          }
          s.taskStep(
              t,
              s.timing().snapshot(),
              "",
              unlock,
              () -> {
                if (t.injectedFailure) {
                  throw ApiException.fail(
                      "zfs error: cannot rollback: dataset is busy (injected fault)");
                }
                Map<String, String> conf = new LinkedHashMap<>(g.snapshots.get(name).config());
                conf.remove("snapdescription");
                g.config = conf;
                g.parentSnapshot = name;
                g.sample(s.now());
                s.taskOk(t);
                if (startAfter) {
                  guests.startTask(g, c);
                }
              });
        });
    return t.upid;
  }
}
