package io.cloudpods.cloudpod;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.FINAL_BACKUP;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.READY;
import static io.cloudpods.cloudpod.PodHarness.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.cloudpod.backup.FinalBackup;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.proxmox.ProxmoxTaskFailedException;
import io.cloudpods.testsupport.FakeProxmoxClient.Mutation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Deleting a pod whose container exists: nothing is stopped or destroyed before its Final backup is
 * Completed, unless the deletion was asked with skipFinalBackup.
 */
class FinalBackupDeletionTest {

  private static final String VOLID =
      "vzdump-backups:backup/vzdump-lxc-9001-2026_12_01-10_00_05.tar.zst";

  private final PodHarness h = new PodHarness(true);

  private String provisionedThenDeleted(String name) throws Exception {
    h.create(name);
    h.converge(name);
    h.proxmox.clearJournal();
    h.events.clear();
    String backup = FinalBackup.name(name, h.pods.pod(TENANT, name).metadata().uid());
    h.pods.markDeleted(TENANT, name);
    return backup;
  }

  /** A few passes apart in time, as the requeues would run them. */
  private void passes(String name, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      h.pass(name);
      h.proxmox.finishAllTasks();
      h.clock.advance(Duration.ofSeconds(5));
      h.cluster.refresh();
    }
  }

  @Test
  void deletion_ofAProvisionedPod_asksForItsFinalBackupAndTouchesNothing() throws Exception {
    String backup = provisionedThenDeleted("web-1");

    ReconcileResult r = h.pass("web-1");

    assertThat(h.backups.requested).containsExactly(backup);
    assertThat(backup).startsWith("web-1-final-");
    assertThat(h.proxmox.mutations()).isEmpty();
    assertThat(r.requeueAfter()).as("looked at again, no blocking wait").isPresent();
    assertThat(h.status("web-1").phase()).isEqualTo(CloudPodConditions.PHASE_DELETING);
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.FINAL_BACKUP_RUNNING);
    assertThat(h.condition("web-1", FINAL_BACKUP).map(Condition::status)).contains("False");
    assertThat(h.events.reasons()).containsExactly(CloudPodConditions.FINAL_BACKUP_RUNNING);
  }

  @Test
  void deletion_ofAPodWithFinalBackupFalse_asksForNoBackupAndDestroysTheContainer()
      throws Exception {
    io.cloudpods.api.v1alpha1.CloudPodSpec s = PodHarness.spec();
    h.create(
        "web-1",
        new io.cloudpods.api.v1alpha1.CloudPodSpec(
            s.cores(),
            s.memoryMb(),
            s.swapMb(),
            s.diskGb(),
            s.template(),
            s.storage(),
            s.ipPool(),
            null,
            null,
            null,
            s.powerState(),
            s.cloneMode(),
            false,
            false,
            null));
    h.converge("web-1");
    h.pods.markDeleted(TENANT, "web-1");

    passes("web-1", 6);

    assertThat(h.backups.requested).isEmpty();
    assertThat(h.proxmox.guest(9001)).isEmpty();
  }

  @Test
  void deletion_whileTheFinalBackupIsPendingOrRunning_neverStopsOrDestroys() throws Exception {
    String backup = provisionedThenDeleted("web-1");
    passes("web-1", 3);
    h.backups.run(backup);

    passes("web-1", 5);

    assertThat(h.proxmox.mutations()).isEmpty();
    assertThat(h.proxmox.guest(9001)).isPresent();
    assertThat(h.backups.requested).as("asked for once").containsExactly(backup);
    assertThat(h.condition("web-1", READY).orElseThrow().message())
        .contains(backup, "Running", "before destroying");
    assertThat(h.pods.exists(TENANT, "web-1")).isTrue();
  }

  @Test
  void deletion_afterTheFinalBackupCompleted_shutsDownDestroysAndRemovesThePod() throws Exception {
    String backup = provisionedThenDeleted("web-1");
    passes("web-1", 2);
    h.backups.complete(backup, VOLID);

    h.converge("web-1");

    assertThat(h.proxmox.mutations())
        .extracting(Mutation::summary)
        .containsExactly("shutdown 9001", "delete 9001");
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
    assertThat(h.events.reasons())
        .containsSubsequence(
            CloudPodConditions.FINAL_BACKUP_RUNNING,
            CloudPodConditions.FINAL_BACKUP_COMPLETED,
            "ShuttingDown",
            "Destroying",
            "Deleted");
    assertThat(h.events.events())
        .anyMatch(e -> e.message().contains(backup) && e.message().contains(VOLID));
  }

  @Test
  void deletion_whenTheFinalBackupFailed_staysDeletingWithItsMessageAndOneEvent() throws Exception {
    String backup = provisionedThenDeleted("web-1");
    h.pass("web-1");
    h.backups.fail(backup, "vzdump: job errors");

    passes("web-1", 4);

    assertThat(h.proxmox.mutations()).isEmpty();
    assertThat(h.status("web-1").phase()).isEqualTo(CloudPodConditions.PHASE_DELETING);
    Condition ready = h.condition("web-1", READY).orElseThrow();
    assertThat(ready.reason()).isEqualTo(CloudPodConditions.FINAL_BACKUP_FAILED);
    assertThat(ready.message()).contains(backup, "vzdump: job errors", "skipFinalBackup");
    assertThat(h.events.reasons())
        .filteredOn(CloudPodConditions.FINAL_BACKUP_FAILED::equals)
        .hasSize(1);
  }

  @Test
  void deletion_stuckOnAFailedBackup_askedAgainWithSkip_destroysAndSaysSo() throws Exception {
    String backup = provisionedThenDeleted("web-1");
    h.pass("web-1");
    h.backups.fail(backup, "vzdump: job errors");
    passes("web-1", 2);
    h.backups.skip.add(PodHarness.key("web-1"));

    h.converge("web-1");

    assertThat(h.proxmox.mutations())
        .extracting(Mutation::summary)
        .containsExactly("shutdown 9001", "delete 9001");
    assertThat(h.events.reasons())
        .containsSubsequence(CloudPodConditions.FINAL_BACKUP_SKIPPED, "Destroying", "Deleted");
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
  }

  @Test
  void deletion_askedWithSkipFromTheStart_asksForNoBackup() throws Exception {
    provisionedThenDeleted("web-1");
    h.backups.skip.add(PodHarness.key("web-1"));

    h.converge("web-1");

    assertThat(h.backups.requested).isEmpty();
    assertThat(h.proxmox.guest(9001)).isEmpty();
  }

  @Test
  void deletion_ofAPodWhoseContainerWasNeverCreated_needsNoFinalBackup() throws Exception {
    h.create("web-1");
    h.pass("web-1");
    h.proxmox.failTask(h.proxmox.lastTask("vzclone").orElseThrow(), "clone failed");
    h.failingPass("web-1", ProxmoxTaskFailedException.class);
    h.pods.markDeleted(TENANT, "web-1");

    h.converge("web-1");

    assertThat(h.backups.requested).isEmpty();
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
  }

  @Test
  void deletion_ofAPodNeverReserved_needsNoFinalBackup() throws Exception {
    h.create("web-1");
    h.pods.markDeleted(TENANT, "web-1");

    h.converge("web-1");

    assertThat(h.backups.requested).isEmpty();
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
  }
}
