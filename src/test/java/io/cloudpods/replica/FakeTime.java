package io.cloudpods.replica;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The two clocks of the lease tests, moved only by the test: the database's clock ({@code now()},
 * in milliseconds) and the replicas' monotonic clock (in nanoseconds, the {@link LongSupplier} the
 * lease classes read). Both advance together, as on a real machine; a paused (SIGSTOPped) replica
 * is one whose rounds simply do not run while {@link #advance} moves both clocks on — the monotonic
 * clock keeps running through a pause.
 */
final class FakeTime {

  /** Arbitrary, far from 0, so that nothing depends on the clocks starting at 0. */
  private final AtomicLong dbMillis = new AtomicLong(1_767_225_600_000L);

  /** Arbitrary and unrelated to the database's clock: a monotonic clock has no epoch. */
  private final AtomicLong nanos = new AtomicLong(987_654_321_000L);

  /** The database's clock, in milliseconds. */
  long dbNow() {
    return dbMillis.get();
  }

  /** The monotonic clock, in nanoseconds. */
  long nanos() {
    return nanos.get();
  }

  /** The monotonic clock as the lease classes read it. */
  LongSupplier monotonic() {
    return nanos::get;
  }

  /** Time passes, on the database and on every replica's monotonic clock. */
  void advance(Duration d) {
    dbMillis.addAndGet(d.toMillis());
    nanos.addAndGet(d.toNanos());
  }
}
