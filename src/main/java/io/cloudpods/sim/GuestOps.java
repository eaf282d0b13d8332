package io.cloudpods.sim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Container lifecycle: create, clone, config, power, destroy, template, resize. Every public method
 * runs under the state monitor; checks that the real server makes before forking a worker throw
 * {@link ApiException} (HTTP error), the rest fail the task.
 */
final class GuestOps {
  private static final long GIB = 1L << 30;

  /** Keys not copied from the clone source. */
  private static final Set<String> NOT_CLONED =
      Set.of("rootfs", "template", "lock", "parent", "snapdescription");

  private static final Set<String> REQUIRED_KEYS = Set.of("memory", "rootfs", "ostype", "arch");
  private static final Set<String> READ_ONLY = Set.of("unprivileged");

  private final ClusterState s;
  private final RestoreOps restores;

  GuestOps(ClusterState state) {
    this.s = state;
    this.restores = new RestoreOps(state, this);
  }

  // ---- value normalisation shared by create, clone and config PUT ----

  String normalize(String key, String value) {
    if (key.matches("net\\d+")) {
      return PropertyStrings.normalizeNet(key, value, s::newMac);
    }
    return switch (key) {
      case "tags" -> PropertyStrings.normalizeTags(key, value);
      case "features" -> PropertyStrings.normalizeFeatures(key, value);
      case "description" -> value.replaceAll("\\n+$", "");
      default ->
          Guest.NUMERIC_KEYS.contains(key)
              ? Long.toString(Long.parseLong(value.replace("+", "")))
              : value;
    };
  }

  void checkPool(String pool) {
    if (pool != null && !s.pools.containsKey(pool)) {
      throw ApiException.forbidden("Permission check failed (pool '" + pool + "' does not exist)");
    }
  }

  void addToPool(Guest g, String pool) {
    if (pool == null) {
      return;
    }
    Pool p = s.pools.get(pool);
    if (p != null) {
      p.vms.add(g.vmid);
      g.pool = pool;
    }
  }

  private static boolean injected(Task t) {
    return t.injectedFailure;
  }

  static String outOfSpace(SimStorage st, String volname) {
    if (st.type.equals("zfspool")) {
      return "zfs error: cannot create 'rpool/" + st.id + "/" + volname + "': out of space";
    }
    return "unable to allocate volume '"
        + st.id
        + ":"
        + volname
        + "' - not enough free space on storage '"
        + st.id
        + "'";
  }

  private static String ostypeOf(String template) {
    String file = template.substring(template.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    for (String os :
        List.of(
            "debian",
            "ubuntu",
            "alpine",
            "centos",
            "fedora",
            "archlinux",
            "rockylinux",
            "almalinux",
            "opensuse",
            "gentoo",
            "devuan")) {
      if (file.startsWith(os)) {
        return os.equals("rockylinux") || os.equals("almalinux") ? "centos" : os;
      }
    }
    return "unmanaged";
  }

  // ---- create ----

  String create(Call c) {
    SimNode node = s.node(c.node());
    int vmid = c.vmid();
    checkPool(c.str("pool"));
    if (c.bool("restore")) {
      return restores.restore(c);
    }
    String storageId = c.str("storage", "local");
    String rootfsParam = c.str("rootfs", storageId + ":4");
    PropertyStrings.Mount rootfs = PropertyStrings.parseMount("rootfs", rootfsParam);
    String sid = rootfs.storage();
    String sizeText = rootfs.volname();
    if (sid == null || !sizeText.matches("\\d+(\\.\\d+)?")) {
      throw ApiException.param(
          "rootfs", "the simulator only allocates new volumes: use STORAGE:SIZE_IN_GiB");
    }
    SimStorage st = s.storage(node, sid);
    if (!st.supports("rootdir")) {
      throw ApiException.param(
          "storage", "storage '" + sid + "' does not support container directories");
    }
    String ostemplate = c.str("ostemplate");
    // the storage part as parse_volume_id reads it: case-insensitive
    if (!ostemplate.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]:vztmpl/.+")) {
      throw ApiException.param(
          "ostemplate", "invalid format - unable to parse volume ID '" + ostemplate + "'\n");
    }
    // the config flock + check_vmid_unused of create_and_lock_config
    s.checkVmidUnused(vmid);

    Map<String, String> conf = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : c.params().entrySet()) {
      String k = e.getKey();
      if (Set.of(
              "node",
              "vmid",
              "ostemplate",
              "storage",
              "rootfs",
              "pool",
              "password",
              "ssh-public-keys",
              "start",
              "force",
              "restore",
              "unique",
              "ignore-unpack-errors",
              "bwlimit",
              "ha-managed",
              "debug")
          .contains(k)) {
        continue;
      }
      conf.put(k, normalize(k, e.getValue()));
    }
    if (!conf.containsKey("unprivileged") && majorVersion() >= 9) {
      conf.put("unprivileged", "1");
    }
    long size = (long) Math.floor(Double.parseDouble(sizeText) * GIB);
    if (size <= 0) {
      throw ApiException.param("rootfs", "invalid size '" + sizeText + "'");
    }

