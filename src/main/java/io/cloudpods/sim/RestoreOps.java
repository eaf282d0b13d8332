package io.cloudpods.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /nodes/{node}/lxc} with {@code restore=1} (pve-container {@code API2/LXC.pm
 * create_vm}, {@code LXC/Create.pm}): task {@code vzrestore}. The config comes from the archive,
 * merged under the keys given in the call ({@code sanitize_and_merge_config}: never rootfs, mount
 * points, unused disks, snapshots, parent, template or unprivileged); the root filesystem is a new
 * volume of the archived size on {@code storage}. With {@code force=1} over an existing CT of this
 * node, the new volume is allocated, then the old volumes and snapshots are destroyed, then the
 * archive is extracted; if extraction fails the config is destroyed too.
 */
final class RestoreOps {
  private static final long GIB = 1L << 30;

  /** Parameters of the call that are not config keys. */
  private static final Set<String> NOT_CONFIG =
      Set.of(
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
          "debug",
          "unprivileged");

  /** Archived keys a restore never takes over. */
  private static final Set<String> NOT_RESTORED =
      Set.of("digest", "rootfs", "snapshots", "unprivileged", "parent", "template", "lock");

  private final ClusterState s;
  private final GuestOps guests;

  RestoreOps(ClusterState state, GuestOps guests) {
    this.s = state;
    this.guests = guests;
  }

  String restore(Call c) {
    SimNode node = s.node(c.node());
    int vmid = c.vmid();
    Guest existing = s.guests.get(vmid);
    boolean sameExists = existing != null && existing.node.equals(node.name);
    boolean force = c.bool("force");
    if (!(sameExists && force)) {
      s.checkVmidUnused(vmid);
    } else {
      if (existing.running()) {
        throw ApiException.fail("can't overwrite running container");
      }
      if ("1".equals(existing.config.get("protection"))) {
        throw ApiException.fail("unable to restore CT " + vmid + " - protection mode enabled");
      }
    }
    String pool = c.str("pool");
    guests.checkPool(pool);
    String archive = c.str("ostemplate");
    int colon = archive.indexOf(':');
    if (colon <= 0 || !archive.substring(0, colon).matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
      throw ApiException.fail("unable to parse volume ID '" + archive + "'");
    }
    SimStorage source = s.storage(node, archive.substring(0, colon));
    String archiveName = archive.substring(colon + 1);
    if (!archiveName.startsWith("backup/")) {
      throw ApiException.fail(
          "unable to use volume " + archive + " - content type needs to be 'backup'");
    }
    String storageId = c.str("storage", "local");
    Long rootfsSize = null;
    if (c.has("rootfs")) {
      PropertyStrings.Mount m = PropertyStrings.parseMount("rootfs", c.str("rootfs"));
      String size = m.volname();
      if (m.storage() == null || !size.matches("\\d+(\\.\\d+)?")) {
        throw ApiException.param(
            "rootfs", "the simulator only allocates new volumes: use STORAGE:SIZE_IN_GiB");
      }
      storageId = m.storage();
      rootfsSize = (long) Math.floor(Double.parseDouble(size) * GIB);
    }
    SimStorage target = s.storage(node, storageId);
    if (!target.supports("rootdir")) {
      throw ApiException.param(
          "storage", "storage '" + storageId + "' does not support container directories");
    }
    Map<String, String> given = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : c.params().entrySet()) {
      if (!NOT_CONFIG.contains(e.getKey())) {
        given.put(e.getKey(), guests.normalize(e.getKey(), e.getValue()));
      }
    }
    String unprivileged = c.str("unprivileged");

