package io.cloudpods.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;

/**
 * {@code POST /nodes/{node}/vzdump} as pve-manager's {@code API2/VZDump.pm}, {@code VZDump.pm} and
 * pve-container's {@code VZDump/LXC.pm} run it: guests on other nodes are skipped (and a call that
 * selects none of this node's guests answers {@code OK} without a task), one job per node holds the
 * global lock {@code /var/run/vzdump.lock} (later jobs wait up to {@code lockwait} minutes), guests
 * are backed up one after the other under lock {@code backup} in snapshot, suspend or stop mode,
 * the archive appears as storage content named in node local time and storing the guest's config,
 * and the guest's backups on the storage are pruned afterwards by {@link PruneSelection}.
 */
final class BackupOps {
  static final String LOCKFILE = "/var/run/vzdump.lock";
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss");
  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** {@code $lockwait} default of {@code VZDump.pm}: 180 minutes. */
  private static final int DEFAULT_LOCKWAIT_MINUTES = 180;

  private final ClusterState s;
  private final AccessControl acl;

  BackupOps(ClusterState state, AccessControl acl) {
    this.s = state;
    this.acl = acl;
  }

  /** The UPID of the new task, or {@code OK} when none of the selected guests lives here. */
  String vzdump(Call c) {
    SimNode node = s.node(c.node());
    // PVE::VZDump::get_included_guests: vmid list, pool, or all (minus exclude), per node
    Set<Integer> selected = new TreeSet<>();
    boolean all = c.bool("all");
    if (all) {
      selected.addAll(s.guests.keySet());
    }
    if (c.has("vmid")) {
      for (String id : PropertyStrings.splitList(c.str("vmid"))) {
        selected.add(Integer.parseInt(id));
      }
    }
    if (c.has("pool")) {
      Pool p = s.pools.get(c.str("pool"));
      if (p == null) {
        throw ApiException.fail("pool '" + c.str("pool") + "' does not exist");
      }
      selected.addAll(p.vms);
    }
    if (c.has("exclude")) {
      for (String id : PropertyStrings.splitList(c.str("exclude"))) {
        selected.remove(Integer.parseInt(id));
      }
    }
    List<Integer> local = new ArrayList<>();
    List<Integer> skipped = new ArrayList<>();
    for (int id : selected) {
      Guest g = s.guests.get(id);
      if (g == null || g.node.equals(node.name)) {
        // guests that do not exist are backed up here and fail visibly
        local.add(id);
      } else {
        skipped.add(id);
      }
    }
    // "silent exit if specified VMs run on other nodes"
    if (local.isEmpty() && !all) {
      return "OK";
    }
    // the storage is only looked at once there is something to back up here (VZDump->new)
    String sid = c.str("storage", "local");
    SimStorage st = s.storage(node, sid);
    if (!st.supports("backup")) {
      throw ApiException.fail("storage '" + sid + "' does not support backups");
    }
    Map<String, Integer> keep =
        c.has("prune-backups")
            ? PruneSelection.parse(c.str("prune-backups"))
            : st.pruneBackups != null
                ? PruneSelection.parse(st.pruneBackups)
                : Map.of("keep-all", 1);
    String id = local.size() == 1 ? Integer.toString(local.get(0)) : "";
    Task t = s.startTask(node.name, "vzdump", id, c.authId());
    Job job =
        new Job(
            t,
            node,
            st,
            local,
            skipped,
            all,
            keep,
            c.bool("remove", true),
            c.str("compress", "0"),
            c.str("notes-template"),
            c.bool("protected"),
            c.str("mode", "snapshot"),
            commandLine(c, local));
    int lockwait = c.integer("lockwait", DEFAULT_LOCKWAIT_MINUTES);
    s.after(
        Duration.ZERO,
        () -> acquireGlobalLock(job, lockwait == 0 ? DEFAULT_LOCKWAIT_MINUTES : lockwait));
    return t.upid;
  }

