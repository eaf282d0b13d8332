package io.cloudpods.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskStatusTest {

  private static final Upid UPID =
      Upid.parse("UPID:pve:0001E240:016E6414:63AD7D74:vzclone:9000:ctl@pve!ctl:");

  private static TaskStatus stopped(String exit) {
    return new TaskStatus(
        UPID,
        "pve",
        "vzclone",
        "9000",
        "ctl@pve",
        Optional.of("ctl"),
        false,
        Optional.of(exit),
        1L);
  }

  @Test
  void isOk_exitStatusOk_true() {
    assertThat(stopped("OK").isOk()).isTrue();
    assertThat(stopped("OK").failure()).isEmpty();
  }

  @Test
  void isOk_warningsExitStatus_countsAsSuccessWithWarningCount() {
    TaskStatus s = stopped("WARNINGS: 2");

    assertThat(s.isOk()).isTrue();
    assertThat(s.isFailed()).isFalse();
    assertThat(s.warningCount()).isEqualTo(2);
    assertThat(s.failure()).isEmpty();
  }

  @Test
  void isOk_errorText_failedWithClassifiedFailure() {
    TaskStatus s =
        stopped("clone failed: cfs-lock 'storage-clients-main' error: got lock request timeout");

    assertThat(s.isOk()).isFalse();
    assertThat(s.isFailed()).isTrue();
    assertThat(s.failure()).get().isInstanceOf(ProxmoxLockTimeoutException.class);
  }

  @Test
  void isOk_running_neitherOkNorFailed() {
    TaskStatus s =
        new TaskStatus(
            UPID,
            "pve",
            "vzclone",
            "9000",
            "ctl@pve",
            Optional.empty(),
            true,
            Optional.empty(),
            1L);

    assertThat(s.isOk()).isFalse();
    assertThat(s.isFailed()).isFalse();
    assertThat(s.failure()).isEmpty();
  }

  @Test
  void isOk_okPrefixedText_notMistakenForSuccess() {
    assertThat(stopped("OKAY not really").isOk()).isFalse();
    assertThat(stopped("WARNINGS: two").isOk()).isFalse();
  }
}
