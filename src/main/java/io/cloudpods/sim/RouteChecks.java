package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The permission checks of the routes that need more than one {@code ['perm', path, privs]}, and
 * the list filters, each following the Proxmox method it simulates (pve-container {@code
 * API2/LXC*.pm}, {@code LXC.pm check_ct_modify_config_perm}, pve-manager {@code
 * API2/{Cluster,VZDump,Tasks,Pool}.pm}, pve-storage {@code API2/Storage/Content.pm}, {@code
 * Storage.pm check_volume_access}).
 */
final class RouteChecks {
  /** {@code $vm_config_perm_list} of pve-container. */
  static final String[] CONFIG_PRIVS = {
    "VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options"
  };

  private static final Pattern NET = Pattern.compile("net\\d+");
  private static final Pattern VOLUME = Pattern.compile("rootfs|mp\\d+");
  private static final Pattern BACKUP_OWNER = Pattern.compile("backup/vzdump-(?:lxc|qemu)-(\\d+)-");
  private static final Pattern DISK_OWNER = Pattern.compile("(?:vm|subvol|base)-(\\d+)-disk-\\d+");
  private static final Set<String> NOT_CONFIG =
      Set.of("node", "vmid", "digest", "delete", "revert", "skiplock");

  /** Keys of {@code POST /nodes/{node}/lxc} that are not container config. */
  private static final Set<String> CREATE_ONLY =
      Set.of(
          "node",
          "vmid",
          "ostemplate",
          "storage",
          "pool",
          "password",
          "ssh-public-keys",
          "start",
          "force",
          "restore",
          "unique",
          "ignore-unpack-errors",
          "bwlimit",
          "ha-managed");

  private RouteChecks() {}

  // ---- checks ----

  /** {@code POST /nodes/{node}/lxc}. */
  static void create(Perm.Ctx c) {
    if (c.superuser()) {
      return;
    }
    String vmid = c.param("vmid");
    String pool = c.param("pool");
    // ['or', ['perm', '/vms/{vmid}', ['VM.Allocate']], ['perm', '/pool/{pool}', ...,
    // require_param]]
    if (!c.has("/vms/" + vmid, "VM.Allocate")
        && !(pool != null && c.has("/pool/" + pool, "VM.Allocate"))) {
      // restoring over an existing CT is also allowed with VM.Backup on it
      boolean overwrite =
          "1".equals(c.param("restore"))
              && "1".equals(c.param("force"))
              && vmid != null
              && vmid.matches("\\d+")
              && c.state().guests.containsKey(Integer.parseInt(vmid))
              && c.has("/vms/" + vmid, "VM.Backup");
      if (!overwrite) {
        throw Perm.denied(null);
      }
    }
    c.require("/storage/" + c.params().getOrDefault("storage", "local"), "Datastore.AllocateSpace");
    String archive = c.param("ostemplate");
    if (archive != null) {
      archiveAccess(c, archive, vmid);
    }
    List<String> keys = new ArrayList<>();
    for (String k : c.params().keySet()) {
      if (!CREATE_ONLY.contains(k)) {
        keys.add(k);
      }
    }
    modifyConfig(c, vmid, pool, keys, null);
  }

  /** {@code check_volume_access} for the archive a CT is created or restored from. */
  private static void archiveAccess(Perm.Ctx c, String volid, String vmid) {
    int colon = volid.indexOf(':');
    if (colon <= 0) {
      return; // a file path: root only in Proxmox, refused by the create handler here
    }
    String sid = volid.substring(0, colon);
    String volname = volid.substring(colon + 1);
    if (c.has("/storage/" + sid, "Datastore.Allocate")) {
      return;
    }
    if (volname.startsWith("vztmpl/") || volname.startsWith("iso/")) {
      c.requireAny("/storage/" + sid, "Datastore.AllocateSpace", "Datastore.Audit");
      return;
    }
    Matcher m = BACKUP_OWNER.matcher(volname);
    if (m.lookingAt()) {
      if (m.group(1).equals(vmid)) {
        return;
      }
      c.require("/storage/" + sid, "Datastore.AllocateSpace");
      c.require("/vms/" + m.group(1), "VM.Backup");
      return;
    }
    c.require("/storage/" + sid, "Datastore.Allocate");
  }

