package io.cloudpods.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cloudpods.proxmox.FencedException;
import io.cloudpods.proxmox.MutationFence.Permit;
import io.cloudpods.store.LeaseRecords;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The fence of one cluster's Proxmox changes: permits counted down on the monotonic clock, proofs
 * in the database when that count runs low, and stepping down past the calls in flight.
 */
class ClusterLeaseTest {

  private static final Duration DURATION = TestLeaseConfig.DURATION;
  private static final Duration CALL_TIMEOUT = TestLeaseConfig.CALL_TIMEOUT;

  private final FakeTime time = new FakeTime();
  private final InMemoryLeases db = new InMemoryLeases(time);
  private final ClusterLease lease =
      new ClusterLease("default", "A", db, CALL_TIMEOUT, time.monotonic());

  /** What the keeper does when it takes the lease. */
  private long take() {
    long askedAt = time.nanos();
    LeaseRecords.Grant g = db.acquire("default", "A", DURATION, Duration.ZERO).orElseThrow();
    lease.granted(g.generation(), g.left(), askedAt);
    return g.generation();
  }

  /** Another replica takes the lease over (after it was released), without A hearing of it. */
  private void takenOverByB(long generation) {
    assertThat(db.release("default", "A", generation)).isTrue();
    assertThat(db.acquire("default", "B", DURATION, Duration.ZERO)).isPresent();
  }

  @Test
  void aLeaseNotHeld_givesNoPermit_andCountsNothingInFlight() {
    assertThat(lease.held()).isFalse();
    assertThat(lease.generation()).isZero();

    assertThatThrownBy(() -> lease.permit("POST /nodes/pve/lxc"))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("POST /nodes/pve/lxc not made")
        .hasMessageContaining("replica A does not hold the lease of cluster default");

    // a refused permit left in flight would make stepDown wait out the call timeout, which the
    // frozen clock never reaches
    take();
    assertTimeoutPreemptively(Duration.ofSeconds(5), lease::stepDown);
    assertThat(db.proofs()).isZero();
  }

  @Test
  void aPermitWhilePlentyIsLeft_needsNoProofFromTheDatabase() {
    take();
    db.unreachable(true); // so any question to the database would fail
    time.advance(Duration.ofMillis(2_900)); // 3.1 s left, more than the call timeout

    Permit p = lease.permit("POST /nodes/pve/lxc/9000/clone");

    assertThat(p.callTimeout()).isEqualTo(CALL_TIMEOUT);
    assertThat(p.validUntilNanos()).isEqualTo(time.nanos() + CALL_TIMEOUT.toNanos());
    assertThat(lease.stillValid(p)).isTrue();
    assertThat(db.proofs()).isZero();
    lease.done(p);
  }

  @Test
  void aPermitsToken_namesClusterGenerationAndReplica() {
    long first = take();
    lease.stepDown();
    assertThat(db.release("default", "A", first)).isTrue();
    long second = take();

    Permit p = lease.permit("DELETE /nodes/pve/lxc/9000");

    assertThat(second).isEqualTo(2);
    assertThat(p.token()).isEqualTo("default/2/A");
    lease.done(p);
  }

  @Test
  void aPermitNearTheEndOfTheLocalCount_asksTheDatabase_andIsGivenWhenItStillHoldsTheLease() {
    long g = take();
    time.advance(Duration.ofMillis(3_500)); // 2.5 s left on the local count
    // renewed in the database, but the answer never reached the local count (it came back late)
    assertThat(db.renew("default", "A", g, DURATION)).isPresent();

    Permit p = lease.permit("POST /nodes/pve/lxc/9000/status/start");

    assertThat(db.proofs()).isEqualTo(1);
    assertThat(p.token()).isEqualTo("default/" + g + "/A");
    assertThat(lease.held()).isTrue();
    lease.done(p);

    // the proof extended the local count: the next permit needs none
    lease.done(lease.permit("POST /nodes/pve/lxc/9000/status/stop"));
    assertThat(db.proofs()).isEqualTo(1);
  }

  @Test
  void aPermitNearTheEndOfTheLocalCount_isRefused_whenTheDatabaseSaysTheLeaseIsGone() {
    long g = take();
    takenOverByB(g);
    time.advance(Duration.ofMillis(3_500)); // 2.5 s left on the local count: ask the database

    assertThatThrownBy(() -> lease.permit("POST /nodes/pve/lxc/9000/clone"))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("does not hold the lease of cluster default");

    assertThat(db.proofs()).isEqualTo(1);
    assertThat(lease.held()).isFalse();
    // kept until the keeper's next round steps down and tells the controller
    assertThat(lease.generation()).isEqualTo(g);
    assertTimeoutPreemptively(Duration.ofSeconds(5), lease::stepDown); // nothing left in flight
  }

  @Test
  void aPermitNearTheEnd_isRefused_whenTheDatabaseHasNoMoreThanTheCallTimeoutLeft() {
    take();
    time.advance(Duration.ofMillis(3_500)); // 2.5 s left, in the database too

    assertThatThrownBy(() -> lease.permit("POST /nodes/pve/lxc/9000/clone"))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("2500 ms left, not more than the call timeout 3000 ms");

    assertThat(db.proofs()).isEqualTo(1);
    assertTimeoutPreemptively(Duration.ofSeconds(5), lease::stepDown); // nothing left in flight
  }

