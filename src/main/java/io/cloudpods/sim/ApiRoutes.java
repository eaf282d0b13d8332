package io.cloudpods.sim;

import static io.cloudpods.sim.Schema.DNS_NAME;
import static io.cloudpods.sim.Schema.NODE;
import static io.cloudpods.sim.Schema.POOL_ID;
import static io.cloudpods.sim.Schema.SNAPSHOT_NAME;
import static io.cloudpods.sim.Schema.STORAGE_ID;
import static io.cloudpods.sim.Schema.VMID;
import static io.cloudpods.sim.Schema.all;
import static io.cloudpods.sim.Schema.any;
import static io.cloudpods.sim.Schema.bool;
import static io.cloudpods.sim.Schema.enumOf;
import static io.cloudpods.sim.Schema.format;
import static io.cloudpods.sim.Schema.integer;
import static io.cloudpods.sim.Schema.number;
import static io.cloudpods.sim.Schema.pattern;
import static io.cloudpods.sim.Schema.string;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code /api2/json} route table: every method with its parameter schema and handler. */
final class ApiRoutes {
  static final Pattern UPID =
      Pattern.compile(
          "UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):"
              + "([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):");

  private static final Schema.Check VMID_LIST = format("pve-vmid-list");

  /** An integer without minimum or maximum in the real schema. */
  private static final Schema.Check INTEGER = integer(Long.MIN_VALUE, Long.MAX_VALUE);

  /** {@code valid_volume_keys}: rootfs, mp0 .. mp255, in this order. */
  private static final String[] VOLUME_KEYS = volumeKeys();

  private static String[] volumeKeys() {
    String[] keys = new String[257];
    keys[0] = "rootfs";
    for (int i = 0; i < 256; i++) {
      keys[i + 1] = "mp" + i;
    }
    return keys;
  }

  /**
   * Keys of the LXC config ({@code $confdesc} of pve-container's {@code LXC/Config.pm}) accepted by
   * create and config PUT.
   */
  static final Schema LXC_CONFIG =
      new Schema()
          .opt("hostname", DNS_NAME)
          .opt("cores", integer(1, 8192))
          .opt("cpulimit", number(0, 8192))
          .opt("cpuunits", integer(0, 500000))
          .opt("memory", integer(16, Long.MAX_VALUE / 2))
          .opt("swap", integer(0, Long.MAX_VALUE / 2))
          .family(
              "net",
              31,
              key ->
                  Schema.propertyString(
                      key, v -> PropertyStrings.normalizeNet(key, v, () -> "BC:24:11:00:00:00")))
          .opt("nameserver", format("lxc-ip-with-ll-iface-list"))
          .opt("searchdomain", format("dns-name-list"))
          .opt("onboot", bool())
          .opt("protection", bool())
          .opt("unprivileged", bool())
          .opt("template", bool())
          .opt("console", bool())
          .opt("debug", bool())
          .opt(
              "features",
              Schema.propertyString(
                  "features", v -> PropertyStrings.normalizeFeatures("features", v)))
          .opt(
              "tags",
              all(
                  format("pve-tag-list"),
                  Schema.propertyString("tags", v -> PropertyStrings.normalizeTags("tags", v))))
          .opt("description", string(0, 8192))
          .opt("timezone", format("pve-ct-timezone"))
          .opt("arch", enumOf("amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"))
          .opt(
              "ostype",
              enumOf(
                  "debian",
                  "devuan",
                  "ubuntu",
                  "centos",
                  "fedora",
                  "opensuse",
                  "archlinux",
                  "alpine",
                  "gentoo",
                  "nixos",
                  "unmanaged"))
          .opt("tty", integer(0, 6))
          .opt("cmode", enumOf("shell", "console", "tty"))
          .opt("startup", format("pve-startup-order"))
          .opt("hookscript", format("pve-volume-id"))
          .opt(
              "lock",
              enumOf(
                  "backup",
                  "create",
                  "destroyed",
                  "disk",
                  "fstrim",
                  "migrate",
                  "mounted",
                  "rollback",
                  "snapshot",
                  "snapshot-delete"))
          .opt(
              "rootfs",
              Schema.propertyString("rootfs", v -> PropertyStrings.parseMount("rootfs", v)))
          .family(
              "mp", 255, key -> Schema.propertyString(key, v -> PropertyStrings.parseMount(key, v)))
          .family("unused", 255, PropertyStrings::unusedVolume)
          .family("dev", 255, PropertyStrings::device);

  /**
   * Config keys pve-container 6.0.15 added (PVE 9.1): {@code entrypoint} (no control character but
   * tab) and {@code env} (NUL-separated {@code NAME=value} list).
   */
  private static Schema withOciKeys(Schema s) {
    return s.opt("entrypoint", pattern("(?:[^\\x00-\\x08\\x0a-\\x1F\\x7F]+)"))
        .opt(
            "env",
            pattern(
                "(?:(?:\\w+=[^\\x00-\\x08\\x0a-\\x1F\\x7F]*)"
                    + "(?:\\x00\\w+=[^\\x00-\\x08\\x0a-\\x1F\\x7F]*)*)"));
  }

