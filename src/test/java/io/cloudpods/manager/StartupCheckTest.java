package io.cloudpods.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.testsupport.FakeProxmoxClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class StartupCheckTest {

  private final FakeProxmoxClient proxmox = new FakeProxmoxClient();
  private final List<Integer> delayedAttempts = new ArrayList<>();
  private final StartupCheck check =
      new StartupCheck(proxmox, "https://pve.example:8006/api2/json", this::runAtOnce);

  private Executor runAtOnce(int attempt) {
    delayedAttempts.add(attempt);
    return Runnable::run;
  }

  @Test
  void proxmoxAnswers_checkReturnsAfterOneCall() {
    check.await();

    assertThat(proxmox.calls("version")).isEqualTo(1);
    assertThat(delayedAttempts).isEmpty();
  }

  @Test
  void serverErrors_areTriedAgainAfterADelay_untilProxmoxAnswers() {
    proxmox.failNext("version", FakeProxmoxClient.httpError(500, "got timeout"));
    proxmox.failNext("version", FakeProxmoxClient.httpError(503, "Service Unavailable"));

    check.await();

    assertThat(proxmox.calls("version")).isEqualTo(3);
    assertThat(delayedAttempts).containsExactly(2, 3);
  }

  @Test
  void serverErrorsEveryTime_failAfterFiveAttempts() {
    for (int i = 0; i < StartupCheck.ATTEMPTS; i++) {
      proxmox.failNext("version", FakeProxmoxClient.httpError(500, "got timeout"));
    }

    assertThatThrownBy(check::await)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot reach Proxmox VE at https://pve.example:8006/api2/json")
        .hasMessageContaining("check cloudpods.proxmox.url");
    assertThat(proxmox.calls("version")).isEqualTo(StartupCheck.ATTEMPTS);
  }

  @Test
  void badToken_failsAtOnceNamingTheSettings() {
    proxmox.failNext("version", FakeProxmoxClient.httpError(401, "authentication failure"));

    assertThatThrownBy(check::await)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("token-id/token-secret");
    assertThat(proxmox.calls("version")).isEqualTo(1);
    assertThat(delayedAttempts).isEmpty();
  }
}
