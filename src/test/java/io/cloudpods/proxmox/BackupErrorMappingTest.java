package io.cloudpods.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The texts Proxmox answers around backups, prune and restore (pve-manager {@code VZDump.pm},
 * pve-storage {@code Plugin.pm}/{@code Storage.pm}/{@code Content.pm}, pve-container {@code
 * API2/LXC.pm}, pve-cluster {@code check_vmid_unused}) and the type each must become, as HTTP
 * errors and as a failed task's exit status.
 */
class BackupErrorMappingTest {
  private static final Upid VZDUMP =
      Upid.parse("UPID:pve:0001E240:016E6414:63AD7D74:vzdump:9101:ctl@pve!ctl:");
  private static final Upid IMGDEL =
      Upid.parse("UPID:pve:0001E241:016E6415:63AD7D75:imgdel:9101@vzdump-backups:ctl@pve!ctl:");

  private static ProxmoxException http500(String message) {
    return ProxmoxErrorMapper.fromHttp(
        "POST",
        "/nodes/pve/lxc",
        500,
        message,
        "{\"data\":null,\"message\":\"" + message + "\\n\"}");
  }

  @Test
  void theNodesVzdumpLockTimeout_isALockTimeout_namingTheLockFile() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromTaskFailure(
            VZDUMP, "can't acquire lock '/var/run/vzdump.lock' - got timeout");

    assertThat(e)
        .isInstanceOfSatisfying(
            ProxmoxLockTimeoutException.class,
            t -> assertThat(t.resource()).isEqualTo("/var/run/vzdump.lock"));
  }

  @Test
  void aGuestLockedForBackup_isLockedWithTheLockName() {
    assertThat(http500("CT is locked (backup)"))
        .isInstanceOfSatisfying(
            ProxmoxLockedException.class, e -> assertThat(e.lock()).isEqualTo("backup"));
  }

  @Test
  void vzdumpsPermissionCheckInsideTheTask_isAPermissionError() {
    assertThat(
            ProxmoxErrorMapper.fromTaskFailure(
                VZDUMP, "Permission check failed (/vms/101, VM.Backup)"))
        .isInstanceOf(ProxmoxPermissionException.class)
        .hasMessageContaining("/vms/101, VM.Backup");
  }

  @Test
  void deletingAProtectedBackup_failsItsTask_asRejected() {
    assertThat(
            ProxmoxErrorMapper.fromTaskFailure(
                IMGDEL,
                "cannot remove protected volume 'backup/vzdump-lxc-9101-2026_12_02-10_00_00.tar.zst'"
                    + " on 'vzdump-backups'"))
        .isInstanceOf(ProxmoxRejectedException.class);
  }

  @Test
  void theProtectedBackupLimit_isRejected_asAnswerAndAsVzdumpFailure() {
    String text =
        "The number of protected backups per guest is limited to 5 on storage 'vzdump-backups'";
    assertThat(http500(text)).isInstanceOf(ProxmoxRejectedException.class);
    assertThat(ProxmoxErrorMapper.fromTaskFailure(VZDUMP, text))
        .isInstanceOf(ProxmoxRejectedException.class);
  }

  @Test
  void aMissingVolume_isNotFound() {
    assertThat(
            http500(
                "volume_size_info on 'vzdump-backups:backup/vzdump-lxc-9101-2026_12_02-10_00_00"
                    + ".tar.zst' failed - no format"))
        .isInstanceOf(ProxmoxNotFoundException.class);
    assertThat(http500("volume 'vzdump-backups:backup/x.tar.zst' does not exist"))
        .isInstanceOf(ProxmoxNotFoundException.class);
  }

  @Test
  void restoreOntoAnExistingVmidWithoutForce_isAlreadyExists() {
    assertThat(http500("CT 9101 already exists on node 'pve'"))
        .isInstanceOf(ProxmoxAlreadyExistsException.class);
  }

  @Test
  void forcedRestoreOverARunningContainer_isAPowerStateError_running() {
    assertThat(http500("can't overwrite running container"))
        .isInstanceOfSatisfying(
            ProxmoxPowerStateException.class,
            e -> assertThat(e.actualState()).isEqualTo(PowerState.RUNNING));
  }

  @Test
  void restoreOverAProtectedContainer_isRejected() {
    assertThat(http500("unable to restore CT 9101 - protection mode enabled"))
        .isInstanceOf(ProxmoxRejectedException.class);
  }

  @Test
  void aVzdumpWithFailedGuests_staysAPlainTaskFailure() {
    assertThat(ProxmoxErrorMapper.fromTaskFailure(VZDUMP, "job errors"))
        .isInstanceOf(ProxmoxTaskFailedException.class);
  }
}