  private final ClusterState s;
  private final Views views;
  private final GuestOps guests;
  private final SnapshotOps snapshots;
  private final BackupOps backups;
  private final StorageOps storageOps;
  private final PoolOps pools;
  private final AccessOps access;
  private final FirewallOps firewall;
  final Router router = new Router();

  ApiRoutes(ClusterState state, Views views, GuestOps guests, AccessControl acl) {
    this.s = state;
    this.views = views;
    this.guests = guests;
    this.snapshots = new SnapshotOps(state, guests);
    this.backups = new BackupOps(state, acl);
    this.storageOps = new StorageOps(state, backups);
    this.pools = new PoolOps(state, views);
    this.access = new AccessOps(state, acl);
    this.firewall = new FirewallOps(state);
    register();
    registerFirewall();
    registerAccess(router);
    declareChecks(router);
  }

  private static Schema node() {
    return new Schema().req("node", NODE);
  }

  private static Schema ct() {
    return node().req("vmid", VMID);
  }

  private static Schema ctSnap() {
    return ct().req("snapname", SNAPSHOT_NAME);
  }

  private static Schema upid() {
    return node()
        .req("upid", v -> UPID.matcher(v).matches() ? null : "unable to parse worker upid");
  }

  private Task task(Call c) {
    Task t = s.task(c.str("upid"));
    if (t == null || !t.node.equals(c.node())) {
      throw ApiException.param("upid", "no such task");
    }
    return t;
  }

