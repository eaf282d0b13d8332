package io.cloudpods.sim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backup volumes on a storage: {@code GET|PUT|DELETE
 * /nodes/{node}/storage/{storage}/content/{volume}} (pve-storage {@code API2/Storage/Content.pm},
 * {@code Storage.pm}, {@code Storage/DirPlugin.pm}) and {@code GET|DELETE .../prunebackups} ({@code
 * API2/Storage/PruneBackups.pm}).
 */
final class StorageOps {
  private final ClusterState s;
  private final BackupOps backups;

  StorageOps(ClusterState state, BackupOps backups) {
    this.s = state;
    this.backups = backups;
  }

  /** A volume the API names: its storage and its name there. */
  record Volume(SimStorage storage, String volname) {
    String volid() {
      return storage.id + ":" + volname;
    }

    boolean isBackup() {
      return volname.startsWith("backup/");
    }
  }

  /**
   * {@code $real_volume_id} and {@code parse_volname}: {@code storage:volname} must name the
   * route's storage; a bare name is taken on it. Names a dir storage cannot parse are refused.
   */
  Volume volume(Call c) {
    SimNode node = s.node(c.node());
    String storeid = c.str("storage");
    String volume = c.str("volume");
    String volid;
    if (volume.contains(":")) {
      int colon = volume.indexOf(':');
      String sid = volume.substring(0, colon);
      if (!sid.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
        throw ApiException.param("volume", "unable to parse volume ID '" + volume + "'\n");
      }
      if (storeid != null && !sid.equals(storeid)) {
        throw ApiException.param(
            "volume", "storage ID mismatch (" + sid + " != " + storeid + ")\n");
      }
      volid = volume;
      storeid = sid;
    } else {
      if (storeid == null) {
        throw ApiException.param("volume", "no storage specified - incomplete volume ID");
      }
      volid = storeid + ":" + volume;
    }
    SimStorage st = s.storage(node, storeid);
    String volname = volid.substring(volid.indexOf(':') + 1);
    boolean known = st.volumes.containsKey(volname) || st.templates.contains(volname);
    if (!known && !volname.matches("backup/[^/]+\\.(tar|vma)(\\.(gz|lzo|zst|bz2))?")) {
      throw ApiException.fail(
          st.type.equals("dir")
              ? "unable to parse directory volume name '" + volname + "'"
              : "unable to parse " + st.type + " volume name '" + volname + "'");
    }
    return new Volume(st, volname);
  }

  /** {@code GET .../content/{volume}}: path, size, used, format and the backup attributes. */
  Map<String, Object> info(Call c) {
    Volume v = volume(c);
    Map<String, Object> m = new LinkedHashMap<>();
    if (v.isBackup()) {
      SimStorage.Backup b = v.storage.backup(v.volname);
      if (b == null) {
        throw ApiException.fail("volume_size_info on '" + v.volid() + "' failed - no format");
      }
      m.put("path", v.storage.path + "/dump/" + v.volname.substring("backup/".length()));
      m.put("size", b.size());
      m.put("used", b.size());
      m.put("format", b.format());
      m.put("notes", b.notes() == null ? "" : b.notes());
      m.put("protected", b.isProtected() ? 1 : 0);
      return m;
    }
    SimStorage.Volume vol = v.storage.volumes.get(v.volname);
    if (vol == null) {
      throw ApiException.fail("volume_size_info on '" + v.volid() + "' failed - no format");
    }
    m.put("path", "/dev/" + v.storage.id + "/" + vol.volname());
    m.put("size", vol.size());
    m.put("used", vol.size());
    m.put("format", vol.format());
    return m;
  }

  /**
   * {@code PUT .../content/{volume}}: {@code notes} and/or {@code protected}. Only backups carry
   * them; marking one more backup of a guest protected stops at {@code max-protected-backups}. A
   * backup that is not there gets its sidecar file written anyway (Proxmox creates {@code
   * .notes}/{@code .protected} files without checking the archive); nothing becomes visible.
   */
  void update(Call c) {
    Volume v = volume(c);
    if (!v.isBackup()) {
      if (c.has("notes")) {
        throw ApiException.fail("only backups can have notes");
      }
      if (c.has("protected")) {
        throw ApiException.fail("only backups support attribute 'protected'");
      }
      return;
    }
    SimStorage.Backup b = v.storage.backup(v.volname);
    if (c.has("notes")) {
      if (b != null) {
        String notes = c.str("notes");
        b.setNotes(notes.isEmpty() ? null : notes);
      }
    }
    if (c.has("protected")) {
      boolean value = c.bool("protected");
      if (b != null && value && !b.isProtected()) {
        int max = backups.maxProtected(v.storage, c.authId());
        long count =
            v.storage.backups.stream()
                .filter(x -> x.vmid() == b.vmid() && x.isProtected() && x.type().equals(b.type()))
                .count();
        if (max > -1 && max <= count) {
          throw ApiException.fail(
              "The number of protected backups per guest is limited to "
                  + max
                  + " on storage '"
                  + v.storage.id
                  + "'");
        }
      }
      if (b != null) {
        b.setProtected(value);
      }
    }
  }

