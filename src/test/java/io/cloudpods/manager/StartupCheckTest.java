package io.cloudpods.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException.ErrorContext;
import io.cloudpods.proxmox.ProxmoxTlsException;
import io.cloudpods.testsupport.FakeProxmoxClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The start-up check never stops the process: every failure is explained (naming the settings to
 * check) and the next attempt is scheduled after a growing delay, until Proxmox answers.
 */
class StartupCheckTest {

  private static final String URL = "https://pve.example:8006/api2/json";

  private final FakeProxmoxClient proxmox = new FakeProxmoxClient();
  private final List<Duration> delays = new ArrayList<>();
  private final Deque<Runnable> scheduled = new ArrayDeque<>();
  private final List<ProxmoxClient> handedOver = new ArrayList<>();
  private boolean schedulerShutDown;

  private StartupCheck check(Supplier<ProxmoxClient> clients) {
    return new StartupCheck(
        clients,
        URL,
        (delay, task) -> {
          if (schedulerShutDown) {
            throw new RejectedExecutionException("shut down");
          }
          delays.add(delay);
          scheduled.add(task);
        },
        Duration.ofSeconds(1),
        Duration.ofSeconds(4),
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
        (self, client) -> handedOver.add(client));
  }

  private final StartupCheck check = check(() -> proxmox);

  /** Runs the scheduled attempts one by one, at most {@code n}. */
  private void runAttempts(int n) {
    for (int i = 0; i < n && !scheduled.isEmpty(); i++) {
      scheduled.poll().run();
    }
  }

  @Test
  void proxmoxAnswers_theClientIsHandedOverAfterOneCall() {
    check.begin();
    runAttempts(10);

    assertThat(proxmox.calls("version")).isEqualTo(1);
    assertThat(handedOver).containsExactly(proxmox);
    assertThat(delays).containsExactly(Duration.ZERO);
    assertThat(check.state().attempts()).isEqualTo(1);
    assertThat(check.state().lastError()).isNull();
  }

  @Test
  void unreachable_isTriedAgainWithGrowingDelays_untilProxmoxAnswers() {
    for (int i = 0; i < 5; i++) {
      proxmox.failNext("version", FakeProxmoxClient.unavailable());
    }

    check.begin();
    runAttempts(5);

    assertThat(handedOver).isEmpty();
    assertThat(check.state().attempts()).isEqualTo(5);
    assertThat(check.state().lastError())
        .contains("cannot reach Proxmox VE at " + URL)
        .contains("Connection timed out")
        .contains("check cloudpods.proxmox.url");

    runAttempts(10);

    assertThat(handedOver).containsExactly(proxmox);
    assertThat(proxmox.calls("version")).isEqualTo(6);
    assertThat(delays)
        .containsExactly(
            Duration.ZERO,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4),
            Duration.ofSeconds(4));
  }

  @Test
  void serverErrors_areTriedAgain_withoutALimit() {
    for (int i = 0; i < 20; i++) {
      proxmox.failNext("version", FakeProxmoxClient.httpError(500, "got timeout"));
    }

    check.begin();
    runAttempts(100);

    assertThat(proxmox.calls("version")).isEqualTo(21);
    assertThat(handedOver).containsExactly(proxmox);
  }

  @Test
  void badToken_isReportedNamingTheSettings_andTriedAgain() {
    proxmox.failNext("version", FakeProxmoxClient.httpError(401, "authentication failure"));

    check.begin();
    runAttempts(1);

    assertThat(check.state().lastError())
        .contains("Proxmox VE at " + URL + " refused the API token")
        .contains("token-id/token-secret");
    assertThat(handedOver).isEmpty();
    assertThat(scheduled).hasSize(1); // a token can be fixed in Proxmox without a restart here

    runAttempts(1);
    assertThat(handedOver).containsExactly(proxmox);
  }

  @Test
  void missingPrivilege_isReportedAsARefusedToken() {
    proxmox.failNext(
        "version", FakeProxmoxClient.httpError(403, "Permission check failed (/, Sys.Audit)"));

    check.begin();
    runAttempts(1);

    assertThat(check.state().lastError())
        .contains("refused the API token")
        .contains("Permission check failed")
        .contains("privileges");
  }

  @Test
  void tlsFailure_isReportedNamingTheTlsSettings() {
    proxmox.failNext(
        "version",
        new ProxmoxTlsException(
            ErrorContext.of("GET", "/version"), "TLS handshake failed: PKIX path failed", null));

    check.begin();
    runAttempts(1);

    assertThat(check.state().lastError())
        .contains("cannot reach Proxmox VE at " + URL)
        .contains("TLS handshake failed")
        .contains("cloudpods.proxmox.fingerprint, ca-cert or verify-tls");
    assertThat(scheduled).hasSize(1);
  }

  @Test
  void invalidSettings_areReported_andTriedAgain() {
    int[] builds = {0};
    StartupCheck c =
        check(
            () -> {
              if (builds[0]++ == 0) {
                throw new IllegalArgumentException("cloudpods.proxmox.token-secret is required");
              }
              return proxmox;
            });

    c.begin();
    runAttempts(1);

    assertThat(c.state().lastError())
        .contains("settings are invalid")
        .contains("cloudpods.proxmox.token-secret is required");
    assertThat(handedOver).isEmpty();

    runAttempts(1);
    assertThat(handedOver).containsExactly(proxmox);
  }

  @Test
  void aFailingHandOver_isTriedAgain() {
    List<ProxmoxClient> tries = new ArrayList<>();
    StartupCheck c =
        new StartupCheck(
            () -> proxmox,
            URL,
            (delay, task) -> scheduled.add(task),
            Duration.ofSeconds(1),
            Duration.ofSeconds(4),
            Clock.systemUTC(),
            (self, client) -> {
              tries.add(client);
              if (tries.size() == 1) {
                throw new IllegalStateException("listener thread could not start");
              }
            });

    c.begin();
    runAttempts(1);
    assertThat(c.state().lastError()).contains("listener thread could not start");

    runAttempts(1);
    assertThat(tries).hasSize(2);
    assertThat(scheduled).isEmpty();
  }

  @Test
  void cancelled_makesNoFurtherCallAndHandsNothingOver() {
    proxmox.failNext("version", FakeProxmoxClient.unavailable());
    check.begin();
    runAttempts(1);

    check.cancel();
    runAttempts(10);

    assertThat(proxmox.calls("version")).isEqualTo(1);
    assertThat(handedOver).isEmpty();
  }

  @Test
  void aSchedulerShutDown_endsTheCheckQuietly() {
    proxmox.failNext("version", FakeProxmoxClient.unavailable());
    check.begin();
    schedulerShutDown = true;

    runAttempts(1);

    assertThat(scheduled).isEmpty();
    assertThat(handedOver).isEmpty();
  }
}
