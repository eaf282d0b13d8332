package io.cloudpods.store;

import static io.cloudpods.testsupport.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The leases' SQL (migration V14) on PostgreSQL's clock: one holder at a time, a generation that
 * grows on every grant, renewal and proof only for the holder at its generation, and a release that
 * lets the next replica in at once.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class LeaseStoreTest {

  private static final Duration SIX = Duration.ofSeconds(6);

  @Inject LeaseStore leases;

  @Test
  void aHeldLease_isRefusedToAnother_andRenewedOnlyByItsHolderAtItsGeneration() {
    String c = unique("cluster");
    LeaseRecords.Grant a = leases.acquire(c, "a", SIX, Duration.ZERO).orElseThrow();

    assertThat(leases.acquire(c, "b", SIX, Duration.ZERO)).isEmpty();
    assertThat(a.left()).isBetween(Duration.ofSeconds(5), SIX);
    assertThat(leases.renew(c, "a", a.generation(), SIX)).isPresent();
    assertThat(leases.renew(c, "b", a.generation(), SIX)).isEmpty();
    assertThat(leases.renew(c, "a", a.generation() + 1, SIX)).isEmpty();
  }

  @Test
  void aLeaseThatRanOut_isTakenWithAHigherGeneration_andTheOldHolderCanNeitherRenewNorProve()
      throws Exception {
    String c = unique("cluster");
    LeaseRecords.Grant a = leases.acquire(c, "a", Duration.ofMillis(300), Duration.ZERO).get();
    Thread.sleep(400);

    LeaseRecords.Grant b = leases.acquire(c, "b", SIX, Duration.ZERO).orElseThrow();

    assertThat(b.generation()).isEqualTo(a.generation() + 1);
    assertThat(leases.renew(c, "a", a.generation(), SIX)).isEmpty();
    AtomicBoolean ran = new AtomicBoolean();
    assertThat(leases.proveThen(c, "a", a.generation(), Duration.ZERO, () -> ran.set(true)))
        .isEmpty();
    assertThat(ran).isFalse();
    assertThat(leases.leases())
        .filteredOn(l -> l.cluster().equals(c))
        .singleElement()
        .satisfies(l -> assertThat(l.holder()).isEqualTo("b"));
  }

  @Test
  void proof_runsTheIntentOnlyWithMoreThanTheCallTimeoutLeft() {
    String c = unique("cluster");
    LeaseRecords.Grant a = leases.acquire(c, "a", SIX, Duration.ZERO).get();
    AtomicBoolean ran = new AtomicBoolean();

    assertThat(
            leases.proveThen(c, "a", a.generation(), Duration.ofSeconds(10), () -> ran.set(true)))
        .isPresent();
    assertThat(ran).as("6 s left is not more than 10 s").isFalse();

    assertThat(leases.proveThen(c, "a", a.generation(), Duration.ofSeconds(3), () -> ran.set(true)))
        .isPresent();
    assertThat(ran).isTrue();
  }

  @Test
  void aReleasedLease_isTakenAtOnce_butOnlyAfterFreeForByAReplicaItIsNotAssignedTo()
      throws Exception {
    String c = unique("cluster");
    LeaseRecords.Grant a = leases.acquire(c, "a", SIX, Duration.ZERO).get();
    assertThat(leases.release(c, "a", a.generation())).isTrue();

    assertThat(leases.acquire(c, "c", SIX, Duration.ofSeconds(2))).isEmpty();
    LeaseRecords.Grant b = leases.acquire(c, "b", SIX, Duration.ZERO).orElseThrow();
    assertThat(b.generation()).isEqualTo(a.generation() + 1);
  }

  @Test
  void replicas_areLiveWhileSeen_inTheOrderTheyJoined_andGoneWhenTheyLeave() throws Exception {
    String first = unique("replica");
    String second = unique("replica");
    leases.heartbeat(first, "host-a", 11);
    Thread.sleep(5);
    leases.heartbeat(second, "host-b", 12);

    assertThat(leases.liveReplicas(SIX)).containsSubsequence(first, second);
    leases.leave(first);
    assertThat(leases.liveReplicas(SIX)).doesNotContain(first).contains(second);
    assertThat(leases.replicas())
        .filteredOn(r -> r.id().equals(second))
        .singleElement()
        .satisfies(r -> assertThat(r.pid()).isEqualTo(12));
    leases.leave(second);
  }
}