  @Test
  void aPermitNearTheEnd_isNotGiven_whileTheDatabaseCannotBeReached() {
    take();
    time.advance(Duration.ofMillis(3_500));
    db.unreachable(true);

    assertThatThrownBy(() -> lease.permit("POST /nodes/pve/lxc/9000/clone"))
        .isInstanceOf(RuntimeException.class);

    assertTimeoutPreemptively(Duration.ofSeconds(5), lease::stepDown); // nothing left in flight
  }

  @Test
  void aPermit_isNoLongerValid_onceTheMonotonicClockPassedItsValidity() {
    take();
    Permit p = lease.permit("POST /nodes/pve/lxc/9000/clone");

    time.advance(CALL_TIMEOUT.minusMillis(1));
    assertThat(lease.stillValid(p)).isTrue();

    // the process was paused between the permit and the write
    time.advance(Duration.ofMillis(1));
    assertThat(lease.stillValid(p)).isFalse();
    lease.done(p);
  }

  @Test
  void aPermit_isNoLongerValid_afterStepDown() {
    take();
    Permit p = lease.permit("POST /nodes/pve/lxc/9000/clone");
    lease.done(p);

    assertThat(lease.stepDown()).isEqualTo(1);

    assertThat(lease.stillValid(p)).isFalse();
    assertThat(lease.held()).isFalse();
  }

  @Test
  void aPermitOfAnEarlierGeneration_isNotValidUnderALaterOne() {
    long first = take();
    Permit old = lease.permit("POST /nodes/pve/lxc/9000/clone");
    lease.done(old);
    lease.stepDown();
    db.release("default", "A", first);
    take();

    assertThat(lease.stillValid(old)).isFalse();
  }

  @Test
  void proveThen_runsTheIntent_withTheProof() {
    take();
    AtomicBoolean stored = new AtomicBoolean();

    lease.proveThen("POST /nodes/pve/lxc/9000/clone", () -> stored.set(true));

    assertThat(stored).isTrue();
    assertThat(db.proofs()).isEqualTo(1);
  }

  @Test
  void proveThen_refuses_andStoresNoIntent_whenNoMoreThanTheCallTimeoutIsLeft() {
    take();
    time.advance(DURATION.minus(CALL_TIMEOUT)); // exactly the call timeout left
    AtomicBoolean stored = new AtomicBoolean();

    assertThatThrownBy(() -> lease.proveThen("POST /nodes/pve/lxc", () -> stored.set(true)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("not more than the call timeout");

    assertThat(stored).isFalse();
  }

  @Test
  void proveThen_refuses_andStoresNoIntent_whenTheLeaseIsGone() {
    long g = take();
    takenOverByB(g);
    AtomicBoolean stored = new AtomicBoolean();

    assertThatThrownBy(() -> lease.proveThen("POST /nodes/pve/lxc", () -> stored.set(true)))
        .isInstanceOf(FencedException.class);

    assertThat(stored).isFalse();
    assertThat(lease.held()).isFalse();
  }

  @Test
  void proveThen_refuses_withoutAskingTheDatabase_whenNotHeld() {
    AtomicBoolean stored = new AtomicBoolean();

    assertThatThrownBy(() -> lease.proveThen("POST /nodes/pve/lxc", () -> stored.set(true)))
        .isInstanceOf(FencedException.class);

    assertThat(stored).isFalse();
    assertThat(db.proofs()).isZero();
  }

  @Test
  void stepDown_waitsForAPermittedCallInFlight_untilItIsDone() throws Exception {
    take();
    Permit p = lease.permit("POST /nodes/pve/lxc/9000/clone");
    AtomicLong steppedDownFrom = new AtomicLong(-1);
    Thread t = new Thread(() -> steppedDownFrom.set(lease.stepDown()));
    t.start();
    awaitWaiting(t);

    assertThat(lease.stillValid(p)).isFalse(); // no new write while it waits
    assertThatThrownBy(() -> lease.permit("POST other")).isInstanceOf(FencedException.class);
    t.join(50);
    assertThat(t.isAlive()).isTrue();

    lease.done(p);
    t.join(5_000);

    assertThat(t.isAlive()).isFalse();
    assertThat(steppedDownFrom).hasValue(1);
  }

  @Test
  void stepDown_waitsNoLongerThanTheCallTimeout_forACallThatNeverEnds() throws Exception {
    take();
    lease.permit("POST /nodes/pve/lxc/9000/clone"); // never done
    Thread t = new Thread(lease::stepDown);
    t.start();
    awaitWaiting(t);

    time.advance(CALL_TIMEOUT.minusMillis(1));
    t.join(50);
    assertThat(t.isAlive()).isTrue();

    time.advance(Duration.ofMillis(1));
    t.join(5_000);
    assertThat(t.isAlive()).isFalse();
  }

  /** Until {@code t} sleeps in stepDown's wait (so its deadline is set). */
  private static void awaitWaiting(Thread t) {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (t.getState() != Thread.State.TIMED_WAITING) {
      assertThat(System.nanoTime()).as("stepDown never waited").isLessThan(end);
      Thread.onSpinWait();
    }
  }
}