  /** The volid a content route names ({@code $real_volume_id}), or null when it cannot tell. */
  private static String volid(Perm.Ctx c) {
    String volume = c.param("volume");
    if (volume == null) {
      return null;
    }
    return volume.contains(":") ? volume : c.param("storage") + ":" + volume;
  }

  /** {@code check_volume_access} without an owning vmid (content GET/PUT of one volume). */
  static void volumeAccess(Perm.Ctx c) {
    String volid = volid(c);
    if (c.superuser() || volid == null) {
      return;
    }
    String sid = volid.substring(0, volid.indexOf(':'));
    String volname = volid.substring(volid.indexOf(':') + 1);
    if (c.has("/storage/" + sid, "Datastore.Allocate")) {
      return;
    }
    if (volname.startsWith("vztmpl/") || volname.startsWith("iso/")) {
      c.requireAny("/storage/" + sid, "Datastore.AllocateSpace", "Datastore.Audit");
      return;
    }
    Matcher m = BACKUP_OWNER.matcher(volname);
    if (m.lookingAt()) {
      c.require("/storage/" + sid, "Datastore.AllocateSpace");
      c.require("/vms/" + m.group(1), "VM.Backup");
      return;
    }
    Matcher disk = DISK_OWNER.matcher(volname);
    if (disk.find()) {
      c.require("/storage/" + sid, "Datastore.Audit");
      c.require("/vms/" + disk.group(1), "VM.Config.Disk");
      return;
    }
    throw ApiException.fail("missing privileges to access " + volid);
  }

  /**
   * {@code DELETE .../content/{volume}}: a backup with an owner needs Datastore.AllocateSpace and
   * VM.Backup on the guest, anything else Datastore.Allocate.
   */
  static void deleteVolume(Perm.Ctx c) {
    String volid = volid(c);
    if (c.superuser() || volid == null) {
      return;
    }
    String sid = volid.substring(0, volid.indexOf(':'));
    Matcher m = BACKUP_OWNER.matcher(volid.substring(volid.indexOf(':') + 1));
    if (m.lookingAt()) {
      c.require("/storage/" + sid, "Datastore.AllocateSpace");
      c.require("/vms/" + m.group(1), "VM.Backup");
    } else {
      c.require("/storage/" + sid, "Datastore.Allocate");
    }
  }

  /**
   * {@code DELETE .../prunebackups}: for one guest Datastore.AllocateSpace and VM.Backup on it, for
   * the whole storage Datastore.Allocate.
   */
  static void prune(Perm.Ctx c) {
    String sid = "/storage/" + c.param("storage");
    String vmid = c.param("vmid");
    if (vmid != null) {
      c.require(sid, "Datastore.AllocateSpace");
      c.require("/vms/" + vmid, "VM.Backup");
    } else {
      c.require(sid, "Datastore.Allocate");
    }
  }

  /** {@code POST /nodes/{node}/lxc/{vmid}/clone}. */
  static void clone(Perm.Ctx c) {
    if (c.superuser()) {
      return;
    }
    String vmid = c.param("vmid");
    c.require("/vms/" + vmid, "VM.Clone");
    String newid = c.param("newid");
    String pool = c.param("pool");
    if (!c.has("/vms/" + newid, "VM.Allocate")
        && !(pool != null && c.has("/pool/" + pool, "VM.Allocate"))) {
      throw Perm.denied(null);
    }
    Guest src = guest(c, vmid);
    boolean full = "1".equals(c.param("full"));
    if (full && c.param("storage") != null) {
      c.require("/storage/" + c.param("storage"), "Datastore.AllocateSpace");
    } else if (src != null) {
      for (String sid : volumeStorages(src.config)) {
        c.require("/storage/" + sid, "Datastore.AllocateSpace");
      }
    }
    if (src != null) {
      for (Map.Entry<String, String> e : src.config.entrySet()) {
        if (NET.matcher(e.getKey()).matches()) {
          vnetAccess(c, e.getValue());
        }
      }
    }
  }

