package io.cloudpods.replica;

import io.cloudpods.store.LeaseRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link LeaseRecords} in memory, with the semantics of the SQL in {@link
 * io.cloudpods.store.LeaseStore}: every time is the database's ({@link FakeTime#dbNow()}), a lease
 * is taken only when it was released or ran out at least {@code freeFor} ago (or has no row yet),
 * each grant is one generation higher, renewals and proofs need the holder and generation to match
 * and the lease not to have run out, and a release leaves the lease free from that instant. {@link
 * #unreachable(boolean)} makes every call fail as if the database could not be reached.
 */
final class InMemoryLeases implements LeaseRecords {

  /** A {@code controller_replica} row. */
  record ReplicaRow(String id, String host, long pid, long startedAt, long seenAt) {}

  /** A {@code controller_lease} row. */
  record LeaseRow(String cluster, String holder, long generation, long expiresAt) {}

  /** A {@code controller_lease_grant} row. */
  record GrantRow(String cluster, long generation, String holder, long acquiredAt) {}

  private final FakeTime time;
  private final Map<String, ReplicaRow> replicas = new HashMap<>();
  private final Map<String, LeaseRow> leases = new HashMap<>();
  private final List<GrantRow> grants = new ArrayList<>();
  private volatile boolean unreachable;
  private int proofs;

  InMemoryLeases(FakeTime time) {
    this.time = time;
  }

  /** While true, every call throws as a lost connection would. */
  void unreachable(boolean down) {
    this.unreachable = down;
  }

  /** The lease row of {@code cluster}, if there is one. */
  synchronized Optional<LeaseRow> lease(String cluster) {
    return Optional.ofNullable(leases.get(cluster));
  }

  /** Every grant so far, oldest first. */
  synchronized List<GrantRow> grants() {
    return List.copyOf(grants);
  }

  /** How many times {@link #proveThen} was asked. */
  synchronized int proofs() {
    return proofs;
  }

  private void reach() {
    if (unreachable) {
      throw new IllegalStateException("Connection to localhost:5432 refused");
    }
  }

  @Override
  public synchronized void heartbeat(String replica, String host, long pid) {
    reach();
    long now = time.dbNow();
    ReplicaRow r = replicas.get(replica);
    replicas.put(
        replica,
        r == null
            ? new ReplicaRow(replica, host, pid, now, now)
            : new ReplicaRow(r.id(), r.host(), r.pid(), r.startedAt(), now));
  }

  @Override
  public synchronized List<String> liveReplicas(Duration ttl) {
    reach();
    long since = time.dbNow() - ttl.toMillis();
    return replicas.values().stream()
        .filter(r -> r.seenAt() > since)
        .sorted(Comparator.comparingLong(ReplicaRow::startedAt).thenComparing(ReplicaRow::id))
        .map(ReplicaRow::id)
        .toList();
  }

  @Override
  public synchronized Optional<Grant> acquire(
      String cluster, String replica, Duration duration, Duration freeFor) {
    reach();
    long now = time.dbNow();
    LeaseRow l = leases.get(cluster);
    if (l != null && l.expiresAt() > now - freeFor.toMillis()) {
      return Optional.empty();
    }
    long generation = l == null ? 1 : l.generation() + 1;
    LeaseRow taken = new LeaseRow(cluster, replica, generation, now + duration.toMillis());
    leases.put(cluster, taken);
    grants.add(new GrantRow(cluster, generation, replica, now));
    return Optional.of(new Grant(generation, Duration.ofMillis(taken.expiresAt() - now)));
  }

  @Override
  public synchronized Optional<Duration> renew(
      String cluster, String replica, long generation, Duration duration) {
    reach();
    long now = time.dbNow();
    LeaseRow l = leases.get(cluster);
    if (!heldBy(l, replica, generation, now)) {
      return Optional.empty();
    }
    LeaseRow renewed = new LeaseRow(cluster, replica, generation, now + duration.toMillis());
    leases.put(cluster, renewed);
    return Optional.of(Duration.ofMillis(renewed.expiresAt() - now));
  }

  @Override
  public synchronized Optional<Duration> proveThen(
      String cluster, String replica, long generation, Duration atLeast, Runnable then) {
    reach();
    proofs++;
    long now = time.dbNow();
    LeaseRow l = leases.get(cluster);
    if (!heldBy(l, replica, generation, now)) {
      return Optional.empty();
    }
    Duration left = Duration.ofMillis(l.expiresAt() - now);
    if (left.compareTo(atLeast) > 0) {
      then.run();
    }
    return Optional.of(left);
  }

  @Override
  public synchronized boolean release(String cluster, String replica, long generation) {
    reach();
    LeaseRow l = leases.get(cluster);
    if (l == null || !replica.equals(l.holder()) || l.generation() != generation) {
      return false;
    }
    leases.put(cluster, new LeaseRow(cluster, null, generation, time.dbNow()));
    return true;
  }

  @Override
  public synchronized void leave(String replica) {
    reach();
    replicas.remove(replica);
  }

  @Override
  public synchronized void forgetOld(Duration maxAge, Duration grantsAge) {
    reach();
    long now = time.dbNow();
    replicas.values().removeIf(r -> r.seenAt() < now - maxAge.toMillis());
    grants.removeIf(g -> g.acquiredAt() < now - grantsAge.toMillis());
  }

  private static boolean heldBy(LeaseRow l, String replica, long generation, long now) {
    return l != null
        && replica.equals(l.holder())
        && l.generation() == generation
        && l.expiresAt() > now;
  }
}