  /**
   * {@code DELETE .../content/{volume}}: task {@code imgdel} ({@code <vmid>@<storage>} for a
   * backup). A protected backup makes the task fail ({@code free_image}); a missing file is only a
   * warning and the task ends {@code WARNINGS: 1}.
   */
  String delete(Call c) {
    Volume v = volume(c);
    SimStorage st = v.storage;
    Integer owner = owner(v);
    String id = (owner == null ? "" : owner + "@") + st.id;
    Task t = s.startTask(c.node(), "imgdel", id, c.authId());
    s.after(
        Duration.ofMillis(200),
        () -> {
          if (v.isBackup()) {
            SimStorage.Backup b = st.backup(v.volname);
            if (b != null && b.isProtected()) {
              s.taskFail(
                  t, "cannot remove protected volume '" + v.volname + "' on '" + st.id + "'");
              return;
            }
            if (b == null) {
              t.log(
                  "WARN: disk image '"
                      + st.path
                      + "/dump/"
                      + v.volname.substring("backup/".length())
                      + "' does not exist");
              t.log("Removed volume '" + v.volid() + "'");
              t.warnings++;
              s.taskOk(t);
              return;
            }
            st.backups.remove(b);
          } else {
            SimStorage.Volume vol = st.volumes.get(v.volname);
            Guest user = vol == null ? null : s.guests.get(vol.vmid());
            if (user != null && user.config.containsValue(v.volid())) {
              s.taskFail(t, "volume '" + v.volid() + "' is in use by CT " + vol.vmid());
              return;
            }
            st.volumes.remove(v.volname);
          }
          t.log("Removed volume '" + v.volid() + "'");
          s.taskOk(t);
        });
    return t.upid;
  }

  /** The owning vmid that {@code parse_volname} reads from the name. */
  static Integer owner(Volume v) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("backup/vzdump-(?:lxc|qemu|openvz)-([1-9][0-9]{2,8})-")
            .matcher(v.volname);
    if (m.lookingAt()) {
      return Integer.parseInt(m.group(1));
    }
    SimStorage.Volume vol = v.storage.volumes.get(v.volname);
    return vol == null ? null : vol.vmid();
  }

  /** The retention to use: the call's {@code prune-backups}, else the storage's. */
  private static Map<String, Integer> keep(Call c, SimStorage st) {
    if (!st.supports("backup")) {
      throw ApiException.fail("storage '" + st.id + "' does not support backups");
    }
    if (c.has("prune-backups")) {
      return PruneSelection.parse(c.str("prune-backups"));
    }
    if (st.pruneBackups == null) {
      throw ApiException.fail("no prune-backups options configured for storage '" + st.id + "'");
    }
    return PruneSelection.parse(st.pruneBackups);
  }

  /** {@code GET .../prunebackups}: every backup with the mark a prune would give it. */
  List<Map<String, Object>> dryRun(Call c) {
    SimNode node = s.node(c.node());
    SimStorage st = s.storage(node, c.str("storage"));
    Map<String, Integer> keep = keep(c, st);
    Integer vmid = c.has("vmid") ? c.vmid() : null;
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (PruneSelection.Marked m : BackupOps.prune(st, keep, vmid, c.str("type"), node.zone)) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("ctime", m.item().ctime());
      e.put("mark", m.mark());
      e.put("type", m.item().type());
      e.put("volid", m.item().volid());
      if (m.item().vmid() != null) {
        e.put("vmid", m.item().vmid());
      }
      out.add(e);
    }
    return out;
  }

  /** {@code DELETE .../prunebackups}: task {@code prunebackups} removing what is marked remove. */
  String prune(Call c) {
    SimNode node = s.node(c.node());
    SimStorage st = s.storage(node, c.str("storage"));
    Integer vmid = c.has("vmid") ? c.vmid() : null;
    String id = (vmid == null ? "" : vmid + "@") + st.id;
    Task t = s.startTask(node.name, "prunebackups", id, c.authId());
    s.after(
        Duration.ofMillis(200),
        () -> {
          Map<String, Integer> keep;
          try {
            keep = keep(c, st);
          } catch (ApiException e) {
            s.taskFail(t, e.getMessage());
            return;
          }
          for (PruneSelection.Marked m :
              BackupOps.prune(st, keep, vmid, c.str("type"), node.zone)) {
            if (m.removed()) {
              t.log("removing backup '" + m.item().volid() + "'");
              st.backups.remove(st.backup(m.item().volid().substring(st.id.length() + 1)));
            }
          }
          s.taskOk(t);
        });
    return t.upid;
  }
}
