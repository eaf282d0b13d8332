package io.cloudpods.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.CreateContainerRequest;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxAlreadyExistsException;
import io.cloudpods.proxmox.ProxmoxErrorMapper;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxLockedException;
import io.cloudpods.proxmox.ProxmoxPermissionException;
import io.cloudpods.proxmox.ProxmoxPowerStateException;
import io.cloudpods.proxmox.ProxmoxRejectedException;
import io.cloudpods.proxmox.PruneMark;
import io.cloudpods.proxmox.StorageContent;
import io.cloudpods.proxmox.TaskLog;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.VzdumpRequest;
import io.cloudpods.proxmox.VzdumpResult;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SetupScript;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.sim.TimingModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backup half of the client/simulator contract: {@link HttpProxmoxClient}'s vzdump, storage
 * content, volume update/delete, prune and restore calls and the task log, over HTTP on loopback,
 * with exactly the token {@code config/proxmox-token-setup.sh} makes, so the least-privilege role
 * is proven to be enough for what the controller does with backups (and the errors it meets are
 * Proxmox's texts, classified by {@link ProxmoxErrorMapper}).
 */
class BackupClientSimulatorContractTest {
  private static final String NODE = "pve";
  private static final String BACKUPS = "vzdump-backups";
  private static final Pattern ARCHIVE =
      Pattern.compile("creating vzdump archive '/mnt/vzdump-backups/dump/([^']+)'");

  private static final AtomicInteger NEXT_VMID = new AtomicInteger(9301);

  private static ProxmoxSimulator sim;
  private static HttpProxmoxClient client;
  private static TimingModel normalTiming;

  @BeforeAll
  static void start() {
    sim =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .nodes(2)
                .token("root@pam!setup", "root-secret")
                .timeScale(0.01)
                .authFailureDelay(Duration.ZERO)
                .build());
    SetupScript.Token t =
        SetupScript.apply(sim.baseUrl(), "PVEAPIToken=root@pam!setup=root-secret");
    client = new HttpProxmoxClient(ProxmoxClientSettings.of(sim.baseUrl(), t.id(), t.secret()));
    normalTiming = sim.timing();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private static TaskStatus finish(Upid upid) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> client.taskStatus(upid).isStopped());
    return client.taskStatus(upid);
  }

  /** A pod-like CT: cloned from 9000 into the ClientPods pool by the script's token. */
  private static int pod() {
    int vmid = NEXT_VMID.getAndIncrement();
    TaskStatus t =
        finish(
            client.cloneContainer(
                NODE,
                9000,
                CloneRequest.builder(vmid)
                    .hostname("pod-" + vmid)
                    .pool("ClientPods")
                    .fullCloneTo("clients-main")
                    .build()));
    assertThat(t.isOk()).as("clone %d: %s", vmid, t.exitStatus()).isTrue();
    return vmid;
  }

  private static List<String> log(Upid upid) {
    List<String> out = new ArrayList<>();
    for (TaskLog.Line l : client.taskLog(upid, 0, 5000).lines()) {
      out.add(l.text());
    }
    return out;
  }

  /** Backs {@code vmid} up and answers the new archive's volid, read from the task log. */
  private static String backup(int vmid) {
    VzdumpResult r = client.vzdump(NODE, VzdumpRequest.of(vmid, BACKUPS));
    assertThat(r.isNothingToDo()).isFalse();
    Upid upid = r.task().orElseThrow();
    TaskStatus t = finish(upid);
    assertThat(t.isOk()).as("vzdump %d: %s", vmid, t.exitStatus()).isTrue();
    for (String line : log(upid)) {
      Matcher m = ARCHIVE.matcher(line);
      if (m.find()) {
        return BACKUPS + ":backup/" + m.group(1);
      }
    }
    throw new AssertionError("no archive named in the vzdump log: " + log(upid));
  }

  private static List<StorageContent> backupsOf(int vmid) {
    return client.storageContent(NODE, BACKUPS, Optional.of("backup"), Optional.of(vmid));
  }

  private static ProxmoxException taskError(Upid upid) {
    TaskStatus t = finish(upid);
    assertThat(t.isFailed()).as("task %s should fail", upid).isTrue();
    return ProxmoxErrorMapper.fromTaskFailure(upid, t.exitStatus().orElseThrow());
  }

  // ---- vzdump and the content list --------------------------------------------------------------

  @Test
  void vzdump_onTheGuestsNode_logsTheArchive_whichTheContentListShowsWithCtimeSizeAndType() {
    int vmid = pod();
    long before = System.currentTimeMillis() / 1000 - 5;

    String volid = backup(vmid);

    assertThat(volid)
        .matches(
            BACKUPS
                + ":backup/vzdump-lxc-"
                + vmid
                + "-\\d{4}_\\d{2}_\\d{2}-\\d{2}_\\d{2}_\\d{2}\\.tar\\.zst");
    List<StorageContent> listed = backupsOf(vmid);
    assertThat(listed).extracting(StorageContent::volid).containsExactly(volid);
    StorageContent c = listed.get(0);
    assertThat(c.content()).isEqualTo("backup");
    assertThat(c.format()).isEqualTo("tar.zst");
    assertThat(c.subtype()).contains("lxc");
    assertThat(c.vmid()).hasValue(vmid);
    assertThat(c.size()).isPositive();
    assertThat(c.ctime()).isGreaterThanOrEqualTo(before);
    assertThat(c.isProtected()).isFalse();
  }

  @Test
  void vzdump_sentToAnotherNode_answersNothingToDo_andMakesNoArchive() {
    int vmid = pod();

    VzdumpResult r = client.vzdump("pve-02", VzdumpRequest.of(vmid, BACKUPS));

    assertThat(r.isNothingToDo()).isTrue();
    assertThat(backupsOf(vmid)).isEmpty();
  }

  @Test
  void vzdump_ofAProductionGuest_failsInsideTheTask_withProxmoxsPermissionText() {
    VzdumpResult r = client.vzdump(NODE, VzdumpRequest.of(101, BACKUPS));

    ProxmoxException e = taskError(r.task().orElseThrow());
    assertThat(e)
        .isInstanceOf(ProxmoxPermissionException.class)
        .hasMessageContaining("Permission check failed (/vms/101, VM.Backup)");
  }

  @Test
  void taskLog_pagesByStartAndLimit_andCountsTheWholeLog() {
    int vmid = pod();
    Upid upid = client.vzdump(NODE, VzdumpRequest.of(vmid, BACKUPS)).task().orElseThrow();
    finish(upid);

    TaskLog all = client.taskLog(upid, 0, 5000);
    TaskLog page = client.taskLog(upid, 2, 3);

    assertThat(all.total()).isGreaterThan(5).isEqualTo(all.lines().size());
    assertThat(page.total()).isEqualTo(all.total());
    assertThat(page.lines()).extracting(TaskLog.Line::n).containsExactly(3, 4, 5);
    assertThat(page.lines()).isEqualTo(all.lines().subList(2, 5));
    assertThat(all.lines().get(0).text())
        .startsWith("INFO: starting new backup job: vzdump " + vmid);
  }

  // ---- locks ------------------------------------------------------------------------------------

  @Test
  void whileABackupRuns_theGuestIsLockedBackup_andASecondVzdumpWaitsForTheNodeLock()
      throws Exception {
    int first = pod();
    int second = pod();
    sim.setTiming(normalTiming.with(Map.of("vzdumpPerGiB", Duration.ofSeconds(600)), null));
    try {
      Upid running = client.vzdump(NODE, VzdumpRequest.of(first, BACKUPS)).task().orElseThrow();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "backup".equals(client.getConfig(NODE, first).lock().orElse(null)));

      assertThatThrownBy(
              () -> client.updateConfig(NODE, first, ConfigUpdate.set(Map.of("cores", "2"))))
          .isInstanceOfSatisfying(
              ProxmoxLockedException.class, e -> assertThat(e.lock()).isEqualTo("backup"))
          .hasMessageContaining("CT is locked (backup)");

      // lockwait is in minutes: 1 minute is 0.6 s at this time scale, shorter than the backup
      VzdumpRequest waiting =
          new VzdumpRequest(
              List.of(second),
              Optional.of(BACKUPS),
              Optional.of("snapshot"),
              Optional.of("zstd"),
              Map.of("lockwait", "1"));
      Upid queued = client.vzdump(NODE, waiting).task().orElseThrow();
      TaskStatus q = finish(queued);
      assertThat(q.isFailed()).isTrue();
      assertThat(log(queued))
          .contains("INFO: trying to get global lock - waiting...")
          .anyMatch(
              l -> l.equals("ERROR: can't acquire lock '/var/run/vzdump.lock' - got timeout"));
      assertThat(client.taskStatus(running).isStopped()).isFalse();
    } finally {
      sim.setTiming(normalTiming);
    }
  }

  // ---- notes, protection, delete --------------------------------------------------------------

  @Test
  void updateVolume_setsNotesAndProtected_andAProtectedBackupsDeleteTaskFails_untilUnprotected() {
    int vmid = pod();
    String volid = backup(vmid);

    client.updateVolume(NODE, BACKUPS, volid, Optional.of("before upgrade"), Optional.of(true));

    StorageContent c = backupsOf(vmid).get(0);
    assertThat(c.notes()).contains("before upgrade");
    assertThat(c.isProtected()).isTrue();
    ProxmoxException e = taskError(client.deleteVolume(NODE, BACKUPS, volid));
    assertThat(e)
        .isInstanceOf(ProxmoxRejectedException.class)
        .hasMessageContaining(
            "cannot remove protected volume '"
                + volid.substring(BACKUPS.length() + 1)
                + "' on '"
                + BACKUPS
                + "'");
    assertThat(backupsOf(vmid)).hasSize(1);

    client.updateVolume(NODE, BACKUPS, volid, Optional.empty(), Optional.of(false));
    TaskStatus deleted = finish(client.deleteVolume(NODE, BACKUPS, volid));

    assertThat(deleted.isOk()).as(deleted.exitStatus().toString()).isTrue();
    assertThat(backupsOf(vmid)).isEmpty();
  }

  @Test
  void deleteVolume_ofABackupAlreadyGone_endsOkWithAWarning() {
    int vmid = pod();
    String volid = backup(vmid);
    finish(client.deleteVolume(NODE, BACKUPS, volid));

    Upid again = client.deleteVolume(NODE, BACKUPS, volid);

    TaskStatus t = finish(again);
    assertThat(t.isOk()).isTrue();
    assertThat(t.exitStatus()).contains("WARNINGS: 1");
    assertThat(log(again))
        .anyMatch(l -> l.startsWith("WARN: disk image '") && l.endsWith("' does not exist"));
  }

  // ---- prune --------------------------------------------------------------------------------

  @Test
  void pruneDryRun_marksNewestKeptAndProtectedApart_andPruneBackupsRemovesExactlyTheRemoved() {
    int vmid = pod();
    String oldest = backup(vmid);
    String middle = backup(vmid);
    String newest = backup(vmid);
    client.updateVolume(NODE, BACKUPS, oldest, Optional.empty(), Optional.of(true));

    List<PruneMark> marks =
        client.pruneDryRun(NODE, BACKUPS, Optional.of("keep-last=1"), Optional.of(vmid));

    assertThat(marks)
        .extracting(PruneMark::volid, PruneMark::mark)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(oldest, "protected"),
            org.assertj.core.groups.Tuple.tuple(middle, "remove"),
            org.assertj.core.groups.Tuple.tuple(newest, "keep"));
    assertThat(marks).allSatisfy(m -> assertThat(m.vmid()).hasValue(vmid));

    TaskStatus pruned =
        finish(client.pruneBackups(NODE, BACKUPS, Optional.of("keep-last=1"), Optional.of(vmid)));

    assertThat(pruned.isOk()).as(pruned.exitStatus().toString()).isTrue();
    assertThat(backupsOf(vmid))
        .extracting(StorageContent::volid)
        .containsExactlyInAnyOrder(oldest, newest);
  }

  @Test
  void vzdump_withPruneBackups_appliesTheRetentionAfterTheBackup() {
    int vmid = pod();
    backup(vmid);
    backup(vmid);
    VzdumpRequest withRetention =
        new VzdumpRequest(
            List.of(vmid),
            Optional.of(BACKUPS),
            Optional.of("snapshot"),
            Optional.of("zstd"),
            Map.of("prune-backups", "keep-last=2"));

    Upid upid = client.vzdump(NODE, withRetention).task().orElseThrow();

    assertThat(finish(upid).isOk()).isTrue();
    assertThat(log(upid)).contains("INFO: prune older backups with retention: keep-last=2");
    assertThat(backupsOf(vmid)).hasSize(2);
  }

  // ---- restore -------------------------------------------------------------------------------

  @Test
  void restore_asANewContainer_fromTheBackupOfADestroyedPod_withTheScriptsToken() {
    int old = pod();
    String volid = backup(old);
    assertThat(finish(client.delete(NODE, old, DeleteOptions.DEFAULT)).isOk()).isTrue();
    // Datastore.Allocate on the backup storage: the archive of a guest that is gone stays visible
    assertThat(client.storageContent(NODE, BACKUPS, Optional.of("backup"), Optional.empty()))
        .extracting(StorageContent::volid)
        .contains(volid);
    int fresh = NEXT_VMID.getAndIncrement();

    TaskStatus t =
        finish(
            client.createContainer(
                NODE,
                CreateContainerRequest.builder(fresh, volid)
                    .set("restore", "1")
                    .set("storage", "clients-main")
                    .pool("ClientPods")
                    .build()));

    assertThat(t.isOk()).as(t.exitStatus().toString()).isTrue();
    assertThat(client.getConfig(NODE, fresh).hostname()).contains("pod-" + old);
  }

  @Test
  void restore_ontoAnExistingVmidWithoutForce_isAlreadyExists_withProxmoxsText() {
    int vmid = pod();
    String volid = backup(vmid);

    assertThatThrownBy(
            () ->
                client.createContainer(
                    NODE,
                    CreateContainerRequest.builder(vmid, volid)
                        .set("restore", "1")
                        .set("storage", "clients-main")
                        .pool("ClientPods")
                        .build()))
        .isInstanceOf(ProxmoxAlreadyExistsException.class)
        .hasMessageContaining("CT " + vmid + " already exists on node '" + NODE + "'");
  }

  @Test
  void forcedRestore_overARunningContainer_isRefused_withProxmoxsText() {
    int vmid = pod();
    String volid = backup(vmid);
    assertThat(finish(client.start(NODE, vmid)).isOk()).isTrue();

    assertThatThrownBy(
            () ->
                client.createContainer(
                    NODE,
                    CreateContainerRequest.builder(vmid, volid)
                        .set("restore", "1")
                        .set("force", "1")
                        .set("storage", "clients-main")
                        .build()))
        .isInstanceOfSatisfying(
            ProxmoxPowerStateException.class,
            e -> assertThat(e.actualState()).isEqualTo(PowerState.RUNNING))
        .hasMessageContaining("can't overwrite running container");
  }

  @Test
  void deletingTheBackupOfADestroyedGuest_needsVmBackupOnIt_whichTheScriptDoesNotGrant() {
    int old = pod();
    String volid = backup(old);
    assertThat(finish(client.delete(NODE, old, DeleteOptions.DEFAULT)).isOk()).isTrue();

    assertThatThrownBy(() -> client.deleteVolume(NODE, BACKUPS, volid))
        .isInstanceOf(ProxmoxPermissionException.class)
        .hasMessageContaining("Permission check failed (/vms/" + old + ", VM.Backup)");
  }
}