  /** {@code PVE::VZDump::Common::command_line}: {@code vzdump <ids> --key value ...}. */
  private static String commandLine(Call c, List<Integer> local) {
    StringBuilder sb = new StringBuilder("vzdump");
    if (c.has("vmid")) {
      for (String v : PropertyStrings.splitList(c.str("vmid"))) {
        sb.append(' ').append(v);
      }
    }
    for (Map.Entry<String, String> e : c.params().entrySet()) {
      if (!e.getKey().equals("vmid") && !e.getKey().equals("stdout")) {
        sb.append(" --").append(e.getKey()).append(' ').append(e.getValue());
      }
    }
    return sb.toString();
  }

  private record Job(
      Task task,
      SimNode node,
      SimStorage storage,
      List<Integer> vmids,
      List<Integer> skipped,
      boolean all,
      Map<String, Integer> keep,
      boolean remove,
      String compress,
      String notesTemplate,
      boolean isProtected,
      String mode,
      String cmdline) {}

  /** {@code VZDump::getlock}: one job per node; others wait for the flock, up to lockwait. */
  private void acquireGlobalLock(Job job, int lockwaitMinutes) {
    SimNode node = job.node;
    if (node.vzdumpRunning == null) {
      begin(job);
      return;
    }
    job.task.log("INFO: trying to get global lock - waiting...");
    Runnable[] waiter = new Runnable[1];
    ScheduledFuture<?> timeout =
        s.after(
            Duration.ofMinutes(lockwaitMinutes),
            () -> {
              if (node.vzdumpQueue.remove(waiter[0])) {
                job.task.log("ERROR: can't acquire lock '" + LOCKFILE + "' - got timeout");
                // the worker exits without a TASK line: Proxmox reads "unexpected status"
                s.taskFail(job.task, "unexpected status");
              }
            });
    waiter[0] =
        () -> {
          timeout.cancel(false);
          job.task.log("INFO: got global lock");
          begin(job);
        };
    node.vzdumpQueue.addLast(waiter[0]);
  }

  private void releaseGlobalLock(SimNode node) {
    node.vzdumpRunning = null;
    Runnable waiting = node.vzdumpQueue.pollFirst();
    if (waiting != null) {
      waiting.run();
    }
  }

  private void begin(Job job) {
    job.node.vzdumpRunning = job.task;
    Task t = job.task;
    t.log("INFO: starting new backup job: " + job.cmdline);
    if (!job.skipped.isEmpty()) {
      t.log(
          "INFO: skip external VMs: "
              + String.join(", ", job.skipped.stream().map(String::valueOf).toList()));
    }
    // exec_backup: VM.Backup on each existing guest; with 'all' the others are left out silently
    String who = t.authId;
    List<Integer> todo = new ArrayList<>();
    for (int vmid : job.vmids) {
      if (s.guests.containsKey(vmid)
          && !acl.superuser(who)
          && !acl.has(who, "/vms/" + vmid, "VM.Backup")) {
        if (job.all) {
          continue;
        }
        String msg = "Permission check failed (/vms/" + vmid + ", VM.Backup)";
        acl.recordDenial("vzdump task " + t.upid + ": " + msg);
        s.taskFail(t, msg);
        releaseGlobalLock(job.node);
        return;
      }
      todo.add(vmid);
    }
    next(job, todo, 0, 0);
  }

  private void next(Job job, List<Integer> todo, int index, int errors) {
    Task t = job.task;
    if (index >= todo.size()) {
      if (errors > 0) {
        t.log("INFO: Backup job finished with errors");
        s.taskFail(t, "job errors");
      } else {
        t.log("INFO: Backup job finished successfully");
        s.taskOk(t);
      }
      releaseGlobalLock(job.node);
      return;
    }
    new GuestBackup(job, todo.get(index), ok -> next(job, todo, index + 1, errors + (ok ? 0 : 1)))
        .run();
  }

  /** The time as Proxmox's {@code localtime} renders it on this node. */
  private String localTime(SimNode node, long epochSecond, DateTimeFormatter f) {
    return f.format(Instant.ofEpochSecond(epochSecond).atZone(node.zone));
  }

