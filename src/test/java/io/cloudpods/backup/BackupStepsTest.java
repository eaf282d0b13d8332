package io.cloudpods.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupStepsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String UPID =
      "UPID:pve1:00001234:00005678:65E1A2B3:vzdump:9001:root@pam!cloudpods:";

  private static BackupStep next(
      String phase, String task, String volid, boolean deleting, Instant retry, Instant expires) {
    return BackupSteps.next(phase, task, volid, deleting, retry, expires, NOW);
  }

  @Test
  void next_newBackup_starts() {
    assertThat(next(null, null, null, false, null, null)).isEqualTo(new BackupStep.Start());
    assertThat(next("Pending", null, null, false, null, null)).isEqualTo(new BackupStep.Start());
  }

  @Test
  void next_pendingInBackoff_waitsUntilRetryAfter() {
    Instant later = NOW.plusSeconds(30);
    assertThat(next("Pending", null, null, false, later, null))
        .isEqualTo(new BackupStep.WaitRetry(later));
    assertThat(next("Pending", null, null, false, NOW.minusSeconds(1), null))
        .isEqualTo(new BackupStep.Start());
  }

  @Test
  void next_runningWithTask_pollsIt() {
    assertThat(next("Running", UPID, null, false, null, null))
        .isEqualTo(new BackupStep.PollTask(UPID));
  }

  @Test
  void next_runningWithoutTask_recoversBeforeStartingAnother() {
    assertThat(next("Running", null, null, false, null, null)).isEqualTo(new BackupStep.Recover());
  }

  @Test
  void next_completed_checksTheArchiveUntilItExpires() {
    assertThat(next("Completed", null, "s:backup/a.tar.zst", false, null, NOW.plusSeconds(1)))
        .isEqualTo(new BackupStep.CheckArchive());
    assertThat(next("Completed", null, "s:backup/a.tar.zst", false, null, NOW))
        .isEqualTo(new BackupStep.Expire());
  }

  @Test
  void next_failedOrMissing_doesNothing() {
    assertThat(next("Failed", null, null, false, null, null)).isEqualTo(new BackupStep.Nothing());
    assertThat(next("Missing", null, "s:backup/a", false, null, null))
        .isEqualTo(new BackupStep.Nothing());
  }

  @Test
  void next_deletedWithArchive_deletesItFirst() {
    assertThat(next("Completed", null, "s:backup/a", true, null, null))
        .isEqualTo(new BackupStep.DeleteArchive(null));
  }

  @Test
  void next_deletedWithoutArchive_removesTheRow() {
    assertThat(next("Failed", null, null, true, null, null)).isEqualTo(new BackupStep.RemoveRow());
    assertThat(next("Missing", null, "s:backup/a", true, null, null))
        .isEqualTo(new BackupStep.RemoveRow());
  }

  @Test
  void next_deletedWhileVzdumpRuns_waitsForTheTaskFirst() {
    assertThat(next("Running", UPID, null, true, null, null))
        .isEqualTo(new BackupStep.PollTask(UPID));
  }

  private static TaskStatus stopped(String exit) {
    return new TaskStatus(
        Upid.parse(UPID),
        "pve1",
        "vzdump",
        "9001",
        "root@pam",
        Optional.empty(),
        false,
        Optional.of(exit),
        0);
  }

  private static TaskOutcome outcome(String exit, int attempts, String... log) {
    return TaskOutcome.of(
        stopped(exit),
        VzdumpLog.parse(List.of(log)),
        "vzdump-backups",
        attempts,
        3,
        Duration.ofSeconds(10),
        Duration.ofMinutes(5));
  }

  @Test
  void outcome_ok_givesTheVolidFromTheLog() {
    TaskOutcome o =
        outcome(
            "OK",
            1,
            "INFO: creating vzdump archive '/mnt/b/dump/vzdump-lxc-9001-2026_03_01-10_00_00.tar.zst'");
    assertThat(o).isInstanceOf(TaskOutcome.Succeeded.class);
    assertThat(((TaskOutcome.Succeeded) o).volid())
        .contains("vzdump-backups:backup/vzdump-lxc-9001-2026_03_01-10_00_00.tar.zst");
  }

  @Test
  void outcome_warnings_isASuccess() {
    assertThat(outcome("WARNINGS: 1", 1)).isInstanceOf(TaskOutcome.Succeeded.class);
  }

  @Test
  void outcome_lockedGuest_isAWaitNotAFailure() {
    assertThat(
            outcome("job errors", 3, "ERROR: Backup of VM 9001 failed - CT is locked (snapshot)"))
        .isEqualTo(
            new TaskOutcome.Locked(
                "snapshot", "job errors: Backup of VM 9001 failed - CT is locked (snapshot)"));
  }

  @Test
  void outcome_failureBelowMaxAttempts_retriesWithGrowingBackoff() {
    assertThat(outcome("job errors", 1, "ERROR: Backup of VM 9001 failed - disk full"))
        .isEqualTo(
            new TaskOutcome.Retry(
                "job errors: Backup of VM 9001 failed - disk full", Duration.ofSeconds(10)));
    assertThat(outcome("job errors", 2, "ERROR: x"))
        .isEqualTo(new TaskOutcome.Retry("job errors: x", Duration.ofSeconds(20)));
  }

  @Test
  void outcome_failureAtMaxAttempts_givesUpWithTheErrorLine() {
    assertThat(outcome("job errors", 3, "ERROR: Backup of VM 9001 failed - disk full"))
        .isEqualTo(new TaskOutcome.GaveUp("job errors: Backup of VM 9001 failed - disk full"));
  }

  @Test
  void backoff_isCappedAtTheMaximum() {
    assertThat(TaskOutcome.backoff(30, Duration.ofSeconds(10), Duration.ofMinutes(5)))
        .isEqualTo(Duration.ofMinutes(5));
  }
}
