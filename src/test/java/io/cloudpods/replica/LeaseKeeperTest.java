package io.cloudpods.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.FencedException;
import io.cloudpods.replica.InMemoryLeases.LeaseRow;
import io.cloudpods.replica.RecordingHolder.Event;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Three replicas A, B and C (joined in that order) sharing one database and the clusters {@code
 * default} and {@code west}: a round is every running replica's {@link LeaseKeeper#tick()} once the
 * retry period has passed, in the order A, B, C. A killed replica's rounds stop for good; a paused
 * one's stop while time passes and then go on.
 */
class LeaseKeeperTest {

  private static final Duration DURATION = TestLeaseConfig.DURATION;
  private static final Duration RETRY = TestLeaseConfig.RETRY_PERIOD;
  private static final List<String> CLUSTERS = List.of("default", "west");

  private final FakeTime time = new FakeTime();
  private final InMemoryLeases db = new InMemoryLeases(time);
  private final List<Replica> replicas = new ArrayList<>();
  private final Replica a = replica("A");
  private final Replica b = replica("B");
  private final Replica c = replica("C");

  /** One controller process: its keeper, what its holder was told, and whether it runs. */
  private final class Replica {
    final String id;
    final RecordingHolder holder = new RecordingHolder(time);
    final LeaseKeeper keeper;
    boolean running = true;

    Replica(String id) {
      this.id = id;
      this.keeper =
          new LeaseKeeper(
              id,
              "host-" + id,
              1000 + replicas.size(),
              db,
              new TestLeaseConfig(),
              () -> CLUSTERS,
              time.monotonic());
      withHolder(keeper, holder);
    }

    long generation(String cluster) {
      return keeper.lease(cluster).generation();
    }

    List<Event> lost(String cluster) {
      return holder.lost().stream().filter(e -> e.cluster().equals(cluster)).toList();
    }
  }

  private Replica replica(String id) {
    Replica r = new Replica(id);
    replicas.add(r);
    return r;
  }

  /**
   * {@link LeaseKeeper#start} would also start the thread that ticks every retry period on the real
   * clock; these tests tick themselves, so the holder is set the way start sets it, alone.
   */
  private static void withHolder(LeaseKeeper keeper, LeaseKeeper.Holder holder) {
    try {
      Field f = LeaseKeeper.class.getDeclaredField("holder");
      f.setAccessible(true);
      f.set(keeper, holder);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("LeaseKeeper has no holder field to set", e);
    }
  }

  /** The retry period passes, and every running replica has its round. */
  private void round() {
    time.advance(RETRY);
    for (Replica r : replicas) {
      if (r.running) {
        r.keeper.tick();
      }
    }
    noClusterIsHeldByTwoReplicas();
  }

  private void rounds(int n) {
    for (int i = 0; i < n; i++) {
      round();
    }
  }

  /** The point of it all, checked after every round: whatever a replica's count says. */
  private void noClusterIsHeldByTwoReplicas() {
    for (String cluster : CLUSTERS) {
      assertThat(replicas.stream().filter(r -> r.keeper.held().contains(cluster)).map(r -> r.id))
          .as("replicas holding %s at %d", cluster, time.dbNow())
          .hasSizeLessThanOrEqualTo(1);
    }
  }

  private Optional<Replica> holderOf(String cluster) {
    return replicas.stream().filter(r -> r.keeper.held().contains(cluster)).findFirst();
  }

  /** The running replica that holds {@code cluster} (a stopped one cannot act on its count). */
  private Optional<Replica> runningHolderOf(String cluster) {
    return replicas.stream()
        .filter(r -> r.running && r.keeper.held().contains(cluster))
        .findFirst();
  }

  private List<Event> everyEvent() {
    List<Event> out = new ArrayList<>();
    replicas.forEach(r -> out.addAll(r.holder.events()));
    return out;
  }

  private LeaseRow row(String cluster) {
    return db.lease(cluster).orElseThrow();
  }

  /** The first rounds: default with A, west with B. */
  private void spread() {
    rounds(2);
    assertThat(holderOf("default")).containsSame(a);
    assertThat(holderOf("west")).containsSame(b);
  }

  @Test
  void theFirstRounds_spreadTheClusters_defaultToA_westToB_noneToC() {
    rounds(2);

    assertThat(a.keeper.held()).containsExactly("default");
    assertThat(b.keeper.held()).containsExactly("west");
    assertThat(c.keeper.held()).isEmpty();
    assertThat(row("default").holder()).isEqualTo("A");
    assertThat(row("west").holder()).isEqualTo("B");
    for (Replica r : replicas) {
      assertThat(r.keeper.assignment())
          .as("assignment as %s sees it", r.id)
          .isEqualTo(Map.of("default", "A", "west", "B"));
      assertThat(r.keeper.live()).containsExactly("A", "B", "C");
    }
    assertThat(c.holder.events()).isEmpty();
    assertThat(a.holder.gained()).extracting(Event::cluster).contains("default");
    assertThat(b.holder.gained()).extracting(Event::cluster).containsExactly("west");
  }

