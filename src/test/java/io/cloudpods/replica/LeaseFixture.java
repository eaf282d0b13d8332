package io.cloudpods.replica;

import io.cloudpods.store.LeaseRecords;
import java.time.Duration;

/**
 * One cluster's lease for tests outside this package: a {@link ClusterLease} of replica {@code A}
 * on leases kept in memory with the database's rules, which the test takes, lets another replica
 * take over, or pauses past.
 */
public final class LeaseFixture {

  public static final Duration DURATION = TestLeaseConfig.DURATION;
  public static final Duration CALL_TIMEOUT = TestLeaseConfig.CALL_TIMEOUT;

  private final FakeTime time = new FakeTime();
  private final InMemoryLeases db = new InMemoryLeases(time);
  private final String cluster;
  private final ClusterLease lease;

  public LeaseFixture(String cluster) {
    this.cluster = cluster;
    this.lease = new ClusterLease(cluster, "A", db, CALL_TIMEOUT, time.monotonic());
  }

  /** Replica A's lease, as the cluster's engine holds it. */
  public ClusterLease lease() {
    return lease;
  }

  /** A takes the lease, as its keeper does; returns the generation. */
  public long take() {
    long askedAt = time.nanos();
    LeaseRecords.Grant g = db.acquire(cluster, "A", DURATION, Duration.ZERO).orElseThrow();
    lease.granted(g.generation(), g.left(), askedAt);
    return g.generation();
  }

  /**
   * A is paused (no renewal runs) for longer than the lease, and replica B takes the lease over; A
   * has not heard of it.
   */
  public void pausedWhileBTakesOver() {
    time.advance(DURATION.plusSeconds(1));
    db.acquire(cluster, "B", DURATION, Duration.ZERO).orElseThrow();
  }

  /** How many proofs were asked of the database. */
  public int proofs() {
    return db.proofs();
  }
}
