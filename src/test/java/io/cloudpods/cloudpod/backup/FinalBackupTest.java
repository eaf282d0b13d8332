package io.cloudpods.cloudpod.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FinalBackupTest {

  private static final String NAME = "web-1-final-6f1c2a9e";

  private static Optional<BackupView> backup(String phase, String message) {
    return Optional.of(
        new BackupView(
            NAME,
            "web-1",
            phase,
            "Completed".equals(phase) ? "vzdump-backups:backup/x.tar.zst" : null,
            "pve",
            "vzdump-backups",
            false,
            message,
            false));
  }

  @Test
  void decide_noBackupYet_requestsItAndMayNotDestroy() {
    FinalBackup.Decision d = FinalBackup.decide(true, false, NAME, Optional.empty());

    assertThat(d).isEqualTo(new FinalBackup.Request(NAME));
    assertThat(d.mayDestroy()).isFalse();
  }

  @Test
  void decide_pendingOrRunning_waits() {
    assertThat(FinalBackup.decide(true, false, NAME, backup("Pending", null)))
        .isEqualTo(new FinalBackup.Running(NAME, "Pending"));
    FinalBackup.Decision running = FinalBackup.decide(true, false, NAME, backup("Running", null));
    assertThat(running).isEqualTo(new FinalBackup.Running(NAME, "Running"));
    assertThat(running.mayDestroy()).isFalse();
  }

  @Test
  void decide_failed_keepsThePodWithTheBackupsMessage() {
    FinalBackup.Decision d =
        FinalBackup.decide(true, false, NAME, backup("Failed", "vzdump: job errors"));

    assertThat(d).isEqualTo(new FinalBackup.Failed(NAME, "vzdump: job errors"));
    assertThat(d.mayDestroy()).isFalse();
  }

  @Test
  void decide_failedWithoutMessage_stillSaysItFailed() {
    assertThat(FinalBackup.decide(true, false, NAME, backup("Failed", " ")))
        .isEqualTo(new FinalBackup.Failed(NAME, "backup failed"));
  }

  @Test
  void decide_completed_mayDestroy() {
    FinalBackup.Decision d = FinalBackup.decide(true, false, NAME, backup("Completed", null));

    assertThat(d).isEqualTo(new FinalBackup.Completed(NAME, "vzdump-backups:backup/x.tar.zst"));
    assertThat(d.mayDestroy()).isTrue();
  }

  @Test
  void decide_skipRequested_winsEvenOverAFailedOrRunningBackup() {
    assertThat(FinalBackup.decide(true, true, NAME, backup("Failed", "x")))
        .isEqualTo(new FinalBackup.Skipped());
    assertThat(FinalBackup.decide(true, true, NAME, backup("Running", null)).mayDestroy()).isTrue();
    assertThat(FinalBackup.decide(true, true, NAME, Optional.empty()).mayDestroy()).isTrue();
  }

  @Test
  void decide_notWanted_needsNone() {
    FinalBackup.Decision d = FinalBackup.decide(false, false, NAME, Optional.empty());

    assertThat(d).isEqualTo(new FinalBackup.NotWanted());
    assertThat(d.mayDestroy()).isTrue();
  }

  @Test
  void name_isDeterministicFromPodNameAndUid() {
    assertThat(FinalBackup.name("web-1", "6F1C2A9E-3b7d-4c1e-9a2f-0d5e8b7c6a41"))
        .isEqualTo("web-1-final-6f1c2a9e");
    assertThat(FinalBackup.name("web-1", "6f1c2a9e-3b7d-4c1e-9a2f-0d5e8b7c6a41"))
        .isEqualTo(FinalBackup.name("web-1", "6f1c2a9e-3b7d-4c1e-9a2f-0d5e8b7c6a41"));
  }

  @Test
  void name_ofALongPodName_staysALabelOf63() {
    String pod = "a".repeat(50) + "-" + "b".repeat(12);

    String name = FinalBackup.name(pod, "6f1c2a9e-3b7d-4c1e-9a2f-0d5e8b7c6a41");

    assertThat(name)
        .hasSize(63)
        .endsWith("-final-6f1c2a9e")
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }
}