  private static List<Map<String, Object>> subdirs(String key, String... names) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String n : names) {
      out.add(Map.of(key, n));
    }
    return out;
  }

  /** True when the reported pve-manager version is {@code major.minor} or newer. */
  private boolean pveAtLeast(int major, int minor) {
    String[] parts = s.options.pveVersion().split("[.-]");
    int ma = Integer.parseInt(parts[0]);
    int mi = Integer.parseInt(parts[1]);
    return ma > major || (ma == major && mi >= minor);
  }

  /**
   * pve-manager {@code API2/VZDump.pm vzdump} after the schema: {@code stdout} is CLI-only, then
   * {@code VZDump.pm verify_vzdump_parameters} (conflicts, the notes template, a guest selection).
   */
  private static Map<String, String> vzdumpRules(Map<String, String> p) {
    if (perlTrue(p.get("stdout"))) {
      return Map.of("stdout", "option is only allowed on the command line interface.");
    }
    boolean vmid = perlTrue(p.get("vmid"));
    for (String other : List.of("all", "exclude", "pool")) {
      if (perlTrue(p.get(other)) && vmid) {
        return Map.of(other, "option conflicts with option 'vmid'");
      }
    }
    if (p.containsKey("prune-backups") && p.containsKey("maxfiles")) {
      return Map.of("prune-backups", "option conflicts with option 'maxfiles'");
    }
    String template = p.get("notes-template");
    if (perlTrue(template)) {
      String err = notesTemplateError(template);
      if (err != null) {
        return Map.of("notes-template", err);
      }
    }
    boolean all = perlTrue(p.get("all")) || (p.containsKey("exclude") && !perlTrue(p.get("pool")));
    if (!(all || perlTrue(p.get("stop")) || perlTrue(p.get("pool"))) && !vmid) {
      return Map.of("vmid", "property is missing");
    }
    return Map.of();
  }

  private static boolean perlTrue(String v) {
    return v != null && !v.isEmpty() && !v.equals("0");
  }

  /** pve-manager {@code VZDump.pm $verify_notes_template}. */
  static String notesTemplateError(String template) {
    if (template.indexOf('\n') >= 0) {
      return "contains a line feed\n";
    }
    List<String> problematic = new ArrayList<>();
    var esc = Pattern.compile("\\\\(.)").matcher(template);
    while (esc.find()) {
      if (!esc.group(1).matches("[n\\\\]")) {
        problematic.add("escape sequence '\\" + esc.group(1) + "' at char " + esc.start());
      }
    }
    var var = Pattern.compile("\\{\\{([^\\s{}]+)\\}\\}").matcher(template);
    while (var.find()) {
      if (!var.group(1).matches("cluster|guestname|node|vmid")) {
        problematic.add(
            "variable '" + var.group(1) + "' at char " + (var.end() - var.group(1).length()));
      }
    }
    return problematic.isEmpty() ? null : "found unknown: " + String.join(", ", problematic) + "\n";
  }

  private void register() {
    Router r = router;
    r.add(
        "GET",
        "/version",
        new Schema(),
        c -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("version", s.options.pveVersion());
          String[] parts = s.options.pveVersion().split("[.-]");
          m.put("release", parts[0] + "." + parts[1]);
          m.put("repoid", ProxmoxSimulator.REPOID);
          return m;
        });
    r.add(
        "GET",
        "/nodes",
        new Schema(),
        c -> {
          List<Map<String, Object>> out = new ArrayList<>();
          s.nodes.values().forEach(n -> out.add(views.nodeEntry(n, false)));
          return out;
        });
    r.add(
        "GET",
        "/nodes/{node}",
        node(),
        c -> {
          s.node(c.node());
          return subdirs("name", "lxc", "qemu", "status", "storage", "tasks", "vzdump", "version");
        });
    r.add("GET", "/nodes/{node}/status", node(), c -> views.nodeStatus(s.node(c.node())));
    r.add(
        "GET",
        "/cluster/resources",
        new Schema().opt("type", enumOf("vm", "storage", "node", "sdn")),
        c -> views.resources(c.str("type")));
    r.add(
        "GET",
        "/cluster/nextid",
        new Schema().opt("vmid", VMID),
        c -> {
          if (c.has("vmid")) {
            int vmid = c.vmid();
            if (s.guests.containsKey(vmid)) {
              throw ApiException.param("vmid", "VM " + vmid + " already exists");
            }
            return Integer.toString(vmid);
          }
          int id = 100;
          for (int used : s.guests.keySet()) {
            if (used == id) {
              id++;
            } else if (used > id) {
              break;
            }
          }
          if (id >= 1_000_000) {
            throw ApiException.fail("unable to get any free VMID in range [100, 1000000)");
          }
          return Integer.toString(id);
        });

    // ---- LXC ----
    r.add("GET", "/nodes/{node}/lxc", node(), c -> views.lxcList(c.node()));
    Schema create =
        (pveAtLeast(9, 1) ? withOciKeys(LXC_CONFIG.copy()) : LXC_CONFIG.copy())
            .req("node", NODE)
            .req("vmid", VMID)
            .req("ostemplate", string(0, 255))
            .opt("storage", STORAGE_ID)
            .opt("pool", POOL_ID)
            .opt("password", string(5, Integer.MAX_VALUE))
            .opt("ssh-public-keys", any())
            .opt("start", bool())
            .opt("force", bool())
            .opt("restore", bool())
            .opt("unique", bool())
            .opt("ignore-unpack-errors", bool())
            .opt("bwlimit", number(0, Double.MAX_VALUE))
            .requires("unique", "restore");
    if (pveAtLeast(9, 1)) {
      // pve-container 6.0.14 API2/LXC.pm create_vm
      create.opt("ha-managed", bool());
    }
    r.add("POST", "/nodes/{node}/lxc", create, guests::create);
    r.add(
        "GET",
        "/nodes/{node}/lxc/{vmid}",
        ct(),
        c -> {
          s.lxc(c.node(), c.vmid());
          return subdirs(
              "subdir",
              "config",
              "status",
              "vncproxy",
              "termproxy",
              "vncwebsocket",
              "spiceproxy",
              "migrate",
              "clone",
              "rrd",
              "rrddata",
              "firewall",
              "snapshot",
              "resize");
        });
    r.add(
        "POST",
        "/nodes/{node}/lxc/{vmid}/clone",
        ct().req("newid", VMID)
            .opt("hostname", format("dns-name"))
            .opt("description", any())
            .opt("pool", POOL_ID)
            .opt("snapname", SNAPSHOT_NAME)
            .opt("storage", STORAGE_ID)
            .opt("full", bool())
            .opt("target", NODE)
            .opt("bwlimit", number(0, Double.MAX_VALUE)),
        guests::clone);
    r.add(
        "GET",
        "/nodes/{node}/lxc/{vmid}/config",
        ct().opt("current", bool()).opt("snapshot", SNAPSHOT_NAME),
        guests::getConfig);
    Schema put =
        (pveAtLeast(9, 1) ? withOciKeys(LXC_CONFIG.copy()) : LXC_CONFIG.copy())
            .req("node", NODE)
            .req("vmid", VMID)
            .opt("delete", format("pve-configid-list"))
            .opt("revert", format("pve-configid-list"))
            .opt("digest", string(0, 40));
    r.add(
        "PUT",
        "/nodes/{node}/lxc/{vmid}/config",
        put,
        c -> {
          guests.updateConfig(c);
          return null;
        });
    r.add(
        "GET",
        "/nodes/{node}/lxc/{vmid}/status",
        ct(),
        c -> {
          s.lxc(c.node(), c.vmid());
          return subdirs(
              "subdir", "current", "start", "stop", "shutdown", "reboot", "suspend", "resume");
        });
    r.add(
        "GET",
        "/nodes/{node}/lxc/{vmid}/status/current",
        ct(),
        c -> guests.statusCurrent(c, views));
    r.add(
        "POST",
        "/nodes/{node}/lxc/{vmid}/status/start",
        ct().opt("skiplock", bool()).opt("debug", bool()),
        guests::start);
    r.add(
        "POST",
        "/nodes/{node}/lxc/{vmid}/status/stop",
        ct().opt("skiplock", bool()).opt("overrule-shutdown", bool()),
        c -> guests.stop(c, false));
    r.add(
        "POST",
        "/nodes/{node}/lxc/{vmid}/status/shutdown",
        ct().opt("timeout", integer(0, Long.MAX_VALUE / 2)).opt("forceStop", bool()),
        c -> guests.stop(c, true));
    r.add(
        "DELETE",
        "/nodes/{node}/lxc/{vmid}",
        ct().opt("purge", bool()).opt("force", bool()).opt("destroy-unreferenced-disks", bool()),
        guests::destroy);
    r.add(
        "POST",
        "/nodes/{node}/lxc/{vmid}/template",
        ct(),
        c -> {
          guests.template(c);
          return null;
        });
    r.add(
        "PUT",
        "/nodes/{node}/lxc/{vmid}/resize",
        ct().req("disk", enumOf(VOLUME_KEYS))
            .req("size", pattern("\\+?\\d+(\\.\\d+)?[KMGT]?"))
            .opt("digest", string(0, 40)),
        guests::resize);

    // ---- snapshots ----
    r.add("GET", "/nodes/{node}/lxc/{vmid}/snapshot", ct(), snapshots::list);
    r.add(
        "POST",
        "/nodes/{node}/lxc/{vmid}/snapshot",
        ctSnap().opt("description", any()),
        snapshots::create);
    r.add(
        "GET",
        "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}",
        ctSnap(),
        c -> {
          Guest g = s.lxc(c.node(), c.vmid());
          if (!g.snapshots.containsKey(c.str("snapname"))) {
            throw ApiException.fail("snapshot '" + c.str("snapname") + "' does not exist");
          }
          return subdirs("cmd", "rollback", "config");
        });
    r.add(
        "GET",
        "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/config",
        ctSnap(),
        c -> {
          Guest g = s.lxc(c.node(), c.vmid());
          Guest.Snapshot snap = g.snapshots.get(c.str("snapname"));
          if (snap == null) {
            throw ApiException.fail("snapshot '" + c.str("snapname") + "' does not exist");
          }
          return guests.configJson(g, snap.config());
        });
    r.add(
        "DELETE",
        "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}",
        ctSnap().opt("force", bool()),
        snapshots::delete);
    r.add(
        "POST",
        "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback",
        ctSnap().opt("start", bool()),
        snapshots::rollback);

    // ---- backup and storage ----
    r.add(
        "POST",
        "/nodes/{node}/vzdump",
        // pve-guest-common 5.1.3 VZDump/Common.pm $confdesc plus pve-manager API2/VZDump.pm stdout
        node()
            .opt("vmid", VMID_LIST)
            .opt("all", bool())
            .opt("stdexcludes", bool())
            .opt("compress", enumOf("0", "1", "gzip", "lzo", "zstd"))
            .opt("pigz", INTEGER)
            .opt("zstd", INTEGER)
            .opt("quiet", bool())
            .opt("mode", enumOf("snapshot", "suspend", "stop"))
            .opt("exclude", VMID_LIST)
            // type array; a single form value becomes a one-item array (RESTHandler.pm)
            .opt("exclude-path", any())
            .opt("mailto", format("email-or-username-list"))
            .opt("mailnotification", enumOf("always", "failure"))
            .opt("notification-mode", enumOf("auto", "legacy-sendmail", "notification-system"))
            .opt("notification-policy", enumOf("always", "failure", "never"))
            .opt("notification-target", format("pve-configid"))
            .opt("tmpdir", any())
            .opt("dumpdir", any())
            .opt("script", any())
            .opt("storage", STORAGE_ID)
            .opt("stop", bool())
            .opt("bwlimit", integer(0, Long.MAX_VALUE / 2))
            .opt("ionice", integer(0, 8))
            .opt("performance", PropertyStrings.backupPerformance("performance"))
            .opt("fleecing", PropertyStrings.backupFleecing("fleecing"))
            .opt("lockwait", integer(0, Long.MAX_VALUE / 2))
            .opt("stopwait", integer(0, Long.MAX_VALUE / 2))
            .opt("maxfiles", integer(1, Long.MAX_VALUE / 2))
            .opt("prune-backups", PropertyStrings.pruneBackups("prune-backups"))
            .opt("remove", bool())
            .opt("pool", any())
            .opt("notes-template", string(0, 1024))
            .opt("protected", bool())
            .opt("pbs-change-detection-mode", enumOf("legacy", "data", "metadata"))
            .opt("stdout", bool())
            .requires("notes-template", "storage")
            .requires("protected", "storage")
            .then(ApiRoutes::vzdumpRules),
        backups::vzdump);
    r.add(
        "GET",
        "/nodes/{node}/storage",
        node()
            .opt("content", format("pve-storage-content-list"))
            .opt("storage", STORAGE_ID)
            .opt("enabled", bool())
            .opt("target", NODE)
            .opt("format", bool()),
        c -> {
          SimNode n = s.node(c.node());
          List<Map<String, Object>> out = new ArrayList<>();
          for (SimStorage st : n.storages.values()) {
            if (c.has("storage") && !c.str("storage").equals(st.id)) {
              continue;
            }
            if (c.has("content")
                && PropertyStrings.splitList(c.str("content")).stream().noneMatch(st::supports)) {
              continue;
            }
            out.add(views.storageStatus(st));
          }
          return out;
        });
    r.add(
        "GET",
        "/nodes/{node}/storage/{storage}/status",
        node().req("storage", STORAGE_ID),
        c -> views.storageStatus(s.storage(s.node(c.node()), c.str("storage"))));
    r.add(
        "GET",
        "/nodes/{node}/storage/{storage}/content",
        node()
            .req("storage", STORAGE_ID)
            .opt("content", format("pve-storage-content"))
            .opt("vmid", VMID),
        c ->
            views.storageContent(
                s.storage(s.node(c.node()), c.str("storage")),
                c.str("content"),
                c.has("vmid") ? c.vmid() : null));
    // pve-storage API2/Storage/Content.pm: {volume} is one parameter, '/' included
    String volume = "/nodes/{node}/storage/{storage}/content/{volume...}";
    Schema vol = node().opt("storage", STORAGE_ID).req("volume", string(0, Integer.MAX_VALUE));
    r.add("GET", volume, vol, storageOps::info);
    r.add(
        "PUT",
        volume,
        vol.copy().opt("notes", string(0, Integer.MAX_VALUE)).opt("protected", bool()),
        c -> {
          storageOps.update(c);
          return null;
        });
    r.add("DELETE", volume, vol.copy().opt("delay", integer(1, 30)), storageOps::delete);
    // pve-storage API2/Storage/PruneBackups.pm
    Schema prune =
        node()
            .req("storage", STORAGE_ID)
            .opt("prune-backups", PropertyStrings.pruneBackups("prune-backups"))
            .opt("type", enumOf("qemu", "lxc"))
            .opt("vmid", VMID);
    r.add("GET", "/nodes/{node}/storage/{storage}/prunebackups", prune, storageOps::dryRun);
    r.add("DELETE", "/nodes/{node}/storage/{storage}/prunebackups", prune, storageOps::prune);
    r.add(
        "GET",
        "/storage",
        new Schema()
            .opt(
                "type",
                enumOf(
                    "btrfs",
                    "cephfs",
                    "cifs",
                    "dir",
                    "esxi",
                    "glusterfs",
                    "iscsi",
                    "iscsidirect",
                    "lvm",
                    "lvmthin",
                    "nfs",
                    "pbs",
                    "rbd",
                    "zfs",
                    "zfspool")),
        c -> views.storageConfig(c.str("type")));

    // ---- pools ----
    // pve-manager PVE/API2/Pool.pm
    Schema poolId = new Schema().req("poolid", POOL_ID);
    Schema poolUpdate =
        poolId
            .copy()
            .opt("vms", VMID_LIST)
            .opt("storage", format("pve-storage-id-list"))
            .opt("delete", bool())
            .opt("allow-move", bool())
            .opt("comment", any());
    r.add(
        "GET",
        "/pools",
        new Schema()
            .opt("poolid", POOL_ID)
            .opt("type", enumOf("qemu", "lxc", "storage"))
            .requires("type", "poolid"),
        pools::list);
    r.add(
        "POST",
        "/pools",
        poolId.copy().opt("comment", any()),
        c -> {
          pools.create(c);
          return null;
        });
    r.add(
        "PUT",
        "/pools",
        poolUpdate,
        c -> {
          pools.update(c);
          return null;
        });
    r.add(
        "DELETE",
        "/pools",
        poolId,
        c -> {
          pools.delete(c);
          return null;
        });
    r.add(
        "GET",
        "/pools/{poolid}",
        poolId.copy().opt("type", enumOf("qemu", "lxc", "storage")),
        pools::getDeprecated);
    r.add(
        "PUT",
        "/pools/{poolid}",
        poolUpdate,
        c -> {
          pools.update(c);
          return null;
        });
    r.add(
        "DELETE",
        "/pools/{poolid}",
        poolId,
        c -> {
          pools.delete(c);
          return null;
        });

    // ---- tasks ----
    r.add(
        "GET",
        "/nodes/{node}/tasks",
        node()
            .opt("start", integer(0, Integer.MAX_VALUE))
            .opt("limit", integer(0, Integer.MAX_VALUE))
            .opt("userfilter", any())
            .opt("typefilter", any())
            .opt("vmid", VMID)
            .opt("errors", bool())
            .opt("source", enumOf("archive", "active", "all"))
            .opt("since", INTEGER)
            .opt("until", INTEGER)
            .opt("statusfilter", format("pve-task-status-type-list")),
        this::taskList);
    r.add(
        "GET",
        "/nodes/{node}/tasks/{upid}",
        upid(),
        c -> {
          task(c);
          return subdirs("name", "log", "status");
        });
    r.add("GET", "/nodes/{node}/tasks/{upid}/status", upid(), c -> task(c).statusJson());
    r.add(
        "GET",
        "/nodes/{node}/tasks/{upid}/log",
        upid()
            .opt("start", integer(0, Integer.MAX_VALUE))
            .opt("limit", integer(0, Integer.MAX_VALUE))
            .opt("download", bool()),
        c -> {
          Task t = task(c);
          int start = c.integer("start", 0);
          int limit = c.integer("limit", 50);
          List<Map<String, Object>> lines = new ArrayList<>();
          if (t.log.isEmpty()) {
            lines.add(Map.of("n", 1, "t", "no content"));
          }
          for (int i = start; i < t.log.size() && lines.size() < limit; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", i + 1);
            m.put("t", t.log.get(i));
            lines.add(m);
          }
          return new Router.Reply(lines, Map.of("total", Math.max(1, t.log.size())));
        });
  }

  // ---- access control (pve-access-control src/PVE/API2/{Role,User,ACL,AccessControl}.pm) ----

  private static final Schema.Check USERID = pattern("[^\\s:/]+@[A-Za-z][A-Za-z0-9.\\-_]+");
  private static final Schema.Check TOKEN_NAME = pattern("[A-Za-z][A-Za-z0-9.\\-_]+");
  private static final Schema.Check ROLEID = pattern("[A-Za-z0-9.\\-_]+");

  private void registerAccess(Router r) {
    r.add(
        "POST",
        "/access/roles",
        new Schema().req("roleid", ROLEID).opt("privs", string(0, 4096)),
        access::createRole);
    r.add(
        "POST",
        "/access/users",
        new Schema()
            .req("userid", USERID)
            .opt("comment", string(0, 2048))
            .opt("email", any())
            .opt("enable", bool())
            .opt("expire", integer(0, Long.MAX_VALUE))
            .opt("firstname", any())
            .opt("lastname", any())
            .opt("groups", any())
            .opt("keys", any())
            .opt("password", string(5, 64)),
        access::createUser);
    Schema token = new Schema().req("userid", USERID).req("tokenid", TOKEN_NAME);
    r.add(
        "POST",
        "/access/users/{userid}/token/{tokenid}",
        token
            .copy()
            .opt("comment", string(0, 2048))
            .opt("expire", integer(0, Long.MAX_VALUE))
            .opt("privsep", bool()),
        access::createToken);
    r.add("GET", "/access/users/{userid}/token/{tokenid}", token, access::readToken);
    r.add(
        "PUT",
        "/access/acl",
        new Schema()
            .req("path", string(1, 4096))
            .req("roles", string(1, 4096))
            .opt("users", string(0, 4096))
            .opt("groups", string(0, 4096))
            .opt("tokens", string(0, 4096))
            .opt("propagate", bool())
            .opt("delete", bool()),
        access::updateAcl);
    r.add("GET", "/access/acl", new Schema(), access::listAcl);
    r.add(
        "GET",
        "/access/permissions",
        new Schema().opt("userid", string(1, 256)).opt("path", string(1, 4096)),
        access::permissions);
  }

  /**
   * The permission check of every route (the {@code permissions} of the Proxmox method, see {@link
   * Perm}) and the filters of the lists that hide what the caller may not see. A route not listed
   * here is for {@code root@pam} only.
   */
  private static void declareChecks(Router r) {
    String vm = "/vms/{vmid}";
    r.check("GET", "/version", Perm.anyone());
    r.check("GET", "/nodes", Perm.anyone());
    r.filter("GET", "/nodes", RouteChecks::resources);
    r.check("GET", "/nodes/{node}", Perm.anyone());
    r.check("GET", "/nodes/{node}/status", Perm.priv("/nodes/{node}", "Sys.Audit"));
    r.check("GET", "/cluster/resources", Perm.anyone());
    r.filter("GET", "/cluster/resources", RouteChecks::resources);
    r.check("GET", "/cluster/nextid", Perm.anyone());
    // LXC
    r.check("GET", "/nodes/{node}/lxc", Perm.anyone());
    r.filter("GET", "/nodes/{node}/lxc", RouteChecks::guests);
    r.check("POST", "/nodes/{node}/lxc", RouteChecks::create);
    r.check("GET", "/nodes/{node}/lxc/{vmid}", Perm.anyone());
    r.check("POST", "/nodes/{node}/lxc/{vmid}/clone", RouteChecks::clone);
    r.check("GET", "/nodes/{node}/lxc/{vmid}/config", Perm.priv(vm, "VM.Audit"));
    r.check("PUT", "/nodes/{node}/lxc/{vmid}/config", RouteChecks::updateConfig);
    // CT firewall (pve-firewall Firewall.pm rules_*_permissions): reads VM.Audit, writes
    // VM.Config.Network on the guest
    String fw = "/nodes/{node}/lxc/{vmid}/firewall";
    for (String read :
        new String[] {
          fw, fw + "/options", fw + "/ipset", fw + "/ipset/{name}", fw + "/ipset/{name}/{cidr...}"
        }) {
      r.check("GET", read, Perm.priv(vm, "VM.Audit"));
    }
    r.check("PUT", fw + "/options", Perm.priv(vm, "VM.Config.Network"));
    r.check("POST", fw + "/ipset", Perm.priv(vm, "VM.Config.Network"));
    r.check("POST", fw + "/ipset/{name}", Perm.priv(vm, "VM.Config.Network"));
    r.check("DELETE", fw + "/ipset/{name}", Perm.priv(vm, "VM.Config.Network"));
    r.check("PUT", fw + "/ipset/{name}/{cidr...}", Perm.priv(vm, "VM.Config.Network"));
    r.check("DELETE", fw + "/ipset/{name}/{cidr...}", Perm.priv(vm, "VM.Config.Network"));
    r.check("GET", "/nodes/{node}/lxc/{vmid}/status", Perm.anyone());
    r.check("GET", "/nodes/{node}/lxc/{vmid}/status/current", Perm.priv(vm, "VM.Audit"));
    r.check("POST", "/nodes/{node}/lxc/{vmid}/status/start", Perm.priv(vm, "VM.PowerMgmt"));
    r.check("POST", "/nodes/{node}/lxc/{vmid}/status/stop", Perm.priv(vm, "VM.PowerMgmt"));
    r.check("POST", "/nodes/{node}/lxc/{vmid}/status/shutdown", Perm.priv(vm, "VM.PowerMgmt"));
    r.check("DELETE", "/nodes/{node}/lxc/{vmid}", Perm.priv(vm, "VM.Allocate"));
    r.check("POST", "/nodes/{node}/lxc/{vmid}/template", Perm.priv(vm, "VM.Allocate"));
    r.check("PUT", "/nodes/{node}/lxc/{vmid}/resize", RouteChecks::resize);
    // snapshots
    r.check("GET", "/nodes/{node}/lxc/{vmid}/snapshot", Perm.priv(vm, "VM.Audit"));
    r.check("POST", "/nodes/{node}/lxc/{vmid}/snapshot", Perm.priv(vm, "VM.Snapshot"));
    r.check("GET", "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}", Perm.anyone());
    r.check(
        "GET", "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/config", Perm.priv(vm, "VM.Audit"));
    r.check("DELETE", "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}", Perm.priv(vm, "VM.Snapshot"));
    r.check(
        "POST",
        "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback",
        Perm.anyPriv(vm, "VM.Snapshot", "VM.Snapshot.Rollback"));
    // backup and storage
    r.check("POST", "/nodes/{node}/vzdump", RouteChecks::vzdump);
    r.check("GET", "/nodes/{node}/storage", Perm.anyone());
    r.filter("GET", "/nodes/{node}/storage", RouteChecks::storages);
    String storageAudit = "/storage/{storage}";
    r.check(
        "GET",
        "/nodes/{node}/storage/{storage}/status",
        Perm.anyPriv(storageAudit, "Datastore.Audit", "Datastore.AllocateSpace"));
    r.check(
        "GET",
        "/nodes/{node}/storage/{storage}/content",
        Perm.anyPriv(storageAudit, "Datastore.Audit", "Datastore.AllocateSpace"));
    r.filter("GET", "/nodes/{node}/storage/{storage}/content", RouteChecks::content);
    String volume = "/nodes/{node}/storage/{storage}/content/{volume...}";
    // "You need read access for the volume" (check_volume_access)
    r.check("GET", volume, RouteChecks::volumeAccess);
    r.check("PUT", volume, RouteChecks::volumeAccess);
    r.check("DELETE", volume, RouteChecks::deleteVolume);
    r.check(
        "GET",
        "/nodes/{node}/storage/{storage}/prunebackups",
        Perm.anyPriv(storageAudit, "Datastore.Audit", "Datastore.AllocateSpace"));
    r.check("DELETE", "/nodes/{node}/storage/{storage}/prunebackups", RouteChecks::prune);
    r.check("GET", "/storage", Perm.anyone());
    r.filter("GET", "/storage", RouteChecks::storages);
    // pools
    r.check("GET", "/pools", Perm.anyone());
    r.filter("GET", "/pools", RouteChecks::pools);
    r.check("POST", "/pools", Perm.priv("/pool/{poolid}", "Pool.Allocate"));
    r.check("PUT", "/pools", RouteChecks::updatePool);
    r.check("DELETE", "/pools", Perm.priv("/pool/{poolid}", "Pool.Allocate"));
    r.check("GET", "/pools/{poolid}", Perm.priv("/pool/{poolid}", "Pool.Audit"));
    r.check("PUT", "/pools/{poolid}", RouteChecks::updatePool);
    r.check("DELETE", "/pools/{poolid}", Perm.priv("/pool/{poolid}", "Pool.Allocate"));
    // tasks
    r.check("GET", "/nodes/{node}/tasks", Perm.anyone());
    r.filter("GET", "/nodes/{node}/tasks", RouteChecks::tasks);
    r.check("GET", "/nodes/{node}/tasks/{upid}", RouteChecks::task);
    r.check("GET", "/nodes/{node}/tasks/{upid}/status", RouteChecks::task);
    r.check("GET", "/nodes/{node}/tasks/{upid}/log", RouteChecks::task);
    // access
    r.check("POST", "/access/roles", Perm.priv("/access", "Sys.Modify"));
    r.check("POST", "/access/users", RouteChecks::createUser);
    r.check("POST", "/access/users/{userid}/token/{tokenid}", RouteChecks::ownUser);
    r.check("GET", "/access/users/{userid}/token/{tokenid}", RouteChecks::ownUser);
    r.check("PUT", "/access/acl", Perm.priv("{path}", "Permissions.Modify"));
    r.check("GET", "/access/acl", Perm.anyone());
    r.filter("GET", "/access/acl", RouteChecks::acl);
    r.check("GET", "/access/permissions", RouteChecks::permissions);
  }

  /**
   * The container firewall (pve-firewall {@code API2/Firewall/VM.pm}, {@code IPSet.pm}). Reads need
   * VM.Audit on {@code /vms/{vmid}}, writes VM.Config.Network (pve-firewall {@code
   * rules_audit_permissions} / {@code rules_modify_permissions} for the 'ct' environment).
   */
  private void registerFirewall() {
    Router r = router;
    String fw = "/nodes/{node}/lxc/{vmid}/firewall";
    Schema.Check logLevel =
        enumOf("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog");
    Schema.Check policy = enumOf("ACCEPT", "REJECT", "DROP");
    Schema.Check digest = string(0, 64);
    // VM.Audit
    r.add("GET", fw, ct(), c -> FirewallOps.index());
    // VM.Audit
    r.add("GET", fw + "/options", ct(), firewall::getOptions);
    // VM.Config.Network
    r.add(
        "PUT",
        fw + "/options",
        ct().opt("enable", bool())
            .opt("macfilter", bool())
            .opt("dhcp", bool())
            .opt("ndp", bool())
            .opt("radv", bool())
            .opt("ipfilter", bool())
            .opt("policy_in", policy)
            .opt("policy_out", policy)
            .opt("log_level_in", logLevel)
            .opt("log_level_out", logLevel)
            .opt("delete", format("pve-configid-list"))
            .opt("digest", digest),
        c -> {
          firewall.setOptions(c);
          return null;
        });
    // VM.Audit
    r.add("GET", fw + "/ipset", ct(), firewall::listIpsets);
    // VM.Config.Network
    r.add(
        "POST",
        fw + "/ipset",
        ct().req("name", FirewallOps.ipsetName())
            .opt("comment", any())
            .opt("digest", digest)
            .opt("rename", FirewallOps.ipsetName()),
        c -> {
          firewall.createIpset(c);
          return null;
        });
    Schema set = ct().req("name", FirewallOps.ipsetName());
    // VM.Audit
    r.add("GET", fw + "/ipset/{name}", set, firewall::listEntries);
    // VM.Config.Network
    r.add(
        "POST",
        fw + "/ipset/{name}",
        set.copy()
            .req("cidr", FirewallOps.cidrFormat())
            .opt("nomatch", bool())
            .opt("comment", any()),
        c -> {
          firewall.addEntry(c);
          return null;
        });
    // VM.Config.Network
    r.add(
        "DELETE",
        fw + "/ipset/{name}",
        set.copy().opt("force", bool()),
        c -> {
          firewall.deleteIpset(c);
          return null;
        });
    Schema entry = set.copy().req("cidr", FirewallOps.cidrFormat());
    // VM.Audit
    r.add("GET", fw + "/ipset/{name}/{cidr...}", entry, firewall::readEntry);
    // VM.Config.Network
    r.add(
        "PUT",
        fw + "/ipset/{name}/{cidr...}",
        entry.copy().opt("nomatch", bool()).opt("comment", any()).opt("digest", digest),
        c -> {
          firewall.updateEntry(c);
          return null;
        });
    // VM.Config.Network
    r.add(
        "DELETE",
        fw + "/ipset/{name}/{cidr...}",
        entry.copy().opt("digest", digest),
        c -> {
          firewall.removeEntry(c);
          return null;
        });
  }

  private Object taskList(Call c) {
    String source = c.str("source", "archive");
    String typefilter = c.str("typefilter");
    String userfilter = c.str("userfilter");
    String vmid = c.str("vmid");
    boolean errorsOnly = c.bool("errors");
    long since = c.longValue("since", 0);
    long until = c.longValue("until", Long.MAX_VALUE);
    // Tasks.pm lower-cases every filter item (the format accepts any case)
    List<String> statusfilter =
        c.has("statusfilter")
            ? PropertyStrings.splitList(c.str("statusfilter")).stream()
                .map(f -> f.toLowerCase(java.util.Locale.ROOT))
                .toList()
            : null;
    s.node(c.node());
    List<Task> matched = new ArrayList<>();
    for (Task t : s.tasks.values()) {
      if (!t.node.equals(c.node())) {
        continue;
      }
      boolean active = t.running();
      if ((source.equals("archive") && active) || (source.equals("active") && !active)) {
        continue;
      }
      if (typefilter != null && !t.type.equals(typefilter)) {
        continue;
      }
      if (userfilter != null && !t.authId.contains(userfilter)) {
        continue;
      }
      if (vmid != null && !t.id.equals(vmid)) {
        continue;
      }
      boolean ok = !active && ("OK".equals(t.exitstatus));
      boolean warning = !active && t.exitstatus.startsWith("WARNINGS");
      if (errorsOnly && (active || ok || warning)) {
        continue;
      }
      if (t.starttime < since || t.starttime > until) {
        continue;
      }
      if (statusfilter != null && !active) {
        String cls = ok ? "ok" : warning ? "warning" : "error";
        if (!statusfilter.contains(cls)) {
          continue;
        }
      }
      matched.add(t);
    }
    matched.sort(
        Comparator.comparingLong((Task t) -> t.starttime).thenComparingInt(t -> t.pid).reversed());
    int start = c.integer("start", 0);
    int limit = c.integer("limit", 50);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = start; i < matched.size() && out.size() < limit; i++) {
      out.add(matched.get(i).listJson());
    }
    return new Router.Reply(out, Map.of("total", matched.size()));
  }
}
