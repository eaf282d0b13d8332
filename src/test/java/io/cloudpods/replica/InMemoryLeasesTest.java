package io.cloudpods.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.store.LeaseRecords.Grant;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The test double keeps to the SQL of {@link io.cloudpods.store.LeaseStore}. */
class InMemoryLeasesTest {

  private static final Duration SIX = Duration.ofSeconds(6);

  private final FakeTime time = new FakeTime();
  private final InMemoryLeases db = new InMemoryLeases(time);

  @Test
  void liveReplicas_areThoseSeenWithinTheTtl_inTheOrderTheyJoined() {
    db.heartbeat("B", "h", 1);
    time.advance(Duration.ofSeconds(1));
    db.heartbeat("A", "h", 2);
    time.advance(Duration.ofSeconds(1));
    db.heartbeat("C", "h", 3);
    db.heartbeat("B", "h", 1); // seen again: still the oldest

    assertThat(db.liveReplicas(SIX)).containsExactly("B", "A", "C");

    time.advance(Duration.ofSeconds(5)); // A last seen 6 s ago
    assertThat(db.liveReplicas(SIX)).containsExactly("B", "C");

    db.leave("B");
    assertThat(db.liveReplicas(SIX)).containsExactly("C");
  }

  @Test
  void aLease_isTakenOnlyOnceRunOutOrReleased_atLeastFreeForAgo_oneGenerationHigherEachTime() {
    assertThat(db.acquire("default", "A", SIX, Duration.ZERO)).contains(new Grant(1, SIX));
    assertThat(db.acquire("default", "B", SIX, Duration.ZERO)).isEmpty();

    time.advance(SIX); // run out just now
    assertThat(db.acquire("default", "B", SIX, SIX)).isEmpty();
    assertThat(db.acquire("default", "B", SIX, Duration.ZERO)).contains(new Grant(2, SIX));

    assertThat(db.release("default", "B", 2)).isTrue();
    assertThat(db.acquire("default", "C", SIX, Duration.ZERO)).contains(new Grant(3, SIX));
    assertThat(db.grants()).extracting(g -> g.holder()).containsExactly("A", "B", "C");
  }

  @Test
  void aRenewal_needsHolderAndGeneration_andALeaseNotRunOut() {
    db.acquire("default", "A", SIX, Duration.ZERO);
    time.advance(Duration.ofSeconds(5));

    assertThat(db.renew("default", "B", 1, SIX)).isEmpty();
    assertThat(db.renew("default", "A", 2, SIX)).isEmpty();
    assertThat(db.renew("default", "A", 1, SIX)).contains(SIX);

    time.advance(SIX);
    assertThat(db.renew("default", "A", 1, SIX)).isEmpty();
  }

  @Test
  void aProof_runsItsIntentOnlyWithMoreThanAtLeastLeft() {
    db.acquire("default", "A", SIX, Duration.ZERO);
    AtomicBoolean ran = new AtomicBoolean();
    time.advance(Duration.ofSeconds(3));

    assertThat(db.proveThen("default", "A", 1, Duration.ofSeconds(3), () -> ran.set(true)))
        .contains(Duration.ofSeconds(3));
    assertThat(ran).isFalse();
    assertThat(db.proveThen("default", "A", 1, Duration.ofMillis(2_999), () -> ran.set(true)))
        .contains(Duration.ofSeconds(3));
    assertThat(ran).isTrue();
    assertThat(db.proveThen("default", "B", 1, Duration.ZERO, () -> {})).isEmpty();
  }

  @Test
  void anUnreachableDatabase_failsEveryCall() {
    db.unreachable(true);

    assertThatThrownBy(() -> db.heartbeat("A", "h", 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> db.acquire("default", "A", SIX, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);

    db.unreachable(false);
    db.heartbeat("A", "h", 1);
  }
}
