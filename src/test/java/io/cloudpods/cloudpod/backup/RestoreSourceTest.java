package io.cloudpods.cloudpod.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestoreSourceTest {

  private static final String VOLID = "vzdump-backups:backup/vzdump-lxc-9001-x.tar.zst";

  private static BackupView backup(String phase, boolean shared, boolean missing) {
    return new BackupView(
        "web-1-daily", "web-1", phase, VOLID, "pve", "vzdump-backups", shared, "", missing);
  }

  @Test
  void resolve_completedOnLocalStorage_pinsThePodToTheBackupsNode() {
    assertThat(RestoreSource.resolve("b", Optional.of(backup("Completed", false, false)), null))
        .isEqualTo(new RestoreSource.Usable(VOLID, "vzdump-backups", Optional.of("pve")));
  }

  @Test
  void resolve_completedOnSharedStorage_leavesPlacementFree() {
    assertThat(RestoreSource.resolve("b", Optional.of(backup("Completed", true, false)), "pve-02"))
        .isEqualTo(new RestoreSource.Usable(VOLID, "vzdump-backups", Optional.empty()));
  }

  @Test
  void resolve_localStorageOfAnotherNodeThanSpecNode_namesBoth() {
    RestoreSource.Resolution r =
        RestoreSource.resolve("b", Optional.of(backup("Completed", false, false)), "pve-02");

    assertThat(r).isInstanceOf(RestoreSource.NotUsable.class);
    assertThat(((RestoreSource.NotUsable) r).message())
        .contains("spec.restoreFrom", "pve-02", "node pve", "vzdump-backups");
  }

  @Test
  void resolve_eachUnusableState_saysWhy() {
    assertThat(RestoreSource.resolve("b", Optional.empty(), null))
        .isEqualTo(new RestoreSource.NotUsable("spec.restoreFrom: backup 'b' does not exist"));
    assertThat(RestoreSource.resolve("b", Optional.of(backup("Running", false, false)), null))
        .isEqualTo(
            new RestoreSource.NotUsable("spec.restoreFrom: backup 'b' is Running, not Completed"));
    assertThat(RestoreSource.resolve("b", Optional.of(backup("Completed", false, true)), null))
        .isEqualTo(
            new RestoreSource.NotUsable(
                "spec.restoreFrom: the archive of backup 'b' is missing from storage vzdump-backups"));
    BackupView failed =
        new BackupView(
            "b", "web-1", "Failed", null, "pve", "vzdump-backups", false, "job errors", false);
    assertThat(RestoreSource.resolve("b", Optional.of(failed), null))
        .isEqualTo(new RestoreSource.NotUsable("spec.restoreFrom: backup 'b' failed: job errors"));
  }
}
