package io.cloudpods.replica;

import io.cloudpods.proxmox.FencedException;
import io.cloudpods.proxmox.MutationFence;
import io.cloudpods.store.LeaseRecords;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * This replica's hold on one cluster's lease, and the fence every Proxmox change of that cluster
 * passes. The lease's time left, as the database last said, is counted down on the monotonic clock
 * (which keeps running while the process is paused): a change is permitted only while more than the
 * call's timeout is left, and only after a proof in the database when the last one is too old for
 * that. A replica that wakes from a pause therefore asks the database first, and finds the lease
 * gone.
 */
public final class ClusterLease implements MutationFence {

  private final String cluster;
  private final String replica;
  private final LeaseRecords records;
  private final Duration callTimeout;
  private final LongSupplier nanos;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long generation;
  private volatile long validUntilNanos;
  private volatile long renewedAtNanos;

  public ClusterLease(
      String cluster,
      String replica,
      LeaseRecords records,
      Duration callTimeout,
      LongSupplier nanos) {
    this.cluster = cluster;
    this.replica = replica;
    this.records = records;
    this.callTimeout = callTimeout;
    this.nanos = nanos;
  }

  public String cluster() {
    return cluster;
  }

  /** The generation held, or 0. */
  public long generation() {
    return generation;
  }

  /** True while this replica holds the lease and it has not run out on the local count. */
  public boolean held() {
    return generation > 0 && nanos.getAsLong() < validUntilNanos;
  }

  /** The lease was granted at {@code g} with {@code left} to go, as read from {@code askedAt}. */
  void granted(long g, Duration left, long askedAt) {
    validUntilNanos = askedAt + left.toNanos();
    renewedAtNanos = askedAt;
    generation = g;
  }

  /** A renewal (or a proof) read at {@code askedAt} said {@code left} is left. */
  void extended(Duration left, long askedAt) {
    long until = askedAt + left.toNanos();
    if (until > validUntilNanos) {
      validUntilNanos = until;
    }
    renewedAtNanos = Math.max(renewedAtNanos, askedAt);
  }

  /** Monotonic time of the last renewal that succeeded. */
  long renewedAtNanos() {
    return renewedAtNanos;
  }

  /**
   * Stops permitting changes at once and waits (at most the call timeout) until the calls already
   * permitted have ended; returns the generation that was held, or 0.
   */
  long stepDown() {
    long g = generation;
    generation = 0;
    long deadline = nanos.getAsLong() + callTimeout.toNanos();
    while (inFlight.get() > 0 && nanos.getAsLong() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return g;
  }

  /**
   * Runs {@code then} (storing a Proxmox call's intent) in the transaction that proves this replica
   * holds the lease with more than the call timeout left; refuses with a {@link FencedException},
   * storing nothing, otherwise.
   */
  public void proveThen(String what, Runnable then) {
    long g = generation;
    if (g == 0) {
      throw notHeld(what);
    }
    long askedAt = nanos.getAsLong();
    Optional<Duration> left = records.proveThen(cluster, replica, g, callTimeout, then);
    if (left.isEmpty()) {
      // the database says it is gone: nothing more is permitted on the local count, and the
      // keeper's next renewal fails and steps down (telling the controller)
      validUntilNanos = 0;
      throw notHeld(what);
    }
    extended(left.get(), askedAt);
    if (left.get().compareTo(callTimeout) <= 0) {
      throw new FencedException(
          what
              + " not made: the lease of cluster "
              + cluster
              + " has "
              + left.get().toMillis()
              + " ms left, not more than the call timeout "
              + callTimeout.toMillis()
              + " ms");
    }
  }

  /**
   * {@code write} (a database write of this cluster's work) in the transaction that proves this
   * replica holds the lease, like {@link #proveThen}; its result, or a {@link FencedException} with
   * nothing stored.
   */
  public <T> T proven(String what, java.util.function.Supplier<T> write) {
    java.util.concurrent.atomic.AtomicReference<T> out =
        new java.util.concurrent.atomic.AtomicReference<>();
    proveThen(what, () -> out.set(write.get()));
    return out.get();
  }

  @Override
  public Permit permit(String what) {
    inFlight.incrementAndGet();
    boolean given = false;
    try {
      long g = generation;
      if (g == 0) {
        throw notHeld(what);
      }
      long now = nanos.getAsLong();
      if (now + callTimeout.toNanos() >= validUntilNanos) {
        proveThen(what, () -> {});
        now = nanos.getAsLong();
        if (generation != g || now + callTimeout.toNanos() >= validUntilNanos) {
          throw notHeld(what);
        }
      }
      given = true;
      return new Permit(
          cluster + "/" + g + "/" + replica,
          callTimeout,
          Math.min(validUntilNanos, now + callTimeout.toNanos()));
    } finally {
      if (!given) {
        inFlight.decrementAndGet();
      }
    }
  }

  @Override
  public boolean stillValid(Permit p) {
    return generation > 0
        && p.token().startsWith(cluster + "/" + generation + "/")
        && nanos.getAsLong() < p.validUntilNanos();
  }

  @Override
  public void done(Permit p) {
    if (p != null) {
      inFlight.decrementAndGet();
    }
  }

  private FencedException notHeld(String what) {
    return new FencedException(
        what
            + " not made: replica "
            + replica
            + " does not hold the lease of cluster "
            + cluster
            + (generation > 0 ? "" : " (now)"));
  }

  @Override
  public String toString() {
    return "lease " + cluster + "/" + generation + " held by " + replica;
  }
}