    // create_and_lock_config
    Guest g;
    Map<String, String> oldConfig;
    if (sameExists && force) {
      g = existing;
      oldConfig = new LinkedHashMap<>(g.config);
      g.setLock("create");
    } else {
      g = new Guest(vmid, node.name, "lxc");
      g.setLock("create");
      s.addGuest(g);
      g.sample(s.now());
      oldConfig = Map.of();
    }
    Task t = s.startTask(node.name, "vzrestore", Integer.toString(vmid), c.authId());
    s.journal(node.name, vmid, "restore", t.upid, c);
    String prefix = "unable to restore CT " + vmid + " - ";
    boolean[] destroyConfigOnError = {!sameExists};
    String[] newVolume = new String[1];
    Runnable cleanup =
        () -> {
          if (newVolume[0] != null) {
            target.volumes.remove(newVolume[0]);
          }
          if (destroyConfigOnError[0]) {
            s.removeGuest(g);
          } else if ("create".equals(g.lock())) {
            g.setLock(null);
          }
        };
    Long givenSize = rootfsSize;
    String storage = storageId;
    boolean unique = c.bool("unique");
    boolean start = c.bool("start");
    t.log("recovering backed-up configuration from '" + archive + "'");
    s.taskStep(
        t,
        java.time.Duration.ZERO,
        prefix,
        cleanup,
        () -> {
          SimStorage.Backup b = source.backup(archiveName);
          if (b == null) {
            throw ApiException.fail(
                "ERROR: file '"
                    + source.path
                    + "/dump/"
                    + archiveName.substring("backup/".length())
                    + "' does not exist");
          }
          Map<String, String> archived = b.config();
          String archivedRootfs = archived.get("rootfs");
          long size =
              givenSize != null
                  ? givenSize
                  : archivedRootfs == null
                      ? 0
                      : PropertyStrings.parseMount("rootfs", archivedRootfs).sizeBytes();
          if (size <= 0) {
            throw ApiException.fail("unable to detect disk size - please specify rootfs (size)");
          }
          String volname = target.freeVolname(target.type.equals("dir") ? "vm" : "subvol", vmid);
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
                        if (size > target.avail()) {
                          throw ApiException.fail(GuestOps.outOfSpace(target, volname));
                        }
                        target.volumes.put(
                            volname,
                            new SimStorage.Volume(
                                volname,
                                size,
                                vmid,
                                "rootdir",
                                target.type.equals("dir") ? "raw" : "subvol"));
                        newVolume[0] = volname;
                        s.releaseStorageLock(target);
                        destroyConfigOnError[0] = true;
                        if (!oldConfig.isEmpty()) {
                          destroyOldVolumes(g, oldConfig, node, volname, target);
                        }
                        t.log("restoring '" + archive + "' now..");
                        extract(
                            t,
                            prefix,
                            cleanup,
                            g,
                            archived,
                            given,
                            unprivileged,
                            b,
                            size,
                            storage,
                            volname,
                            unique,
                            start,
                            c,
                            archivedRootfs);
                      }));
        });
    return t.upid;
  }

  /** {@code destroy_lxc_container} on the old config: its volumes and snapshots go. */
  private void destroyOldVolumes(
      Guest g, Map<String, String> old, SimNode node, String keepVolname, SimStorage target) {
    for (Map.Entry<String, String> e : old.entrySet()) {
      if (!e.getKey().matches("rootfs|mp\\d+|unused\\d+")) {
        continue;
      }
      PropertyStrings.Mount m = PropertyStrings.parseMount(e.getKey(), e.getValue());
      SimStorage st = m.storage() == null ? null : node.storages.get(m.storage());
      if (st != null && !(st == target && m.volname().equals(keepVolname))) {
        st.volumes.remove(m.volname());
      }
    }
    g.snapshots.clear();
    g.parentSnapshot = null;
  }

  private void extract(
      Task t,
      String prefix,
      Runnable cleanup,
      Guest g,
      Map<String, String> archived,
      Map<String, String> given,
      String unprivileged,
      SimStorage.Backup b,
      long size,
      String storage,
      String volname,
      boolean unique,
      boolean start,
      Call c,
      String archivedRootfs) {
    s.taskStep(
        t,
        s.timing().create(),
        prefix,
        cleanup,
        () -> {
          if (t.injectedFailure) {
            throw ApiException.fail(
                "command 'lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- tar xpf - "
                    + "--zstd --totals --one-file-system -p --sparse --numeric-owner --acls"
                    + " --xattrs' failed: exit code 2 (injected fault)");
          }
          t.log("Total bytes read: " + b.size() * 2 + " (" + (b.size() * 2 >> 20) + "MiB)");
          t.log("merging backed-up and given configuration..");
          Map<String, String> conf = new LinkedHashMap<>(given);
          if (unprivileged != null) {
            conf.put("unprivileged", unprivileged);
          } else if (archived.containsKey("unprivileged")) {
            conf.put("unprivileged", archived.get("unprivileged"));
          }
          for (Map.Entry<String, String> e : archived.entrySet()) {
            String k = e.getKey();
            if (NOT_RESTORED.contains(k) || k.matches("(mp|unused)\\d+")) {
              continue;
            }
            if (unique && k.matches("net\\d+")) {
              conf.put(k, PropertyStrings.withNewMac(e.getValue(), s.newMac()));
              continue;
            }
            conf.putIfAbsent(k, e.getValue());
          }
          conf.putIfAbsent("hostname", "CT" + g.vmid);
          conf.putIfAbsent("memory", "512");
          conf.putIfAbsent("swap", "512");
          Map<String, String> options = new LinkedHashMap<>();
          if (archivedRootfs != null) {
            options.putAll(PropertyStrings.parseMount("rootfs", archivedRootfs).options());
          }
          conf.put(
              "rootfs",
              new PropertyStrings.Mount(storage + ":" + volname, options).withSize(size).print());
          g.config = new LinkedHashMap<>(conf);
          g.snapshots.clear();
          g.parentSnapshot = null;
          guests.addToPool(g, c.str("pool"));
          g.sample(s.now());
          s.taskOk(t);
          if (start) {
            guests.startTask(g, c);
          }
        });
  }
}