  @Test
  void heldLeases_areRenewedEveryRound_withTheSameGeneration() {
    spread();
    long defaultGen = row("default").generation();
    long westGen = row("west").generation();
    List<Event> before = everyEvent();

    for (int i = 0; i < 10; i++) {
      round();
      assertThat(row("default"))
          .isEqualTo(new LeaseRow("default", "A", defaultGen, time.dbNow() + DURATION.toMillis()));
      assertThat(row("west"))
          .isEqualTo(new LeaseRow("west", "B", westGen, time.dbNow() + DURATION.toMillis()));
    }

    assertThat(everyEvent()).isEqualTo(before); // nothing gained or lost
    assertThat(a.generation("default")).isEqualTo(defaultGen);
  }

  @Test
  void aReplicaJoiningLast_takesNothingAndMovesNothing() {
    spread();
    List<Event> before = everyEvent();
    Replica d = replica("D");

    rounds(5);

    assertThat(d.keeper.held()).isEmpty();
    assertThat(d.holder.events()).isEmpty();
    assertThat(holderOf("default")).containsSame(a);
    assertThat(holderOf("west")).containsSame(b);
    List<Event> after = new ArrayList<>();
    replicas.stream().filter(r -> r != d).forEach(r -> after.addAll(r.holder.events()));
    assertThat(after).isEqualTo(before);
  }

  @Test
  void leaseOfAKilledReplica_isTakenByItsNewAssignee_onceItRunsOut_withinTenSeconds() {
    spread();
    long oldGen = row("default").generation();
    long runsOutAt = row("default").expiresAt();
    long killedAt = time.dbNow();
    a.running = false; // killed: its rounds stop for good

    Replica next = null;
    for (int i = 0; i < 15 && next == null; i++) {
      round();
      next = runningHolderOf("default").orElse(null);
      if (next == null) {
        assertThat(time.dbNow()).as("default has no holder").isLessThan(killedAt + 10_000);
      }
    }

    assertThat(next).isNotNull().isNotSameAs(a);
    long failover = time.dbNow() - killedAt;
    assertThat(time.dbNow())
        .as("taken over only after it ran out")
        .isGreaterThanOrEqualTo(runsOutAt);
    assertThat(failover).isLessThanOrEqualTo(DURATION.plus(RETRY).toMillis()).isLessThan(10_000);
    assertThat(next.keeper.assignment()).containsEntry("default", next.id);
    assertThat(next.generation("default")).isGreaterThan(oldGen);
    assertThat(row("default").holder()).isEqualTo(next.id);
    assertThat(row("default").generation()).isEqualTo(next.generation("default"));
    assertThat(next.holder.gained())
        .contains(new Event("gained", "default", next.generation("default"), null, time.dbNow()));
  }

