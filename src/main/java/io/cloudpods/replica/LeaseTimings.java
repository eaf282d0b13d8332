package io.cloudpods.replica;

import java.time.Duration;

/**
 * The relations the {@code cloudpods.leases.*} settings must keep for a lease to permit any change
 * at all; checked at start so a mistake stops the start naming the key instead of leaving a
 * controller that holds its leases and is never permitted to act.
 */
public final class LeaseTimings {

  private static final String PREFIX = "cloudpods.leases.";

  private LeaseTimings() {}

  /** Throws {@link IllegalArgumentException} naming the first setting that breaks a relation. */
  public static void check(LeaseConfig c) {
    positive("duration", c.duration());
    positive("renew-deadline", c.renewDeadline());
    positive("retry-period", c.retryPeriod());
    positive("call-timeout", c.callTimeout());
    if (c.renewDeadline().compareTo(c.duration()) >= 0) {
      throw new IllegalArgumentException(
          PREFIX
              + "renew-deadline: "
              + text(c.renewDeadline())
              + " must be shorter than "
              + PREFIX
              + "duration ("
              + text(c.duration())
              + "), so a holder that cannot renew steps down before its lease runs out");
    }
    if (c.retryPeriod().compareTo(c.renewDeadline()) >= 0) {
      throw new IllegalArgumentException(
          PREFIX
              + "retry-period: "
              + text(c.retryPeriod())
              + " must be shorter than "
              + PREFIX
              + "renew-deadline ("
              + text(c.renewDeadline())
              + "), so a holder gets to renew at least once before it steps down");
    }
    if (c.callTimeout().plus(c.retryPeriod()).compareTo(c.duration()) >= 0) {
      throw new IllegalArgumentException(
          PREFIX
              + "call-timeout: "
              + text(c.callTimeout())
              + " must be shorter than "
              + PREFIX
              + "duration ("
              + text(c.duration())
              + ") minus "
              + PREFIX
              + "retry-period ("
              + text(c.retryPeriod())
              + "): a change is permitted only while the lease has more than the call timeout"
              + " left, which it never would");
    }
  }

  private static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(PREFIX + key + ": must be more than 0, not " + text(d));
    }
  }

  private static String text(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
