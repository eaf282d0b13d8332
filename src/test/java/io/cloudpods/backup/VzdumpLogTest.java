package io.cloudpods.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VzdumpLogTest {

  @Test
  void parse_successfulRun_readsTheArchiveAndThePrunedVolids() {
    VzdumpLog log =
        VzdumpLog.parse(
            List.of(
                "INFO: starting new backup job: vzdump 9001 --storage vzdump-backups --mode snapshot",
                "INFO: Starting Backup of VM 9001 (lxc)",
                "INFO: creating vzdump archive"
                    + " '/mnt/vzdump-backups/dump/vzdump-lxc-9001-2026_03_01-02_00_05.tar.zst'",
                "INFO: Finished Backup of VM 9001",
                "INFO: prune older backups with retention: keep-last=2",
                "INFO: removing backup"
                    + " 'vzdump-backups:backup/vzdump-lxc-9001-2026_02_27-02_00_04.tar.zst'",
                "INFO: removing backup"
                    + " 'vzdump-backups:backup/vzdump-lxc-9001-2026_02_28-02_00_03.tar.zst'",
                "INFO: Backup job finished successfully"));
    assertThat(log.volid("vzdump-backups"))
        .contains("vzdump-backups:backup/vzdump-lxc-9001-2026_03_01-02_00_05.tar.zst");
    assertThat(log.removedVolids())
        .containsExactly(
            "vzdump-backups:backup/vzdump-lxc-9001-2026_02_27-02_00_04.tar.zst",
            "vzdump-backups:backup/vzdump-lxc-9001-2026_02_28-02_00_03.tar.zst");
    assertThat(log.error()).isEmpty();
    assertThat(log.fellBackToSuspend()).isFalse();
  }

  @Test
  void parse_realProxmoxPrefixes_readsTheArchiveFileName() {
    VzdumpLog log =
        VzdumpLog.parse(
            List.of(
                "INFO: creating vzdump archive"
                    + " '/var/lib/vz/dump/vzdump-lxc-101-2023_05_01-10_00_00.tar.zst'"));
    assertThat(log.archiveFile()).contains("vzdump-lxc-101-2023_05_01-10_00_00.tar.zst");
    assertThat(log.volid("local"))
        .contains("local:backup/vzdump-lxc-101-2023_05_01-10_00_00.tar.zst");
  }

  @Test
  void parse_failedGuest_givesTheErrorLineForTheMessage() {
    VzdumpLog log =
        VzdumpLog.parse(
            List.of(
                "INFO: Starting Backup of VM 9001 (lxc)",
                "ERROR: Backup of VM 9001 failed - vma_queue_write: write error - No space left on"
                    + " device",
                "INFO: Failed at 2026-03-01 02:00:10"));
    assertThat(log.archiveFile()).isEmpty();
    assertThat(log.failureMessage("job errors"))
        .isEqualTo(
            "job errors: Backup of VM 9001 failed - vma_queue_write: write error - No space left on"
                + " device");
    assertThat(log.lockedBy()).isEmpty();
  }

  @Test
  void parse_lockedGuest_namesTheLock() {
    VzdumpLog log =
        VzdumpLog.parse(List.of("ERROR: Backup of VM 9001 failed - CT is locked (snapshot)"));
    assertThat(log.lockedBy()).contains("snapshot");
  }

  @Test
  void parse_snapshotModeOnPlainVolumes_reportsTheFallBackToSuspend() {
    VzdumpLog log =
        VzdumpLog.parse(
            List.of(
                "INFO: mode failure - some volumes do not support snapshots",
                "INFO: trying 'suspend' mode instead",
                "INFO: creating vzdump archive '/mnt/b/dump/vzdump-lxc-9001-2026_03_01-02_00_05.tar'"));
    assertThat(log.fellBackToSuspend()).isTrue();
    assertThat(log.archiveFile()).isPresent();
  }

  @Test
  void parse_nodeLockTimeout_isRecognised() {
    VzdumpLog log =
        VzdumpLog.parse(List.of("ERROR: can't acquire lock '/var/run/vzdump.lock' - got timeout"));
    assertThat(log.nodeLockTimeout()).isTrue();
  }

  @Test
  void failureMessage_withoutErrorLine_isTheExitStatus() {
    assertThat(VzdumpLog.parse(List.of()).failureMessage("job errors")).isEqualTo("job errors");
  }
}