    Guest g = new Guest(vmid, node.name, "lxc");
    g.setLock("create");
    s.addGuest(g);
    g.sample(s.now());

    Task t = s.startTask(node.name, "vzcreate", Integer.toString(vmid), c.authId());
    s.journal(node.name, vmid, "create", t.upid, c);
    String prefix = "unable to create CT " + vmid + " - ";
    String volname = st.freeVolname(st.type.equals("dir") ? "vm" : "subvol", vmid);
    String pool = c.str("pool");
    boolean start = c.bool("start");
    Runnable cleanup = () -> s.removeGuest(g);
    t.log("trying to acquire lock...");
    s.after(
        Duration.ZERO,
        () -> {
          t.log(" OK");
          int colon = ostemplate.indexOf(':');
          SimStorage tmplStore = node.storages.get(ostemplate.substring(0, colon));
          if (tmplStore == null || !tmplStore.templates.contains(ostemplate.substring(colon + 1))) {
            cleanup.run();
            s.taskFail(t, prefix + "volume '" + ostemplate + "' does not exist");
            return;
          }
          s.acquireStorageLock(
              st,
              t,
              prefix,
              cleanup,
              () ->
                  s.taskStep(
                      t,
                      s.timing().storageAllocation(),
                      prefix,
                      () -> {
                        s.releaseStorageLock(st);
                        cleanup.run();
                      },
                      () -> {
                        if (size > st.avail()) {
                          throw ApiException.fail(outOfSpace(st, volname));
                        }
                        st.volumes.put(
                            volname,
                            new SimStorage.Volume(
                                volname,
                                size,
                                vmid,
                                "rootdir",
                                st.type.equals("dir") ? "raw" : "subvol"));
                        s.releaseStorageLock(st);
                        t.log(
                            "extracting archive '/var/lib/vz/template/cache/"
                                + ostemplate.substring(ostemplate.lastIndexOf('/') + 1)
                                + "'");
                        s.taskStep(
                            t,
                            s.timing().create(),
                            prefix,
                            cleanup,
                            () -> {
                              if (injected(t)) {
                                throw ApiException.fail(
                                    "command 'lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- tar xpf - "
                                        + "--zstd --totals --one-file-system -p --sparse --numeric-owner --acls --xattrs' failed: exit code 2"
                                        + " (injected fault)");
                              }
                              t.log(
                                  "Total bytes read: "
                                      + (size / 7)
                                      + " ("
                                      + (size / 7 >> 20)
                                      + "MiB)");
                              t.log("Detected container architecture: amd64");
                              conf.putIfAbsent("hostname", "CT" + vmid);
                              conf.putIfAbsent("memory", "512");
                              conf.putIfAbsent("swap", "512");
                              conf.putIfAbsent("arch", "amd64");
                              conf.putIfAbsent("ostype", ostypeOf(ostemplate));
                              conf.put(
                                  "rootfs",
                                  new PropertyStrings.Mount(sid + ":" + volname, rootfs.options())
                                      .withSize(size)
                                      .print());
                              g.config = new LinkedHashMap<>(conf);
                              addToPool(g, pool);
                              g.sample(s.now());
                              s.taskOk(t);
                              if (start) {
                                startTask(g, c);
                              }
                            });
                      }));
        });
    return t.upid;
  }

  private int majorVersion() {
    return Integer.parseInt(s.options.pveVersion().split("[.-]")[0]);
  }

  // ---- clone ----

  String clone(Call c) {
    Guest src = s.lxc(c.node(), c.vmid());
    SimNode node = s.node(c.node());
    int newid = c.integer("newid");
    String pool = c.str("pool");
    checkPool(pool);
    ClusterState.requireConfigFlock(src);
    ClusterState.checkLock(src);
    s.checkVmidUnused(newid);
    if (c.has("target") && !c.str("target").equals(node.name)) {
      s.node(c.str("target"));
      throw ApiException.fail(
          "can't clone CT to node '" + c.str("target") + "' (CT uses local storage)");
    }
    String snapname = c.str("snapname");
    if (snapname != null && !src.snapshots.containsKey(snapname)) {
      throw ApiException.fail("snapshot '" + snapname + "' does not exist");
    }
    boolean full = c.bool("full", !src.isTemplate());
    if (c.has("storage") && !full) {
      throw ApiException.fail("parameter 'storage' not allowed for linked clones");
    }
    Map<String, String> srcConf =
        snapname == null ? src.config : src.snapshots.get(snapname).config();
    PropertyStrings.Mount srcRoot = PropertyStrings.parseMount("rootfs", srcConf.get("rootfs"));
    SimStorage srcStore = s.storage(node, srcRoot.storage());
    if (!full && (!src.isTemplate() || !srcStore.supportsLinkedClone())) {
      throw ApiException.fail(
          "Linked clone feature for '" + srcRoot.volume() + "' is not available");
    }
    if (full && src.running() && snapname == null) {
      throw ApiException.fail("Full clone of a running container is only possible from a snapshot");
    }
    SimStorage target = full && c.has("storage") ? s.storage(node, c.str("storage")) : srcStore;

    // sync part: lock the source, write the target config with lock 'create'
    src.setLock("disk");
    Guest g = new Guest(newid, node.name, "lxc");
    Map<String, String> conf = new LinkedHashMap<>();
    srcConf.forEach(
        (k, v) -> {
          if (!NOT_CLONED.contains(k) && !k.matches("(mp|unused)\\d+")) {
            conf.put(k, k.matches("net\\d+") ? PropertyStrings.withNewMac(v, s.newMac()) : v);
          }
        });
    if (c.has("hostname")) {
      conf.put("hostname", c.str("hostname"));
    }
    if (c.has("description")) {
      conf.put("description", normalize("description", c.str("description")));
    }
    conf.put("lock", "create");
    g.config = conf;
    s.addGuest(g);
    g.sample(s.now());
    // clone_vmfw_conf: the source's <vmid>.fw is copied before the worker starts
    SimFirewall srcFw = s.firewalls.get(src.vmid);
    if (srcFw == null) {
      s.firewalls.remove(newid);
    } else {
      s.firewalls.put(newid, srcFw.copy());
    }

    Task t = s.startTask(node.name, "vzclone", Integer.toString(src.vmid), c.authId());
    s.journal(node.name, newid, "clone", t.upid, c);
    String prefix = "clone failed: ";
    long size = srcRoot.sizeBytes();
    String volname =
        full
            ? target.freeVolname(target.type.equals("dir") ? "vm" : "subvol", newid)
            : srcRoot.volname() + "/" + srcStore.freeVolname("subvol", newid);
    Runnable cleanup =
        () -> {
          s.removeGuest(g);
          if (src.lock() != null && src.lock().equals("disk")) {
            src.setLock(null);
          }
        };
    t.log(
        "create "
            + (full ? "full" : "linked")
            + " clone of mountpoint rootfs ("
            + srcRoot.volume()
            + ")");
    s.after(
        Duration.ZERO,
        () -> {
          if (!target.supports("rootdir")) {
            cleanup.run();
            s.taskFail(
                t,
                prefix
                    + "content type 'rootdir' is not available or configured on storage '"
                    + target.id
                    + "'");
            return;
          }
          s.acquireStorageLock(
              target,
              t,
              prefix,
              cleanup,
              () ->
                  s.taskStep(
                      t,
                      s.timing().storageAllocation(),
                      prefix,
                      () -> {
                        s.releaseStorageLock(target);
                        cleanup.run();
                      },
                      () -> {
                        long allocated = full ? size : 0;
                        if (allocated > target.avail()) {
                          throw ApiException.fail(outOfSpace(target, volname));
                        }
                        target.volumes.put(
                            volname,
                            new SimStorage.Volume(
                                volname,
                                allocated,
                                newid,
                                "rootdir",
                                target.type.equals("dir") ? "raw" : "subvol"));
                        s.releaseStorageLock(target);
                        Duration copy =
                            full
                                ? Duration.ofNanos(
                                    (long)
                                        (s.timing().fullClonePerGiB().toNanos()
                                            * (size / (double) GIB)))
                                : s.timing().linkedClone();
                        s.taskStep(
                            t,
                            copy,
                            prefix,
                            cleanup,
                            () -> {
                              if (injected(t)) {
                                throw ApiException.fail(
                                    "command 'rsync --stats -X -A --numeric-ids -aH --whole-file --sparse "
                                        + "--one-file-system' failed: exit code 23 (injected fault)");
                              }
                              conf.put(
                                  "rootfs",
                                  new PropertyStrings.Mount(
                                          target.id + ":" + volname, srcRoot.options())
                                      .withSize(size)
                                      .print());
                              src.setLock(null);
                              g.setLock(null);
                              addToPool(g, pool);
                              g.sample(s.now());
                              s.taskOk(t);
                            });
                      }));
        });
    return t.upid;
  }

  // ---- config ----

  Map<String, Object> configJson(Guest g, Map<String, String> conf) {
    Map<String, Object> out = new LinkedHashMap<>();
    new java.util.TreeMap<>(conf)
        .forEach(
            (k, v) -> {
              if (k.equals("description")) {
                out.put(k, v + "\n");
              } else if (Guest.NUMERIC_KEYS.contains(k) && v.matches("-?\\d+")) {
                out.put(k, Long.parseLong(v));
              } else {
                out.put(k, v);
              }
            });
    out.put("digest", g.digest());
    return out;
  }

  Map<String, Object> getConfig(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    if (c.has("snapshot")) {
      Guest.Snapshot snap = g.snapshots.get(c.str("snapshot"));
      if (snap == null) {
        throw ApiException.fail("snapshot '" + c.str("snapshot") + "' does not exist");
      }
      return configJson(g, snap.config());
    }
    return configJson(g, g.config);
  }

  void updateConfig(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    Map<String, String> set = new LinkedHashMap<>();
    c.params()
        .forEach(
            (k, v) -> {
              if (!Set.of("node", "vmid", "digest", "delete", "revert").contains(k)) {
                set.put(k, v);
              }
            });
    List<String> delete = c.has("delete") ? PropertyStrings.splitList(c.str("delete")) : List.of();
    if (set.isEmpty() && delete.isEmpty() && !c.has("revert")) {
      throw ApiException.fail("no options specified");
    }
    ClusterState.requireConfigFlock(g);
    ClusterState.checkLock(g);
    if (c.has("digest") && !c.str("digest").equals(g.digest())) {
      throw ApiException.fail(
          "detected modified configuration - file changed by other user? Try again.");
    }
    for (String k : delete) {
      if (!ApiRoutes.LXC_CONFIG.knows(k) || k.equals("node") || k.equals("vmid")) {
        throw ApiException.param("delete", "unknown option '" + k + "'");
      }
      if (set.containsKey(k)) {
        throw ApiException.param(
            k, "you can't use '-" + k + "' and -delete " + k + "' at the same time");
      }
      if (REQUIRED_KEYS.contains(k)) {
        throw ApiException.fail("unable to delete required option '" + k + "'");
      }
      if (READ_ONLY.contains(k)) {
        throw ApiException.fail("unable to delete read-only option: '" + k + "'");
      }
    }
    Map<String, String> next = new LinkedHashMap<>(g.config);
    for (Map.Entry<String, String> e : set.entrySet()) {
      String k = e.getKey();
      if (READ_ONLY.contains(k)) {
        throw ApiException.fail("unable to modify read-only option: '" + k + "'");
      }
      if (k.equals("rootfs") || k.matches("mp\\d+")) {
        PropertyStrings.Mount m = PropertyStrings.parseMount(k, e.getValue());
        String current = g.config.get(k);
        if (current == null
            || !PropertyStrings.parseMount(k, current).volume().equals(m.volume())) {
          throw ApiException.fail(
              "the simulator cannot attach or replace volumes via config; use resize for size");
        }
        if ("1".equals(g.config.get("protection"))) {
          throw ApiException.fail(
              "can't update CT " + g.vmid + " drive '" + k + "' - protection mode enabled");
        }
      }
      next.put(k, normalize(k, e.getValue()));
    }
    for (String k : delete) {
      next.remove(k);
    }
    if (next.get("tags") != null && next.get("tags").isEmpty()) {
      next.remove("tags");
    }
    g.config = next;
    g.sample(s.now());
    s.journal(g.node, g.vmid, "config", null, c);
  }

  // ---- power ----

  Map<String, Object> statusCurrent(Call c, Views views) {
    Guest g = s.lxc(c.node(), c.vmid());
    Map<String, Object> m = views.lxcEntry(g, false);
    m.put("ha", Map.of("managed", 0));
    return m;
  }

  /** Starts a vzstart task; also used by create/rollback with start=1. */
  String startTask(Guest g, Call c) {
    Task t = s.startTask(g.node, "vzstart", Integer.toString(g.vmid), c.authId());
    s.journal(g.node, g.vmid, "start", t.upid, c);
    s.taskStep(
        t,
        Duration.ZERO,
        "",
        null,
        () ->
            s.withConfigFlock(
                g,
                t,
                "",
                null,
                () -> {
                  if (g.isTemplate()) {
                    throw ApiException.fail("you can't start a CT if it's a template");
                  }
                  if (g.lock() != null && !g.lock().equals("mounted")) {
                    throw ApiException.fail("CT is locked (" + g.lock() + ")");
                  }
                  s.taskStep(
                      t,
                      s.timing().start(),
                      "",
                      null,
                      () -> {
                        if (s.guests.get(g.vmid) != g) {
                          throw ApiException.fail(
                              "Configuration file 'nodes/"
                                  + g.node
                                  + "/lxc/"
                                  + g.vmid
                                  + ".conf' does not exist");
                        }
                        if (g.running()) {
                          throw ApiException.fail("CT " + g.vmid + " already running");
                        }
                        if (injected(t)) {
                          throw ApiException.fail(
                              "startup for container '" + g.vmid + "' failed (injected fault)");
                        }
                        g.status = "running";
                        g.startedAtMillis = s.now();
                        g.sample(s.now());
                        s.taskOk(t);
                      });
                }));
    return t.upid;
  }

  String start(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    if (c.has("skiplock")) {
      throw ApiException.param("skiplock", "Only root may use this option.");
    }
    if (g.running()) {
      throw ApiException.fail("CT " + g.vmid + " already running");
    }
    return startTask(g, c);
  }

  String stop(Call c, boolean shutdown) {
    Guest g = s.lxc(c.node(), c.vmid());
    if (c.has("skiplock")) {
      throw ApiException.param("skiplock", "Only root may use this option.");
    }
    if (!g.running()) {
      throw ApiException.fail("CT " + g.vmid + " not running");
    }
    Task t =
        s.startTask(
            g.node, shutdown ? "vzshutdown" : "vzstop", Integer.toString(g.vmid), c.authId());
    s.journal(g.node, g.vmid, shutdown ? "shutdown" : "stop", t.upid, c);
    Duration d = shutdown ? s.timing().shutdown() : s.timing().stop();
    boolean fails = false;
    if (shutdown) {
      long timeoutSec = c.longValue("timeout", 60);
      if (Duration.ofSeconds(timeoutSec).compareTo(d) < 0) {
        if (c.bool("forceStop")) {
          d = Duration.ofSeconds(timeoutSec).plus(s.timing().stop());
        } else {
          d = Duration.ofSeconds(timeoutSec);
          fails = true;
        }
      }
    }
    boolean timesOut = fails;
    Duration wait = d;
    s.taskStep(
        t,
        Duration.ZERO,
        "",
        null,
        () ->
            s.withConfigFlock(
                g,
                t,
                "",
                null,
                () -> {
                  if (g.lock() != null && !g.lock().equals("mounted")) {
                    throw ApiException.fail("CT is locked (" + g.lock() + ")");
                  }
                  s.taskStep(
                      t,
                      wait,
                      "",
                      null,
                      () -> {
                        if (timesOut) {
                          throw ApiException.fail("container did not stop");
                        }
                        if (injected(t)) {
                          throw ApiException.fail(
                              "command 'lxc-stop -n "
                                  + g.vmid
                                  + "' failed: exit code 1 (injected fault)");
                        }
                        if (!g.running()) {
                          throw ApiException.fail("CT " + g.vmid + " not running");
                        }
                        g.status = "stopped";
                        g.sample(s.now());
                        s.taskOk(t);
                      });
                }));
    return t.upid;
  }

  // ---- destroy ----

  String destroy(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    if ("1".equals(g.config.get("protection"))) {
      throw ApiException.fail("can't remove CT " + g.vmid + " - protection mode enabled");
    }
    // early checks run without the flock; the worker then holds it for the whole destroy
    ClusterState.checkLock(g);
    boolean force = c.bool("force");
    if (g.running() && !force) {
      throw ApiException.fail("unable to destroy CT " + g.vmid + " - container is running");
    }
    Map<String, String> original = g.config;
    Task t = s.startTask(g.node, "vzdestroy", Integer.toString(g.vmid), c.authId());
    s.journal(g.node, g.vmid, "destroy", t.upid, c);
    Duration stopFirst = g.running() ? s.timing().stop() : Duration.ZERO;
    g.config = new LinkedHashMap<>(Map.of("lock", "destroyed"));
    g.flockHolder = t;
    Runnable restore =
        () -> {
          if (s.guests.get(g.vmid) == g) {
            g.config = original;
          }
        };
    s.taskStep(
        t,
        stopFirst,
        "",
        restore,
        () -> {
          if (g.running()) {
            g.status = "stopped";
            g.sample(s.now());
          }
          s.taskStep(
              t,
              s.timing().destroy(),
              "",
              restore,
              () -> {
                String rootfs = original.get("rootfs");
                if (rootfs != null && "1".equals(original.get("template"))) {
                  String base = PropertyStrings.parseMount("rootfs", rootfs).volname();
                  for (Guest other : s.guests.values()) {
                    String r = other == g ? null : other.config.get("rootfs");
                    if (r != null
                        && PropertyStrings.parseMount("rootfs", r)
                            .volname()
                            .startsWith(base + "/")) {
                      throw ApiException.fail(
                          "base volume '" + base + "' is still in use by linked clones");
                    }
                  }
                }
                if (injected(t)) {
                  throw ApiException.fail(
                      "zfs error: cannot destroy dataset: dataset is busy (injected fault)");
                }
                s.removeGuest(g);
                s.taskOk(t);
              });
        });
    return t.upid;
  }

  // ---- template ----

  void template(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    ClusterState.requireConfigFlock(g);
    ClusterState.checkLock(g);
    if (!g.snapshots.isEmpty()) {
      throw ApiException.fail("unable to create template, because CT contains snapshots");
    }
    if (g.isTemplate()) {
      throw ApiException.fail("you can't convert a template to a template");
    }
    if (g.running()) {
      throw ApiException.fail("you can't convert a CT to template if the CT is running");
    }
    Task t = s.startTask(g.node, "vztemplate", Integer.toString(g.vmid), c.authId());
    s.taskStep(
        t,
        s.timing().template(),
        "",
        null,
        () -> {
          if (s.guests.get(g.vmid) != g) {
            throw ApiException.fail(
                "Configuration file 'nodes/" + g.node + "/lxc/" + g.vmid + ".conf' does not exist");
          }
          String rootfs = g.config.get("rootfs");
          if (rootfs != null) {
            PropertyStrings.Mount m = PropertyStrings.parseMount("rootfs", rootfs);
            SimStorage st = s.nodes.get(g.node).storages.get(m.storage());
            String oldName = m.volname();
            int slash = oldName.lastIndexOf('/');
            String last = oldName.substring(slash + 1);
            String renamed =
                last.startsWith("subvol-")
                    ? "basevol-" + last.substring(7)
                    : last.startsWith("vm-") ? "base-" + last.substring(3) : last;
            String newName = (slash < 0 ? "" : oldName.substring(0, slash + 1)) + renamed;
            if (st != null) {
              SimStorage.Volume v = st.volumes.remove(oldName);
              if (v != null) {
                st.volumes.put(
                    newName,
                    new SimStorage.Volume(newName, v.size(), v.vmid(), v.content(), v.format()));
              }
            }
            g.config.put("rootfs", m.withVolume(m.storage() + ":" + newName).print());
          }
          g.config.put("template", "1");
          g.sample(s.now());
          s.taskOk(t);
        });
  }

  // ---- resize ----

  String resize(Call c) {
    Guest g = s.lxc(c.node(), c.vmid());
    ClusterState.requireConfigFlock(g);
    ClusterState.checkLock(g);
    if (c.has("digest") && !c.str("digest").equals(g.digest())) {
      throw ApiException.fail(
          "detected modified configuration - file changed by other user? Try again.");
    }
    String disk = c.str("disk");
    String current = g.config.get(disk);
    if (current == null) {
      throw ApiException.fail("disk '" + disk + "' does not exist");
    }
    PropertyStrings.Mount m = PropertyStrings.parseMount(disk, current);
    String sizeParam = c.str("size");
    boolean grow = sizeParam.startsWith("+");
    long value = PropertyStrings.parseSize(grow ? sizeParam.substring(1) : sizeParam);
    long oldSize = m.sizeBytes();
    long newSize = grow ? oldSize + value : value;
    if (newSize < oldSize) {
      throw ApiException.fail("unable to shrink disk size");
    }
    if (newSize == oldSize) {
      throw ApiException.fail("disk is already at specified size");
    }
    Task t = s.startTask(g.node, "resize", Integer.toString(g.vmid), c.authId());
    s.journal(g.node, g.vmid, "resize", t.upid, c);
    g.flockHolder = t;
    SimStorage st = s.nodes.get(g.node).storages.get(m.storage());
    s.taskStep(
        t,
        s.timing().resize(),
        "",
        null,
        () -> {
          String now = g.config.get(disk);
          if (now == null || !PropertyStrings.parseMount(disk, now).volume().equals(m.volume())) {
            throw ApiException.fail("disk '" + disk + "' changed during resize");
          }
          SimStorage.Volume v = st == null ? null : st.volumes.get(m.volname());
          if (st != null && newSize - oldSize > st.avail()) {
            throw ApiException.fail(
                st.type.equals("zfspool")
                    ? "zfs error: cannot set property for 'rpool/"
                        + st.id
                        + "/"
                        + m.volname()
                        + "': size is greater than available space"
                    : outOfSpace(st, m.volname()));
          }
          if (injected(t)) {
            throw ApiException.fail(
                "zfs error: cannot set property for 'rpool/"
                    + m.volname()
                    + "': dataset is busy (injected fault)");
          }
          if (v != null && v.size() > 0) {
            st.volumes.put(
                v.volname(),
                new SimStorage.Volume(v.volname(), newSize, v.vmid(), v.content(), v.format()));
          }
          g.config.put(disk, PropertyStrings.parseMount(disk, now).withSize(newSize).print());
          g.sample(s.now());
          s.taskOk(t);
        });
    return t.upid;
  }
}
