package io.cloudpods.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /nodes/{node}/vzdump}: one job per node at a time (later jobs wait for the node's
 * global backup lock), guests backed up one after the other under lock {@code backup}, backup files
 * appear as storage content and are pruned by keep-last.
 */
final class BackupOps {
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss").withZone(ZoneOffset.UTC);

  private final ClusterState s;
  private final AccessControl acl;

  BackupOps(ClusterState state, AccessControl acl) {
    this.s = state;
    this.acl = acl;
  }

  String vzdump(Call c) {
    SimNode node = s.node(c.node());
    Set<Integer> selected = new LinkedHashSet<>();
    if (c.bool("all")) {
      for (Guest g : s.guestsOn(node.name)) {
        selected.add(g.vmid);
      }
    }
    if (c.has("vmid")) {
      for (String id : PropertyStrings.splitList(c.str("vmid"))) {
        if (!id.matches("\\d{1,9}")) {
          throw ApiException.param(
              "vmid", "invalid format - value does not look like a valid VM ID\n");
        }
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
        if (id.matches("\\d{1,9}")) {
          selected.remove(Integer.parseInt(id));
        }
      }
    }
    if (!c.bool("all") && !c.has("vmid") && !c.has("pool")) {
      throw ApiException.fail("no source VM specified");
    }
    String sid = c.str("storage", "local");
    SimStorage st = s.storage(node, sid);
    if (!st.supports("backup")) {
      throw ApiException.fail("storage '" + sid + "' does not support backups");
    }
    Integer keepLast = st.keepLast;
    if (c.has("prune-backups")) {
      keepLast = null;
      for (String part : c.str("prune-backups").split(",")) {
        if (part.startsWith("keep-last=")) {
          keepLast = Integer.parseInt(part.substring("keep-last=".length()));
        }
      }
    }
    boolean remove = c.bool("remove", true);
    List<Guest> local = new ArrayList<>();
    for (int id : selected) {
      Guest g = s.guests.get(id);
      if (g != null && g.node.equals(node.name)) {
        local.add(g);
      } else if (g == null && c.has("vmid") && selected.size() == 1) {
        throw ApiException.fail("unable to find VM " + id);
      }
    }
    String id = selected.size() == 1 ? Integer.toString(selected.iterator().next()) : "";
    Task t = s.startTask(node.name, "vzdump", id, c.authId());
    Job job =
        new Job(
            t,
            node,
            st,
            local,
            remove ? keepLast : null,
            c.str("compress", "0"),
            c.str("notes-template"),
            c.bool("protected"),
            c.str("mode", "snapshot"));
    s.after(
        Duration.ZERO,
        () -> {
          if (node.vzdumpRunning != null) {
            t.log("INFO: trying to get global lock - waiting...");
            node.vzdumpQueue.addLast(() -> begin(job));
          } else {
            begin(job);
          }
        });
    return t.upid;
  }

  private record Job(
      Task task,
      SimNode node,
      SimStorage storage,
      List<Guest> guests,
      Integer keepLast,
      String compress,
      String notesTemplate,
      boolean isProtected,
      String mode) {}

  /** Failed guests per running job. */
  private final java.util.Map<Task, int[]> errors = new java.util.HashMap<>();

  private void begin(Job job) {
    // VZDump.pm checks VM.Backup inside the worker: the task fails, the POST did not
    String who = job.task.authId;
    for (Guest g : job.guests) {
      if (!acl.superuser(who) && !acl.has(who, "/vms/" + g.vmid, "VM.Backup")) {
        String msg = "Permission check failed (/vms/" + g.vmid + ", VM.Backup)";
        acl.recordDenial("vzdump task " + job.task.upid + ": " + msg);
        s.taskFail(job.task, msg);
        Runnable waiting = job.node.vzdumpQueue.pollFirst();
        if (waiting != null) {
          waiting.run();
        }
        return;
      }
    }
    job.node.vzdumpRunning = job.task;
    errors.put(job.task, new int[1]);
    job.task.log(
        "INFO: starting new backup job: vzdump "
            + String.join(" ", job.guests.stream().map(g -> Integer.toString(g.vmid)).toList())
            + " --storage "
            + job.storage.id
            + " --mode "
            + job.mode);
    next(job, 0);
  }