  @Test
  void aReplicaPausedLongerThanItsLease_stepsDownOnItsFirstRoundAfterWaking() {
    spread();
    long oldGen = a.generation("default");
    a.running = false; // SIGSTOP
    rounds(30);
    assertThat(row("default").holder()).isNotEqualTo("A");

    a.running = true; // SIGCONT
    round();

    assertThat(a.lost("default"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.generation()).isEqualTo(oldGen);
              assertThat(e.at()).isEqualTo(time.dbNow());
            });
    assertThat(a.generation("default")).isNotEqualTo(oldGen);
  }

  @Test
  void aReplicaPausedLongerThanItsLease_neverHoldsTheOldGenerationAgain() {
    spread();
    long oldGen = a.generation("default");
    a.running = false;
    rounds(30);
    long wokeAt = time.dbNow();
    a.running = true;

    for (int i = 0; i < 15; i++) {
      round();
      assertThat(a.generation("default")).isNotEqualTo(oldGen);
      assertThat(row("default"))
          .matches(
              l -> !("A".equals(l.holder()) && l.generation() == oldGen), "not A at " + oldGen);
    }

    assertThat(db.grants())
        .filteredOn(g -> g.acquiredAt() >= wokeAt && g.cluster().equals("default"))
        .allSatisfy(g -> assertThat(g.generation()).isGreaterThan(oldGen));
    // and whoever holds default now holds a later generation
    assertThat(holderOf("default")).isPresent();
    assertThat(row("default").generation()).isGreaterThan(oldGen);
  }

  @Test
  void aReplicaWakingFromAPause_isRefusedAPermit_beforeItsKeeperHasHadARound() {
    spread();
    a.running = false;
    rounds(30);

    ClusterLease fence = a.keeper.lease("default");
    assertThatThrownBy(() -> fence.permit("POST /nodes/pve/lxc/9000/clone"))
        .isInstanceOf(FencedException.class);

    assertThat(fence.held()).isFalse();
  }

  @Test
  void aReplicaWhoseFenceFoundItsLeaseGone_isToldOnItsNextRoundThatItLostIt() {
    spread();
    long oldGen = a.generation("default");
    a.running = false;
    rounds(30);
    a.running = true;
    assertThatThrownBy(() -> a.keeper.lease("default").permit("POST /nodes/pve/lxc/9000/clone"))
        .isInstanceOf(FencedException.class);

    round();

    assertThat(a.lost("default")).extracting(Event::generation).containsExactly(oldGen);
  }

  @Test
  void
      theDatabaseUnreachableForLongerThanTheRenewDeadline_makesTheHolderStepDown_beforeItsLeaseRunsOut() {
    spread();
    long oldGen = a.generation("default");
    long lastRenewedAt = time.dbNow();
    long runsOutAt = row("default").expiresAt();
    db.unreachable(true);

    rounds((int) (DURATION.toSeconds() + 2));

    assertThat(a.lost("default"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.generation()).isEqualTo(oldGen);
              assertThat(e.why()).contains("not renewed within");
              assertThat(e.at())
                  .isGreaterThan(lastRenewedAt + TestLeaseConfig.RENEW_DEADLINE.toMillis())
                  .isLessThan(runsOutAt);
            });
    assertThat(b.lost("west")).hasSize(1);
    assertThat(a.keeper.held()).isEmpty();
    assertThatThrownBy(() -> a.keeper.lease("default").permit("POST /nodes/pve/lxc"))
        .isInstanceOf(FencedException.class);
  }

  @Test
  void theDatabaseUnreachableForLessThanTheRenewDeadline_changesNothing() {
    spread();
    long oldGen = a.generation("default");
    List<Event> before = everyEvent();
    db.unreachable(true);
    rounds((int) TestLeaseConfig.RENEW_DEADLINE.toSeconds());
    db.unreachable(false);
    rounds(3);

    assertThat(everyEvent()).isEqualTo(before);
    assertThat(holderOf("default")).containsSame(a);
    assertThat(row("default").generation()).isEqualTo(oldGen);
  }

  @Test
  void aGracefulClose_handsOverAtOnce_soTheNextAssigneeTakesItOnItsNextRound() {
    spread();
    long oldGen = a.generation("default");
    long closedAt = time.dbNow();

    a.keeper.close();
    a.running = false;

    assertThat(a.lost("default"))
        .singleElement()
        .satisfies(e -> assertThat(e.why()).contains("replica A is stopping"));
    assertThat(row("default").holder()).isNull();
    assertThat(row("default").expiresAt()).isEqualTo(closedAt);
    assertThat(db.liveReplicas(DURATION)).containsExactly("B", "C");

    round();

    Replica next = holderOf("default").orElseThrow();
    assertThat(next).isIn(b, c);
    assertThat(next.keeper.assignment()).containsEntry("default", next.id);
    assertThat(next.generation("default")).isEqualTo(oldGen + 1);
    assertThat(time.dbNow() - closedAt).isEqualTo(RETRY.toMillis()); // no 6 s gap
  }

  @Test
  void aClusterItsAssigneeCannotRun_isNotTakenByIt_butByAnotherOnceFreeForALeaseDuration() {
    releasedBefore("default");
    long freeSince = time.dbNow();
    a.holder.cannotRun("default");

    Replica taker = null;
    while (taker == null) {
      round();
      taker = holderOf("default").orElse(null);
      if (taker == null) {
        assertThat(time.dbNow() - freeSince).as("default is still free").isLessThan(15_000);
      }
    }

    assertThat(a.keeper.assignment()).containsEntry("default", "A");
    assertThat(taker).isIn(b, c);
    assertThat(time.dbNow() - freeSince).isEqualTo(DURATION.toMillis());
    assertThat(a.holder.gained()).extracting(Event::cluster).doesNotContain("default");
  }

  @Test
  void aClusterItsAssigneeCannotRun_staysWithTheReplicaThatTookIt() {
    releasedBefore("default");
    a.holder.cannotRun("default");
    rounds((int) DURATION.toSeconds());
    assertThat(holderOf("default")).isPresent();

    for (int i = 0; i < 20; i++) {
      round();
      assertThat(holderOf("default")).as("holder of default at %d", time.dbNow()).isPresent();
    }
  }

  /** A replica of long ago held {@code cluster} and released it just now. */
  private void releasedBefore(String cluster) {
    long g = db.acquire(cluster, "Z", DURATION, Duration.ZERO).orElseThrow().generation();
    assertThat(db.release(cluster, "Z", g)).isTrue();
    assertThat(row(cluster).holder()).isNull();
  }
}