  /** {@code PUT /nodes/{node}/lxc/{vmid}/config}. */
  static void updateConfig(Perm.Ctx c) {
    if (c.superuser()) {
      return;
    }
    String vmid = c.param("vmid");
    c.requireAny("/vms/" + vmid, CONFIG_PRIVS);
    List<String> keys = new ArrayList<>();
    for (String k : c.params().keySet()) {
      if (!NOT_CONFIG.contains(k)) {
        keys.add(k);
      }
    }
    for (String list : new String[] {c.param("delete"), c.param("revert")}) {
      if (list != null) {
        keys.addAll(PropertyStrings.splitList(list));
      }
    }
    Guest g = guest(c, vmid);
    modifyConfig(c, vmid, null, keys, g == null ? null : g.config);
  }

  /** {@code check_ct_modify_config_perm}: the privilege each changed or deleted key needs. */
  private static void modifyConfig(
      Perm.Ctx c, String vmid, String pool, List<String> keys, Map<String, String> current) {
    for (String key : keys) {
      String value = c.param(key);
      if (key.equals("cores") || key.equals("cpuunits") || key.equals("cpulimit")) {
        c.requireVm(vmid, pool, "VM.Config.CPU");
      } else if (key.equals("memory") || key.equals("swap")) {
        c.requireVm(vmid, pool, "VM.Config.Memory");
      } else if (NET.matcher(key).matches()) {
        c.requireVm(vmid, pool, "VM.Config.Network");
        if (value != null) {
          vnetAccess(c, value);
        }
        if (current != null && current.get(key) != null) {
          vnetAccess(c, current.get(key));
        }
      } else if (key.equals("hostname") || key.equals("nameserver") || key.equals("searchdomain")) {
        c.requireVm(vmid, pool, "VM.Config.Network");
      } else if (VOLUME.matcher(key).matches()) {
        c.requireVm(vmid, pool, "VM.Config.Disk");
      } else if (key.equals("features")) {
        if (value != null && onlyNesting(value)) {
          c.requireVm(vmid, pool, "VM.Allocate");
        } else {
          c.requireRoot("changing feature flags (except nesting) is only allowed for root@pam");
        }
      } else if (key.startsWith("dev") && key.substring(3).matches("\\d+")) {
        c.requireRoot("configuring device passthrough is only allowed for root@pam");
      } else if (key.equals("hookscript")) {
        c.requireRoot("changing the hookscript is only allowed for root@pam");
      } else {
        c.requireVm(vmid, pool, "VM.Config.Options");
      }
    }
  }

  private static boolean onlyNesting(String features) {
    for (String part : features.split(",")) {
      if (!part.isBlank() && !part.strip().startsWith("nesting=")) {
        return false;
      }
    }
    return true;
  }

  /** {@code check_vnet_access}: SDN.Use on the bridge (zone localnetwork) and VLAN tag. */
  private static void vnetAccess(Perm.Ctx c, String net) {
    String bridge = null;
    String tag = null;
    for (String part : net.split(",")) {
      if (part.startsWith("bridge=")) {
        bridge = part.substring(7);
      } else if (part.startsWith("tag=")) {
        tag = part.substring(4);
      }
    }
    if (bridge != null) {
      c.require("/sdn/zones/localnetwork/" + bridge + (tag == null ? "" : "/" + tag), "SDN.Use");
    }
  }

  /** {@code PUT /nodes/{node}/lxc/{vmid}/resize}. */
  static void resize(Perm.Ctx c) {
    if (c.superuser()) {
      return;
    }
    String vmid = c.param("vmid");
    c.require("/vms/" + vmid, "VM.Config.Disk");
    // check_ct_modify_config_perm(['disk']): the leftover key falls into the else-branch
    c.require("/vms/" + vmid, "VM.Config.Options");
    Guest g = guest(c, vmid);
    String disk = c.param("disk");
    if (g != null && disk != null && g.config.get(disk) != null) {
      String vol = g.config.get(disk);
      int colon = vol.indexOf(':');
      if (colon > 0) {
        c.require("/storage/" + vol.substring(0, colon), "Datastore.AllocateSpace");
      }
    }
  }

