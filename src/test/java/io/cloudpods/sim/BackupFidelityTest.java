package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * vzdump, backup content and restore as pve-manager's {@code VZDump.pm}, pve-container's {@code
 * VZDump/LXC.pm} and {@code API2/LXC.pm}, and pve-storage's {@code Content.pm} behave.
 */
class BackupFidelityTest {
  ProxmoxSimulator sim;
  SimClient c;

  @BeforeEach
  void start() {
    sim = ProxmoxSimulator.start(SimTestSupport.fast().nodes(2).build());
    c = new SimClient(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private List<String> log(String upid) {
    List<String> out = new ArrayList<>();
    for (JsonNode l : c.get("/nodes/pve/tasks/" + upid + "/log?limit=5000").data()) {
      out.add(l.get("t").asText());
    }
    return out;
  }

  private void slowBackups() {
    // 4 GiB root disks: about 2.4 s of wall time per backup at the test time scale
    c.sim("PUT", "/_sim/timing", "{\"vzdumpPerGiB\":\"60s\"}");
  }

  private static void waitFor(BooleanSupplier cond) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private String ct(int vmid, boolean running) {
    c.run(
        c.post(
            "/nodes/pve/lxc/9000/clone",
            "newid",
            Integer.toString(vmid),
            "hostname",
            "web-" + vmid));
    if (running) {
      c.run(c.post("/nodes/pve/lxc/" + vmid + "/status/start"));
    }
    return Integer.toString(vmid);
  }

  private String backup(String vmid, String... extra) {
    List<String> kv =
        new ArrayList<>(List.of("vmid", vmid, "storage", "vzdump-backups", "compress", "zstd"));
    kv.addAll(List.of(extra));
    return c.upid(c.post("/nodes/pve/vzdump", kv.toArray(String[]::new)));
  }

  private JsonNode backups(String vmid) {
    return c.get("/nodes/pve/storage/vzdump-backups/content?content=backup&vmid=" + vmid).data();
  }

  @Test
  void vzdump_ofAGuestOnAnotherNode_answersOkAndStartsNoTask() {
    c.run(c.post("/nodes/pve-02/lxc/8902/clone", "newid", "9201"));
    SimClient.Reply r = c.post("/nodes/pve/vzdump", "vmid", "9201", "storage", "vzdump-backups");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.data().asText()).isEqualTo("OK");
    assertThat(sim.runningTasks()).isZero();
    assertThat(c.get("/nodes/pve/tasks?typefilter=vzdump").data()).isEmpty();
  }

  @Test
  void vzdump_withLocalAndRemoteGuests_backsUpTheLocalOnes_andNamesTheSkipped() {
    c.run(c.post("/nodes/pve-02/lxc/8902/clone", "newid", "9201"));
    ct(9101, false);
    String upid = backup("9101,9201");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(log(upid)).contains("INFO: skip external VMs: 9201");
    assertThat(backups("9101")).hasSize(1);
  }

  @Test
  void vzdump_ofAVmidThatDoesNotExist_failsInsideTheTask() {
    String upid = backup("9999");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("job errors");
    assertThat(log(upid))
        .contains("ERROR: Backup of VM 9999 failed - unable to find VM '9999'")
        .contains("INFO: Backup job finished with errors");
  }

  @Test
  void snapshotMode_takesTheTemporaryVzdumpSnapshot_andHoldsLockBackup_whileItRuns() {
    String id = ct(9101, true);
    slowBackups();
    String upid = backup(id, "mode", "snapshot");
    waitFor(() -> sim.guest(9101).get().get("snapshots").toString().contains("vzdump"));
    JsonNode snaps = c.get("/nodes/pve/lxc/9101/snapshot").data();
    assertThat(snaps.toString()).contains("\"name\":\"vzdump\"");
    assertThat(sim.guest(9101).get().get("lock")).isEqualTo("backup");
    // every other change of the guest meets the lock, as the other locks do
    assertThat(c.put("/nodes/pve/lxc/9101/config", "cores", "2").reason())
        .isEqualTo("CT is locked (backup)");
    // stop checks the lock inside its worker: the task fails
    assertThat(c.run(c.post("/nodes/pve/lxc/9101/status/stop"))).isEqualTo("CT is locked (backup)");
    assertThat(c.post("/nodes/pve/lxc/9101/clone", "newid", "9102").reason())
        .isEqualTo("CT is locked (backup)");
    assertThat(c.delete("/nodes/pve/lxc/9101?force=1").reason()).isEqualTo("CT is locked (backup)");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(sim.guest(9101).get().get("lock")).isNull();
    assertThat(sim.guest(9101).get().get("snapshots").toString()).doesNotContain("vzdump");
    List<String> lines = log(upid);
    assertThat(lines.get(0)).startsWith("INFO: starting new backup job: vzdump 9101 ");
    assertThat(lines)
        .contains(
            "INFO: Starting Backup of VM 9101 (lxc)",
            "INFO: status = running",
            "INFO: CT Name: web-9101",
            "INFO: including mount point rootfs ('/') in backup",
            "INFO: backup mode: snapshot",
            "INFO: create storage snapshot 'vzdump'",
            "INFO: prune older backups with retention: keep-last=7",
            "INFO: pruned 0 backup(s)",
            "INFO: cleanup temporary 'vzdump' snapshot",
            "INFO: Backup job finished successfully");
    String volid = backups(id).get(0).get("volid").asText();
    assertThat(lines)
        .contains(
            "INFO: creating vzdump archive '/mnt/vzdump-backups/dump/"
                + volid.substring("vzdump-backups:backup/".length())
                + "'");
  }

  @Test
  void
      snapshotMode_onAStorageWithoutSnapshots_fallsBackToSuspend_andFreezesTheGuestForTheFinalSync() {
    sim.addStorage("pve", "local-dir", "dir", List.of("rootdir"), 100);
    c.run(
        c.post(
            "/nodes/pve/lxc",
            "vmid",
            "9301",
            "ostemplate",
            "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
            "rootfs",
            "local-dir:4",
            "hostname",
            "dirct"));
    c.run(c.post("/nodes/pve/lxc/9301/status/start"));
    slowBackups();
    String upid = backup("9301", "mode", "snapshot");
    waitFor(() -> Boolean.TRUE.equals(sim.guest(9301).get().get("frozen")));
    // a frozen container still reads running in Proxmox
    assertThat(c.get("/nodes/pve/lxc/9301/status/current").data().get("status").asText())
        .isEqualTo("running");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(sim.guest(9301).get().get("frozen")).isEqualTo(false);
    List<String> lines = log(upid);
    int failure = lines.indexOf("INFO: mode failure - some volumes do not support snapshots");
    assertThat(failure).isPositive();
    assertThat(lines.get(failure + 1)).isEqualTo("INFO: trying 'suspend' mode instead");
    assertThat(lines.get(failure + 2)).isEqualTo("INFO: backup mode: suspend");
    assertThat(lines).contains("INFO: suspending guest", "INFO: resuming guest");
    assertThat(lines.indexOf("INFO: suspending guest"))
        .isLessThan(lines.indexOf("INFO: resuming guest"));
    assertThat(lines).noneMatch(l -> l.contains("create storage snapshot"));
  }

  @Test
  void stopMode_stopsARunningGuest_andStartsItAgain() {
    String id = ct(9101, true);
    slowBackups();
    String upid = backup(id, "mode", "stop");
    waitFor(() -> "stopped".equals(sim.guest(9101).get().get("status")));
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(sim.guest(9101).get().get("status")).isEqualTo("running");
    assertThat(log(upid))
        .contains("INFO: backup mode: stop", "INFO: stopping virtual guest", "INFO: restarting vm")
        .anyMatch(l -> l.startsWith("INFO: guest is online again after "));
  }

  @Test
  void aStoppedGuest_isBackedUpInStopMode_whateverModeWasAsked() {
    String id = ct(9101, false);
    String upid = backup(id, "mode", "snapshot");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(log(upid))
        .contains("INFO: status = stopped", "INFO: backup mode: stop")
        .doesNotContain("INFO: stopping virtual guest");
  }

  @Test
  void archiveNames_useTheNodesLocalTime_andCtimeIsTheSameInstant() {
    sim.setNodeTimezone("pve", ZoneId.of("Pacific/Auckland"));
    String id = ct(9101, false);
    c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups", "compress", "zstd"));
    JsonNode b = backups(id).get(0);
    String expected =
        DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss")
            .format(
                Instant.ofEpochSecond(b.get("ctime").asLong())
                    .atZone(ZoneId.of("Pacific/Auckland")));
    assertThat(b.get("volid").asText())
        .isEqualTo("vzdump-backups:backup/vzdump-lxc-9101-" + expected + ".tar.zst");
  }

  @Test
  void notesTemplate_andProtected_landOnTheNewBackup() {
    String id = ct(9101, false);
    c.run(
        c.post(
            "/nodes/pve/vzdump",
            "vmid",
            id,
            "storage",
            "vzdump-backups",
            "notes-template",
            "{{guestname}} on {{node}}\\nsecond line {{vmid}}",
            "protected",
            "1"));
    JsonNode b = backups(id).get(0);
    assertThat(b.get("notes").asText()).isEqualTo("web-9101 on pve");
    assertThat(b.get("protected").asInt()).isEqualTo(1);
    JsonNode info =
        c.get("/nodes/pve/storage/vzdump-backups/content/" + b.get("volid").asText()).data();
    assertThat(info.get("notes").asText()).isEqualTo("web-9101 on pve\nsecond line 9101");
  }

  @Test
  void injectedBackupFaults_failTheNextBackupsOfThatGuest_withJobErrors() {
    String id = ct(9101, false);
    sim.failNextBackups(9101, 1, "vzdump archive write failed (injected)");
    String upid = backup(id);
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("job errors");
    assertThat(log(upid))
        .contains("ERROR: Backup of VM 9101 failed - vzdump archive write failed (injected)");
    assertThat(sim.guest(9101).get().get("lock")).isNull();
    assertThat(backups(id)).isEmpty();
    assertThat(c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups")))
        .isEqualTo("OK");
  }

  @Test
  void aFullStorage_failsTheBackup_andLeavesNoArchive() {
    String id = ct(9101, false);
    sim.setStorageFree("pve", "vzdump-backups", 0L);
    String upid = backup(id);
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("job errors");
    assertThat(log(upid)).anyMatch(l -> l.startsWith("ERROR: Backup of VM 9101 failed - command "));
    assertThat(backups(id)).isEmpty();
    sim.setStorageFree("pve", "vzdump-backups", null);
    assertThat(c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups")))
        .isEqualTo("OK");
  }

  @Test
  void secondVzdumpOnTheNode_waitsForTheGlobalLock_andTimesOutAfterLockwait() {
    String a = ct(9101, false);
    String b = ct(9102, false);
    slowBackups();
    String first = backup(a);
    // the second job is asked for only once the first holds the lock, so which one waits does not
    // depend on how the simulator's two workers are scheduled
    waitFor(() -> log(first).stream().anyMatch(l -> l.startsWith("INFO: starting new backup job")));
    // lockwait=1 minute is 0.6 s at the test time scale, less than the first backup takes
    String second = backup(b, "lockwait", "1");
    assertThat(c.await(second).get("exitstatus").asText()).isEqualTo("unexpected status");
    assertThat(log(second))
        .contains(
            "INFO: trying to get global lock - waiting...",
            "ERROR: can't acquire lock '/var/run/vzdump.lock' - got timeout");
    String third = backup(b);
    assertThat(c.await(first).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(c.await(third).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(log(third)).contains("INFO: got global lock");
  }

  @Test
  void deletingAProtectedBackup_failsTheImgdelTask_untilItIsUnprotected() {
    String id = ct(9101, false);
    c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups", "protected", "1"));
    String volid = backups(id).get(0).get("volid").asText();
    String volname = volid.substring("vzdump-backups:".length());
    String upid = c.upid(c.delete("/nodes/pve/storage/vzdump-backups/content/" + volid));
    assertThat(upid).contains(":imgdel:9101@vzdump-backups:");
    assertThat(c.await(upid).get("exitstatus").asText())
        .isEqualTo("cannot remove protected volume '" + volname + "' on 'vzdump-backups'");
    assertThat(c.put("/nodes/pve/storage/vzdump-backups/content/" + volid, "protected", "0").code())
        .isEqualTo(200);
    assertThat(c.run(c.delete("/nodes/pve/storage/vzdump-backups/content/" + volid)))
        .isEqualTo("OK");
    assertThat(backups(id)).isEmpty();
    // deleting it again: Proxmox only warns that the file is gone
    String again = c.upid(c.delete("/nodes/pve/storage/vzdump-backups/content/" + volid));
    assertThat(c.await(again).get("exitstatus").asText()).isEqualTo("WARNINGS: 1");
  }

  @Test
  void updateVolume_setsNotes_andStopsAtMaxProtectedBackups() {
    String id = ct(9101, false);
    c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups"));
    c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups"));
    c.sim("PUT", "/_sim/nodes/pve/storage/vzdump-backups", "{\"maxProtectedBackups\":1}");
    String first = backups(id).get(0).get("volid").asText();
    String second = backups(id).get(1).get("volid").asText();
    String base = "/nodes/pve/storage/vzdump-backups/content/";
    assertThat(c.put(base + first, "notes", "before upgrade\nmore", "protected", "1").code())
        .isEqualTo(200);
    assertThat(backups(id).get(0).get("notes").asText()).isEqualTo("before upgrade");
    assertThat(c.put(base + second, "protected", "1").reason())
        .isEqualTo(
            "The number of protected backups per guest is limited to 1 on storage"
                + " 'vzdump-backups'");
    assertThat(c.put(base + "vzdump-backups:images/x", "notes", "x").reason())
        .isEqualTo("unable to parse directory volume name 'images/x'");
    assertThat(c.put(base + "other:backup/x.tar", "notes", "x").code()).isEqualTo(400);
  }

  @Test
  void prunebackups_dryRunMarksAndDeleteRemoves_protectedNeverGo() {
    String id = ct(9101, false);
    for (int i = 0; i < 3; i++) {
      c.run(
          c.post(
              "/nodes/pve/vzdump",
              "vmid",
              id,
              "storage",
              "t7-backup",
              "protected",
              i == 0 ? "1" : "0"));
    }
    JsonNode marks =
        c.get("/nodes/pve/storage/t7-backup/prunebackups?prune-backups=keep-last=1&vmid=" + id)
            .data();
    assertThat(marks).hasSize(3);
    List<String> m = new ArrayList<>();
    marks.forEach(x -> m.add(x.get("mark").asText()));
    assertThat(m).containsExactly("protected", "remove", "keep");
    assertThat(marks.get(0).get("type").asText()).isEqualTo("lxc");
    assertThat(marks.get(0).get("vmid").asInt()).isEqualTo(9101);
    // t7-backup has no retention of its own
    assertThat(c.get("/nodes/pve/storage/t7-backup/prunebackups").reason())
        .isEqualTo("no prune-backups options configured for storage 't7-backup'");
    String upid =
        c.upid(
            c.call(
                new okhttp3.Request.Builder()
                    .url(
                        c.base
                            + "/nodes/pve/storage/t7-backup/prunebackups?prune-backups=keep-last%3D1&vmid="
                            + id)
                    .delete()));
    assertThat(upid).contains(":prunebackups:9101@t7-backup:");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    JsonNode left = c.get("/nodes/pve/storage/t7-backup/content?vmid=" + id).data();
    assertThat(left).hasSize(2);
  }

  @Test
  void restoreAsANewContainer_takesTheArchivedConfig_aNewRootfs_andNoSnapshots() {
    String id = ct(9101, false);
    c.put("/nodes/pve/lxc/9101/config", "cores", "3", "tags", "blue", "description", "shop");
    c.run(c.post("/nodes/pve/lxc/9101/snapshot", "snapname", "before"));
    c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups"));
    String volid = backups(id).get(0).get("volid").asText();
    String upid =
        c.upid(
            c.post(
                "/nodes/pve/lxc",
                "vmid",
                "9150",
                "ostemplate",
                volid,
                "restore",
                "1",
                "storage",
                "clients-main",
                "hostname",
                "restored"));
    assertThat(upid).contains(":vzrestore:9150:");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(log(upid))
        .contains(
            "recovering backed-up configuration from '" + volid + "'",
            "restoring '" + volid + "' now..",
            "merging backed-up and given configuration..");
    JsonNode conf = c.get("/nodes/pve/lxc/9150/config").data();
    assertThat(conf.get("hostname").asText()).isEqualTo("restored");
    assertThat(conf.get("cores").asInt()).isEqualTo(3);
    assertThat(conf.get("tags").asText()).isEqualTo("blue");
    assertThat(conf.get("description").asText().strip()).isEqualTo("shop");
    assertThat(conf.get("rootfs").asText()).startsWith("clients-main:subvol-9150-disk-0,");
    assertThat(conf.has("lock")).isFalse();
    JsonNode snaps = c.get("/nodes/pve/lxc/9150/snapshot").data();
    assertThat(snaps.toString()).doesNotContain("before").contains("current");
  }

  @Test
  void restoreOverAnExistingContainer_needsForce_aStoppedUnprotectedCt_andReplacesItsVolumes() {
    String id = ct(9101, false);
    c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups"));
    String volid = backups(id).get(0).get("volid").asText();
    String[] restore = {"vmid", id, "ostemplate", volid, "restore", "1", "storage", "clients-main"};
    assertThat(c.post("/nodes/pve/lxc", restore).reason())
        .isEqualTo("CT 9101 already exists on node 'pve'");
    c.put("/nodes/pve/lxc/9101/config", "protection", "1");
    List<String> forced = new ArrayList<>(List.of(restore));
    forced.addAll(List.of("force", "1"));
    assertThat(c.post("/nodes/pve/lxc", forced.toArray(String[]::new)).reason())
        .isEqualTo("unable to restore CT 9101 - protection mode enabled");
    c.put("/nodes/pve/lxc/9101/config", "delete", "protection");
    c.run(c.post("/nodes/pve/lxc/9101/status/start"));
    assertThat(c.post("/nodes/pve/lxc", forced.toArray(String[]::new)).reason())
        .isEqualTo("can't overwrite running container");
    c.run(c.post("/nodes/pve/lxc/9101/status/stop"));
    String before = c.get("/nodes/pve/lxc/9101/config").data().get("rootfs").asText();
    assertThat(c.run(c.post("/nodes/pve/lxc", forced.toArray(String[]::new)))).isEqualTo("OK");
    String after = c.get("/nodes/pve/lxc/9101/config").data().get("rootfs").asText();
    assertThat(after).isNotEqualTo(before);
    String oldVolume = before.substring(0, before.indexOf(','));
    assertThat(c.get("/nodes/pve/storage/clients-main/content?vmid=9101").data().toString())
        .doesNotContain("\"" + oldVolume + "\"")
        .contains(after.substring(0, after.indexOf(',')));
  }

  @Test
  void aForcedRestoreWhoseExtractionFails_destroysTheConfigToo() {
    String id = ct(9101, false);
    c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups"));
    String volid = backups(id).get(0).get("volid").asText();
    sim.setFaults(0, 0, 1.0, 0, 0, 7);
    String upid =
        c.upid(
            c.post(
                "/nodes/pve/lxc",
                "vmid",
                id,
                "ostemplate",
                volid,
                "restore",
                "1",
                "force",
                "1",
                "storage",
                "clients-main"));
    sim.setFaults(0, 0, 0, 0, 0, 7);
    assertThat(c.await(upid).get("exitstatus").asText()).startsWith("unable to restore CT 9101 - ");
    assertThat(sim.guest(9101)).isEmpty();
    assertThat(c.get("/nodes/pve/storage/clients-main/content?vmid=9101").data()).isEmpty();
    // the backups stay
    assertThat(backups(id)).hasSize(1);
  }

  @Test
  void destroyWithPurge_leavesTheBackupsOnTheStorage() {
    String id = ct(9101, false);
    c.run(c.post("/nodes/pve/vzdump", "vmid", id, "storage", "vzdump-backups"));
    assertThat(c.run(c.delete("/nodes/pve/lxc/9101?purge=1&destroy-unreferenced-disks=1")))
        .isEqualTo("OK");
    assertThat(backups(id)).hasSize(1);
  }

  @Test
  void restoreFromAnArchiveThatIsGone_failsTheTask_andLeavesNoGuest() {
    String upid =
        c.upid(
            c.post(
                "/nodes/pve/lxc",
                "vmid",
                "9150",
                "ostemplate",
                "vzdump-backups:backup/vzdump-lxc-9101-2026_01_01-00_00_00.tar.zst",
                "restore",
                "1",
                "storage",
                "clients-main"));
    assertThat(c.await(upid).get("exitstatus").asText())
        .isEqualTo(
            "unable to restore CT 9150 - ERROR: file"
                + " '/mnt/vzdump-backups/dump/vzdump-lxc-9101-2026_01_01-00_00_00.tar.zst' does"
                + " not exist");
    assertThat(sim.guest(9150)).isEmpty();
  }
}