  /** {@code VZDump.pm format_size}. */
  static String formatSize(long size) {
    double kb = size / 1024.0;
    if (kb < 1024) {
      return (long) kb + "KB";
    }
    double mb = size / (1024.0 * 1024);
    if (mb < 1024) {
      return (long) mb + "MB";
    }
    double gb = mb / 1024;
    if (gb < 1024) {
      return String.format(java.util.Locale.ROOT, "%.2fGB", gb);
    }
    return String.format(java.util.Locale.ROOT, "%.2fTB", gb / 1024);
  }

  private static String hms(long seconds) {
    return String.format(
        java.util.Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }

  /** One guest of a job: {@code exec_backup_task} with the LXC plugin's steps. */
  private final class GuestBackup {
    private final Job job;
    private final int vmid;
    private final java.util.function.Consumer<Boolean> done;
    private final Task t;
    private Guest g;
    private long startedAt;
    private long backupTime;
    private boolean locked;
    private boolean snapshotTaken;
    private boolean resume;
    private boolean restart;
    private Long stoppedAt;
    private String volname;
    private String mode;

    GuestBackup(Job job, int vmid, java.util.function.Consumer<Boolean> done) {
      this.job = job;
      this.vmid = vmid;
      this.done = done;
      this.t = job.task;
    }

    void run() {
      startedAt = s.now();
      backupTime = startedAt / 1000;
      g = s.guests.get(vmid);
      try {
        if (g == null || !g.node.equals(job.node.name)) {
          throw ApiException.fail("unable to find VM '" + vmid + "'");
        }
        checkLimits();
        t.log("INFO: Starting Backup of VM " + vmid + " (" + g.type + ")");
        t.log("INFO: Backup started at " + localTime(job.node, backupTime, LOG_TIME));
        boolean running = g.running();
        t.log("INFO: status = " + (running ? "running" : "stopped"));
        // lock_vm: set_lock runs check_lock first
        ClusterState.checkLock(g);
        g.setLock("backup");
        locked = true;
        mode = running ? job.mode : "stop";
        if (mode.equals("snapshot")) {
          prepareLog();
          if (!snapshotCapable()) {
            t.log("INFO: mode failure - some volumes do not support snapshots");
            t.log("INFO: trying 'suspend' mode instead");
            mode = "suspend";
          }
        }
        t.log("INFO: backup mode: " + mode);
        t.log("INFO: ionice priority: 7");
        if (!mode.equals("snapshot")) {
          prepareLog();
        }
      } catch (ApiException e) {
        fail(e.getMessage());
        return;
      }
      Duration archive = archiveDuration();
      switch (mode) {
        case "stop" -> {
          Duration stop = Duration.ZERO;
          if (g.running()) {
            t.log("INFO: stopping virtual guest");
            stop = s.timing().stop();
          }
          s.after(
              stop,
              () -> {
                if (g.running()) {
                  g.status = "stopped";
                  g.sample(s.now());
                  stoppedAt = s.now();
                  restart = true;
                }
                s.after(archive, this::archive);
              });
        }
        case "suspend" -> {
          String dir = "/var/tmp/vzdumptmp" + t.pid + "_" + vmid + "/";
          t.log("INFO: starting first sync /proc/" + (1000 + vmid) + "/root/ to " + dir);
          s.after(
              archive.multipliedBy(6).dividedBy(10),
              () -> {
                t.log(
                    "INFO: first sync finished - transferred "
                        + formatSize(g.diskUsedBytes())
                        + " bytes in "
                        + Math.max(1, archive.multipliedBy(6).dividedBy(10).toSeconds())
                        + "s");
                t.log("INFO: suspending guest");
                g.frozen = true;
                stoppedAt = s.now();
                resume = true;
                t.log("INFO: starting final sync /proc/" + (1000 + vmid) + "/root/ to " + dir);
                s.after(
                    archive.dividedBy(10),
                    () -> {
                      t.log("INFO: final sync finished - transferred 0 bytes in 1s");
                      t.log("INFO: resuming guest");
                      thaw();
                      s.after(archive.multipliedBy(3).dividedBy(10), this::archive);
                    });
              });
        }
        default -> {
          t.log("INFO: create storage snapshot 'vzdump'");
          Map<String, String> conf = new LinkedHashMap<>(g.config);
          conf.remove("lock");
          conf.remove("parent");
          conf.put("snapdescription", "vzdump backup snapshot");
          g.snapshots.put(
              "vzdump",
              new Guest.Snapshot(
                  "vzdump", "vzdump backup snapshot", s.now() / 1000, g.parentSnapshot, conf));
          g.parentSnapshot = "vzdump";
          snapshotTaken = true;
          s.after(archive, this::archive);
        }
      }
    }

    /** {@code exec_backup_task} before the backup: remove=0 limits and max-protected-backups. */
    private void checkLimits() {
      int limit = 0;
      if (job.keep.getOrDefault("keep-all", 0) == 0) {
        for (int v : job.keep.values()) {
          limit += v;
        }
      }
      if ((limit > 0 && !job.remove) || job.isProtected) {
        int count = 0;
        int protectedCount = 0;
        for (SimStorage.Backup b : job.storage.backups) {
          if (b.vmid() == vmid && b.type().equals(g.type)) {
            if (b.isProtected()) {
              protectedCount++;
            } else {
              count++;
            }
          }
        }
        if (job.isProtected) {
          int max = maxProtected(job.storage, t.authId);
          if (max > -1 && protectedCount >= max) {
            throw ApiException.fail(
                "The number of protected backups per guest is limited to "
                    + max
                    + " on storage '"
                    + job.storage.id
                    + "'");
          }
        } else if (count >= limit) {
          throw ApiException.fail(
              "There is a max backup limit of "
                  + limit
                  + " enforced by the target storage or the vzdump parameters. Either increase"
                  + " the limit or delete old backups.");
        }
      }
    }

    private void prepareLog() {
      if (g.config.containsKey("hostname")) {
        t.log("INFO: CT Name: " + g.config.get("hostname"));
      }
      t.log("INFO: including mount point rootfs ('/') in backup");
    }

    /** {@code has_feature('snapshot', ...)} over the volumes that are backed up. */
    private boolean snapshotCapable() {
      String rootfs = g.config.get("rootfs");
      if (rootfs == null) {
        return false;
      }
      PropertyStrings.Mount m = PropertyStrings.parseMount("rootfs", rootfs);
      SimStorage st = m.storage() == null ? null : job.node.storages.get(m.storage());
      return st != null && st.supportsSnapshots();
    }

    private Duration archiveDuration() {
      double gib = g.rootfsBytes() / (double) (1L << 30);
      return Duration.ofNanos((long) (s.timing().vzdumpPerGiB().toNanos() * gib));
    }

    private void thaw() {
      if (resume) {
        g.frozen = false;
        resume = false;
        onlineAgain();
      }
    }

    private void onlineAgain() {
      if (stoppedAt != null) {
        long delay = (s.now() - stoppedAt) / 1000;
        t.log("INFO: guest is online again after " + (delay < 1 ? "<1" : delay) + " seconds");
        stoppedAt = null;
      }
    }

    private String format() {
      return switch (job.compress) {
        case "gzip", "1" -> "tar.gz";
        case "lzo" -> "tar.lzo";
        case "zstd" -> "tar.zst";
        default -> "tar";
      };
    }

    private void archive() {
      if (s.guests.get(vmid) != g) {
        fail("unable to find VM '" + vmid + "'");
        return;
      }
      String format = format();
      long ctime = backupTime;
      do {
        volname =
            "backup/vzdump-"
                + g.type
                + "-"
                + vmid
                + "-"
                + localTime(job.node, ctime, FILE_TIME)
                + "."
                + format;
        ctime++;
      } while (job.storage.backup(volname) != null);
      // Proxmox lists a backup with the time read back from its name (archive_info's timelocal),
      // which in the hour a DST change repeats is the earlier of the two instants
      ctime = nameTime(volname, job.node.zone, ctime - 1);
      String path = job.storage.path + "/dump/" + volname.substring("backup/".length());
      t.log("INFO: creating vzdump archive '" + path + "'");
      long size =
          Math.max(1L << 20, (long) (g.diskUsedBytes() * (format.equals("tar") ? 1.0 : 0.45)));
      String injected = s.takeBackupFault(vmid);
      if (injected == null && t.injectedFailure) {
        t.injectedFailure = false;
        injected = "command 'tar cpf - ...' failed: exit code 2 (injected fault)";
      }
      if (injected != null) {
        fail(injected);
        return;
      }
      if (size > job.storage.avail()) {
        t.log("INFO: tar: -: Wrote only 4096 of 10240 bytes");
        t.log("INFO: tar: Error is not recoverable: exiting now");
        fail(
            "command 'set -o pipefail && lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536"
                + " -- tar cpf - --totals --one-file-system -p --sparse --numeric-owner --acls"
                + " --xattrs ./ | zstd --threads=1 >"
                + path.replaceAll("\\.tar(\\.\\w+)?$", ".tar.dat")
                + "' failed: exit code 2");
        return;
      }
      long used = g.diskUsedBytes();
      long secs = Math.max(1, archiveDuration().toSeconds());
      t.log(
          "INFO: Total bytes written: "
              + used
              + " ("
              + String.format(java.util.Locale.ROOT, "%.1fGiB", used / (double) (1L << 30))
              + ", "
              + (used >> 20) / secs
              + "MiB/s)");
      Map<String, String> archived = new LinkedHashMap<>(g.config);
      archived.remove("lock");
      archived.remove("parent");
      archived.remove("pending");
      job.storage.backups.add(
          new SimStorage.Backup(volname, size, ctime, vmid, null, false, format, g.type, archived));
      job.storage.backups.sort(Comparator.comparing(SimStorage.Backup::volname));
      t.log("INFO: archive file size: " + formatSize(size));
      SimStorage.Backup b = job.storage.backup(volname);
      if (job.notesTemplate != null && !job.notesTemplate.isEmpty()) {
        t.log("INFO: adding notes to backup");
        b.setNotes(notes(job.notesTemplate, g, job.node));
      }
      if (job.isProtected) {
        t.log("INFO: marking backup as protected");
        b.setProtected(true);
      }
      if (job.remove) {
        t.log("INFO: prune older backups with retention: " + PruneSelection.describe(job.keep));
        int pruned = 0;
        for (PruneSelection.Marked m : prune(job.storage, job.keep, vmid, g.type, job.node.zone)) {
          if (m.removed()) {
            t.log("INFO: removing backup '" + m.item().volid() + "'");
            job.storage.backups.remove(
                job.storage.backup(m.item().volid().substring(job.storage.id.length() + 1)));
            pruned++;
          }
        }
        t.log(
            "INFO: pruned "
                + pruned
                + " backup(s)"
                + (pruned > 0 ? " not covered by keep-retention policy" : ""));
      }
      cleanup();
      t.log("INFO: Finished Backup of VM " + vmid + " (" + hms((s.now() - startedAt) / 1000) + ")");
      t.log("INFO: Backup finished at " + localTime(job.node, s.now() / 1000, LOG_TIME));
      done.accept(true);
    }

    /** Unlock, drop the temporary snapshot, resume or restart, as the cleanup of VZDump.pm. */
    private void cleanup() {
      if (locked && "backup".equals(g.lock())) {
        g.setLock(null);
      }
      locked = false;
      if (snapshotTaken) {
        t.log("INFO: cleanup temporary 'vzdump' snapshot");
        Guest.Snapshot removed = g.snapshots.remove("vzdump");
        if (removed != null && "vzdump".equals(g.parentSnapshot)) {
          g.parentSnapshot = removed.parent();
        }
        snapshotTaken = false;
      }
      if (resume) {
        t.log("INFO: resume vm");
        thaw();
      } else if (restart && s.guests.get(vmid) == g) {
        restart = false;
        if (!g.running()) {
          t.log("INFO: restarting vm");
          g.status = "running";
          g.startedAtMillis = s.now();
          g.sample(s.now());
          onlineAgain();
        }
      }
    }

    private void fail(String message) {
      if (g != null && s.guests.get(vmid) == g) {
        cleanup();
      }
      t.log("ERROR: Backup of VM " + vmid + " failed - " + message.strip());
      t.log("INFO: Failed at " + localTime(job.node, s.now() / 1000, LOG_TIME));
      done.accept(false);
    }
  }

  /** {@code $generate_notes}: unescape {@code \\} and {@code \n}, then the four variables. */
  static String notes(String template, Guest g, SimNode node) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char ch = template.charAt(i);
      if (ch == '\\' && i + 1 < template.length()) {
        char n = template.charAt(++i);
        out.append(n == 'n' ? '\n' : n);
      } else {
        out.append(ch);
      }
    }
    String hostname = g.config.get("hostname");
    return out.toString()
        .replace("{{cluster}}", "cloudpods-sim")
        .replace("{{guestname}}", hostname == null ? "CT" + g.vmid : hostname)
        .replace("{{node}}", node.name)
        .replace("{{vmid}}", Integer.toString(g.vmid));
  }

  /**
   * {@code get_max_protected_backups}: the storage's setting, else 5 (-1 with Datastore.Allocate).
   */
  int maxProtected(SimStorage st, String authId) {
    if (st.maxProtectedBackups != null) {
      return st.maxProtectedBackups;
    }
    return acl.superuser(authId) || acl.has(authId, "/storage/" + st.id, "Datastore.Allocate")
        ? -1
        : 5;
  }

  /**
   * {@code Plugin.pm prune_backups} over one storage, optionally for one guest and type: the
   * listing in volid order with each backup's mark.
   */
  static List<PruneSelection.Marked> prune(
      SimStorage st, Map<String, Integer> keep, Integer vmid, String type, ZoneId zone) {
    List<PruneSelection.Item> items = new ArrayList<>();
    for (SimStorage.Backup b : st.backups) {
      if (vmid != null && b.vmid() != vmid) {
        continue;
      }
      if (type != null && !type.equals(b.type())) {
        continue;
      }
      items.add(
          new PruneSelection.Item(
              st.id + ":" + b.volname(),
              // Plugin.pm prune_backups takes the ctime from the name, in the node's zone now
              nameTime(b.volname(), zone, b.ctime()),
              b.type(),
              b.vmid(),
              standardName(b.volname()),
              b.isProtected()));
    }
    return PruneSelection.select(items, keep, zone);
  }

  private static final java.util.regex.Pattern NAME_TIME =
      java.util.regex.Pattern.compile(
          "-(\\d{4})_(\\d{2})_(\\d{2})-(\\d{2})_(\\d{2})_(\\d{2})\\.[^/]+$");

  /**
   * {@code archive_info}'s ctime: the time in a standard name read as local time of {@code zone}
   * ({@code timelocal}); {@code fallback} for other names.
   */
  static long nameTime(String volname, ZoneId zone, long fallback) {
    if (!standardName(volname)) {
      return fallback;
    }
    java.util.regex.Matcher m = NAME_TIME.matcher(volname);
    if (!m.find()) {
      return fallback;
    }
    try {
      return java.time.LocalDateTime.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              Integer.parseInt(m.group(6)))
          .atZone(zone)
          .toEpochSecond();
    } catch (java.time.DateTimeException e) {
      // timelocal dies on a date like 2024_13_45; Proxmox then has no ctime from the name
      return fallback;
    }
  }

  static boolean standardName(String volname) {
    return volname.matches(
        "backup/vzdump-(lxc|qemu|openvz)-[1-9][0-9]{2,8}-\\d{4}_\\d{2}_\\d{2}-\\d{2}_\\d{2}_\\d{2}"
            + "\\.(tar|vma)(\\.(gz|lzo|zst|bz2))?");
  }
}