  /** {@code POST /nodes/{node}/vzdump}; VM.Backup is checked inside the task. */
  static void vzdump(Perm.Ctx c) {
    if (c.superuser()) {
      return;
    }
    String sid = c.params().getOrDefault("storage", "local");
    c.require("/storage/" + sid, "Datastore.AllocateSpace");
    if (c.param("prune-backups") != null) {
      c.require("/storage/" + sid, "Datastore.Allocate");
    }
  }

  /** {@code GET /nodes/{node}/tasks/{upid}[/status|/log]}: the owner, else Sys.Audit. */
  static void task(Perm.Ctx c) {
    if (c.superuser()) {
      return;
    }
    String upid = c.param("upid");
    Matcher m = upid == null ? null : ApiRoutes.UPID.matcher(upid);
    if (m == null || !m.matches()) {
      return; // the schema answers the 400
    }
    if (!ownTask(c.authId(), m.group(8))) {
      c.require("/nodes/" + c.param("node"), "Sys.Audit");
    }
  }

  /** A token's task is its own and its user's. */
  static boolean ownTask(String caller, String taskUser) {
    return taskUser.equals(caller)
        || (AccessControl.isToken(taskUser) && AccessControl.owner(taskUser).equals(caller));
  }

  /** {@code PUT /pools}: Pool.Allocate, and the right to move each member. */
  static void updatePool(Perm.Ctx c) {
    if (c.superuser()) {
      return;
    }
    c.require("/pool/" + c.param("poolid"), "Pool.Allocate");
    if (c.param("vms") != null) {
      for (String v : PropertyStrings.splitList(c.param("vms"))) {
        c.require("/vms/" + v, "VM.Allocate");
      }
    }
    if (c.param("storage") != null) {
      for (String st : PropertyStrings.splitList(c.param("storage"))) {
        c.require("/storage/" + st, "Datastore.Allocate");
      }
    }
  }

  /** {@code POST|GET /access/users/{userid}/token/{tokenid}}: oneself, else User.Modify. */
  static void ownUser(Perm.Ctx c) {
    if (c.superuser()) {
      return;
    }
    String userid = c.param("userid");
    if (userid != null && userid.equals(AccessControl.owner(c.authId()))) {
      return;
    }
    if (!c.has("/access/groups", "User.Modify")) {
      throw Perm.denied(null);
    }
  }

  /** {@code POST /access/users}: Realm.AllocateUser on the realm. */
  static void createUser(Perm.Ctx c) {
    String userid = c.params().getOrDefault("userid", "");
    c.require("/access/realm/" + userid.substring(userid.indexOf('@') + 1), "Realm.AllocateUser");
  }

  /** {@code GET /access/permissions}: one's own (and one's tokens'), else Sys.Audit. */
  static void permissions(Perm.Ctx c) {
    String who = c.param("userid");
    if (c.superuser() || who == null || who.equals(c.authId())) {
      return;
    }
    String me = AccessControl.owner(c.authId());
    if (!AccessControl.isToken(c.authId()) && AccessControl.owner(who).equals(me)) {
      return;
    }
    c.require("/access", "Sys.Audit");
  }

  // ---- filters ----

  private static final List<String> NODE_STATS =
      List.of("cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "uptime");

  /** {@code GET /cluster/resources} (and {@code GET /nodes} for the node entries). */
  static Object resources(Perm.Ctx c, Object data) {
    List<Object> out = new ArrayList<>();
    for (Object o : (List<?>) data) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = new java.util.LinkedHashMap<>((Map<String, Object>) o);
      String type = String.valueOf(m.get("type"));
      switch (type) {
        case "lxc", "qemu" -> {
          if (!c.has("/vms/" + m.get("vmid"), "VM.Audit")) {
            continue;
          }
          Object pool = m.get("pool");
          if (pool != null && !c.has("/pool/" + pool, "Pool.Audit")) {
            m.remove("pool");
          }
        }
        case "node" -> {
          if (!c.has("/nodes/" + m.get("node"), "Sys.Audit")) {
            NODE_STATS.forEach(m::remove);
          }
        }
        case "storage" -> {
          if (!c.has("/storage/" + m.get("storage"), "Datastore.Audit")) {
            continue;
          }
        }
        case "pool" -> {
          if (!c.has("/pool/" + m.get("pool"), "Pool.Audit")) {
            continue;
          }
        }
        case "sdn" -> {
          if (!c.anyOf("/sdn/zones/" + m.get("sdn"), "SDN.Audit", "SDN.Allocate")) {
            continue;
          }
        }
        default -> {}
      }
      out.add(m);
    }
    return out;
  }