  private void next(Job job, int index) {
    Task t = job.task;
    if (index >= job.guests.size()) {
      int failed = errors.remove(t)[0];
      if (failed > 0 || t.injectedFailure) {
        s.taskFail(t, "job errors");
      } else {
        t.log("INFO: Backup job finished successfully");
        s.taskOk(t);
      }
      job.node.vzdumpRunning = null;
      Runnable waiting = job.node.vzdumpQueue.pollFirst();
      if (waiting != null) {
        waiting.run();
      }
      return;
    }
    Guest g = job.guests.get(index);
    if (s.guests.get(g.vmid) != g) {
      t.log("ERROR: Backup of VM " + g.vmid + " failed - unable to find VM " + g.vmid);
      errors.get(t)[0]++;
      next(job, index + 1);
      return;
    }
    t.log("INFO: Starting Backup of VM " + g.vmid + " (" + g.type + ")");
    if (g.lock() != null) {
      t.log("ERROR: Backup of VM " + g.vmid + " failed - CT is locked (" + g.lock() + ")");
      errors.get(t)[0]++;
      next(job, index + 1);
      return;
    }
    g.setLock("backup");
    double gib = g.rootfsBytes() / (double) (1L << 30);
    Duration d = Duration.ofNanos((long) (s.timing().vzdumpPerGiB().toNanos() * gib));
    s.after(
        d,
        () -> {
          if ("backup".equals(g.lock())) {
            g.setLock(null);
          }
          long size =
              Math.max(
                  1L << 20, (long) (g.diskUsedBytes() * (job.compress.equals("0") ? 1.0 : 0.45)));
          if (size > job.storage.avail()) {
            t.log(
                "ERROR: Backup of VM "
                    + g.vmid
                    + " failed - vma_queue_write: write error - No space left on device");
            errors.get(t)[0]++;
          } else {
            long ctime = s.now() / 1000;
            String format =
                switch (job.compress) {
                  case "gzip" -> "tar.gz";
                  case "lzo" -> "tar.lzo";
                  case "0" -> "tar";
                  default -> "tar.zst";
                };
            String volname;
            do {
              volname =
                  "backup/vzdump-"
                      + g.type
                      + "-"
                      + g.vmid
                      + "-"
                      + FILE_TIME.format(Instant.ofEpochSecond(ctime))
                      + "."
                      + format;
              ctime++;
            } while (exists(job.storage, volname));
            String notes =
                job.notesTemplate == null
                    ? null
                    : job.notesTemplate
                        .replace("{{guestname}}", g.name())
                        .replace("{{vmid}}", Integer.toString(g.vmid))
                        .replace("{{node}}", g.node)
                        .replace("{{cluster}}", "cloudpods-sim")
                        .split("\n")[0];
            job.storage.backups.add(
                new SimStorage.Backup(
                    volname, size, ctime - 1, g.vmid, notes, job.isProtected, format));
            t.log(
                "INFO: creating vzdump archive '"
                    + job.storage.path
                    + "/dump/"
                    + volname.substring(7)
                    + "'");
            t.log("INFO: Finished Backup of VM " + g.vmid);
            if (job.keepLast != null) {
              prune(job.storage, g, job.keepLast, t);
            }
          }
          next(job, index + 1);
        });
  }

  private static boolean exists(SimStorage st, String volname) {
    for (SimStorage.Backup b : st.backups) {
      if (b.volname().equals(volname)) {
        return true;
      }
    }
    return false;
  }

  private static void prune(SimStorage st, Guest g, int keepLast, Task t) {
    List<SimStorage.Backup> mine = new ArrayList<>();
    for (SimStorage.Backup b : st.backups) {
      if (b.vmid() == g.vmid && !b.isProtected()) {
        mine.add(b);
      }
    }
    mine.sort(Comparator.comparingLong(SimStorage.Backup::ctime).reversed());
    for (int i = keepLast; i < mine.size(); i++) {
      st.backups.remove(mine.get(i));
      t.log("INFO: prune older backups with retention: keep-last=" + keepLast);
      t.log("INFO: removing backup '" + st.id + ":" + mine.get(i).volname() + "'");
    }
  }
}
