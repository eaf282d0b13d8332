package io.cloudpods.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.manager.ControllerReadiness.Facts;
import io.cloudpods.manager.ControllerReadiness.Verdict;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the controller is ready, and the reasons readiness gives when it is not. */
class ControllerReadinessTest {

  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final Instant STARTED = NOW.minus(Duration.ofHours(1));
  private static final ChangeListenerState CONNECTED =
      new ChangeListenerState(true, STARTED, null, null);
  private static final Resync.ProxmoxContact ANSWERED =
      new Resync.ProxmoxContact(true, null, NOW.minusSeconds(10));

  private static Facts running(
      ChangeListenerState listener, Instant lastResync, Resync.ProxmoxContact proxmox) {
    return new Facts(true, STARTED, null, listener, lastResync, proxmox);
  }

  private static Verdict assess(Facts facts) {
    return ControllerReadiness.assess(facts, INTERVAL, NOW);
  }

  @Test
  void running_listening_recentlyResynced_proxmoxAnswered_isReady() {
    Verdict v = assess(running(CONNECTED, NOW.minusSeconds(10), ANSWERED));

    assertThat(v.ready()).isTrue();
    assertThat(v.reasons()).isEmpty();
    assertThat(v.data())
        .containsEntry("changeListener", "connected since " + STARTED)
        .containsEntry("lastFullResync", NOW.minusSeconds(10).toString())
        .containsEntry("proxmoxReachable", "true");
  }

  @Test
  void changeListenerDisconnected_isNotReady_withItsLastError() {
    Instant lost = NOW.minusSeconds(3);
    ChangeListenerState down =
        new ChangeListenerState(false, lost, "An I/O error occurred while sending", lost);

    Verdict v = assess(running(down, NOW.minusSeconds(10), ANSWERED));

    assertThat(v.ready()).isFalse();
    assertThat(v.reasons())
        .singleElement()
        .asString()
        .contains("change listener has been disconnected from PostgreSQL since " + lost)
        .contains("An I/O error occurred while sending");
    assertThat(v.data()).containsEntry("changeListener", "disconnected since " + lost);
  }

  @Test
  void changeListenerReconnected_isReady_andStillShowsItsLastError() {
    Instant lost = NOW.minusSeconds(60);
    ChangeListenerState back =
        new ChangeListenerState(true, NOW.minusSeconds(59), "terminating connection", lost);

    Verdict v = assess(running(back, NOW.minusSeconds(10), ANSWERED));

    assertThat(v.ready()).isTrue();
    assertThat(v.data())
        .containsEntry("changeListenerLastError", lost + ": terminating connection");
  }

  @Test
  void lastResyncOlderThanThreeIntervals_isNotReady() {
    Instant last = NOW.minusSeconds(91);

    Verdict v = assess(running(CONNECTED, last, ANSWERED));

    assertThat(v.ready()).isFalse();
    assertThat(v.reasons())
        .singleElement()
        .asString()
        .contains("the last full resync, at " + last + ", is older than 3 resync intervals");
  }

  @Test
  void lastResyncWithinThreeIntervals_isReady() {
    assertThat(assess(running(CONNECTED, NOW.minusSeconds(90), ANSWERED)).ready()).isTrue();
  }

  @Test
  void noResyncYet_isReadyJustAfterTheStart_butNotThreeIntervalsLater() {
    Facts justStarted = new Facts(true, NOW.minusSeconds(5), null, CONNECTED, null, null);
    Facts longAgo = new Facts(true, NOW.minusSeconds(120), null, CONNECTED, null, null);

    assertThat(assess(justStarted).ready()).isTrue();
    assertThat(assess(justStarted).data()).containsEntry("proxmoxReachable", "unknown");
    Verdict v = assess(longAgo);
    assertThat(v.ready()).isFalse();
    assertThat(v.reasons()).singleElement().asString().startsWith("no full resync in the");
  }

  @Test
  void proxmoxUnreachableAtTheLastResync_isNotReady() {
    Resync.ProxmoxContact refused =
        new Resync.ProxmoxContact(
            false, "GET /cluster/resources failed: Connection refused", NOW.minusSeconds(10));

    Verdict v = assess(running(CONNECTED, NOW.minusSeconds(10), refused));

    assertThat(v.ready()).isFalse();
    assertThat(v.reasons())
        .singleElement()
        .asString()
        .contains("Proxmox VE did not answer the last resync")
        .contains("Connection refused");
    assertThat(v.data()).containsEntry("proxmoxReachable", "false");
  }

  @Test
  void everyReason_isGiven() {
    ChangeListenerState down = new ChangeListenerState(false, NOW, "gone", NOW);
    Resync.ProxmoxContact refused = new Resync.ProxmoxContact(false, "refused", NOW);

    Verdict v = assess(running(down, NOW.minus(Duration.ofMinutes(10)), refused));

    assertThat(v.reasons()).hasSize(3);
  }

  @Test
  void waitingForProxmoxAtStart_isNotReady_withTheCheckSExplanation() {
    Instant since = NOW.minusSeconds(40);
    StartupCheck.State waiting =
        new StartupCheck.State(
            6,
            since,
            "Proxmox VE at https://pve:8006/api2/json refused the API token: HTTP 401"
                + " (check cloudpods.proxmox.token-id/token-secret and the token's privileges)",
            NOW);

    Verdict v = assess(new Facts(false, null, waiting, null, null, null));

    assertThat(v.ready()).isFalse();
    assertThat(v.reasons())
        .singleElement()
        .asString()
        .contains("waiting for Proxmox VE since " + since + " (6 attempts)")
        .contains("token-id/token-secret");
    assertThat(v.data())
        .containsEntry("controller", "waiting for Proxmox VE")
        .containsEntry("startupAttempts", "6");
  }

  @Test
  void firstStartupAttemptUnderWay_isNotReady() {
    Verdict v =
        assess(
            new Facts(false, null, new StartupCheck.State(0, NOW, null, null), null, null, null));

    assertThat(v.ready()).isFalse();
    assertThat(v.reasons()).singleElement().asString().contains("checking Proxmox VE");
  }

  @Test
  void stopped_isNotReady() {
    Verdict v = assess(new Facts(false, null, null, null, null, null));

    assertThat(v.ready()).isFalse();
    assertThat(v.data()).containsEntry("controller", "stopped");
  }
}