  /** {@code GET /nodes/{node}/lxc}: guests with VM.Audit. */
  static Object guests(Perm.Ctx c, Object data) {
    List<Object> out = new ArrayList<>();
    for (Object o : (List<?>) data) {
      if (c.has("/vms/" + ((Map<?, ?>) o).get("vmid"), "VM.Audit")) {
        out.add(o);
      }
    }
    return out;
  }

  /** Storage lists: entries with Datastore.Audit or AllocateSpace. */
  static Object storages(Perm.Ctx c, Object data) {
    List<Object> out = new ArrayList<>();
    for (Object o : (List<?>) data) {
      if (c.anyOf(
          "/storage/" + ((Map<?, ?>) o).get("storage"),
          "Datastore.Audit",
          "Datastore.AllocateSpace")) {
        out.add(o);
      }
    }
    return out;
  }

  /** {@code GET /nodes/{node}/storage/{storage}/content}: {@code check_volume_access} per item. */
  static Object content(Perm.Ctx c, Object data) {
    String sid = c.param("storage");
    boolean admin = c.has("/storage/" + sid, "Datastore.Allocate");
    List<Object> out = new ArrayList<>();
    for (Object o : (List<?>) data) {
      Map<?, ?> m = (Map<?, ?>) o;
      String content = String.valueOf(m.get("content"));
      boolean ok =
          admin
              || content.equals("vztmpl")
              || content.equals("iso")
              || (content.equals("backup")
                  && c.has("/storage/" + sid, "Datastore.AllocateSpace")
                  && c.has("/vms/" + m.get("vmid"), "VM.Backup"));
      if (ok) {
        out.add(o);
      }
    }
    return out;
  }

  /** {@code GET /pools}: pools with Pool.Audit, except that {@code ?poolid=X} is not checked. */
  static Object pools(Perm.Ctx c, Object data) {
    if (c.param("poolid") != null) {
      return data;
    }
    List<Object> out = new ArrayList<>();
    for (Object o : (List<?>) data) {
      if (c.has("/pool/" + ((Map<?, ?>) o).get("poolid"), "Pool.Audit")) {
        out.add(o);
      }
    }
    return out;
  }

  /** {@code GET /nodes/{node}/tasks}: all with Sys.Audit on the node, else one's own. */
  static Object tasks(Perm.Ctx c, Object data) {
    if (c.has("/nodes/" + c.param("node"), "Sys.Audit")) {
      return data;
    }
    List<Object> out = new ArrayList<>();
    for (Object o : (List<?>) data) {
      Matcher m = ApiRoutes.UPID.matcher(String.valueOf(((Map<?, ?>) o).get("upid")));
      if (m.matches() && ownTask(c.authId(), m.group(8))) {
        out.add(o);
      }
    }
    return out;
  }

  /** {@code GET /access/acl}: entries on paths where the caller audits or modifies permissions. */
  static Object acl(Perm.Ctx c, Object data) {
    boolean audit = c.has("/access", "Sys.Audit");
    List<Object> out = new ArrayList<>();
    for (Object o : (List<?>) data) {
      if (audit || c.has(String.valueOf(((Map<?, ?>) o).get("path")), "Permissions.Modify")) {
        out.add(o);
      }
    }
    return out;
  }

  private static Guest guest(Perm.Ctx c, String vmid) {
    try {
      return c.state().guests.get(Integer.parseInt(vmid));
    } catch (NumberFormatException | NullPointerException e) {
      return null;
    }
  }

  private static Set<String> volumeStorages(Map<String, String> config) {
    Set<String> out = new LinkedHashSet<>();
    config.forEach(
        (k, v) -> {
          int colon = v.indexOf(':');
          if (VOLUME.matcher(k).matches() && colon > 0) {
            out.add(v.substring(0, colon));
          }
        });
    return out;
  }
}
