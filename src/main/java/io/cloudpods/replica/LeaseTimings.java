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
    shorter(
        "renew-deadline",
        c.renewDeadline(),
        c.duration(),
        bound("duration", c.duration()),
        ", so a holder that cannot renew steps down before its lease runs out");
    shorter(
        "retry-period",
        c.retryPeriod(),
        c.renewDeadline(),
        bound("renew-deadline", c.renewDeadline()),
        ", so a holder gets to renew at least once before it steps down");
    shorter(
        "call-timeout",
        c.callTimeout(),
        c.duration().minus(c.retryPeriod()),
        bound("duration", c.duration()) + " minus " + bound("retry-period", c.retryPeriod()),
        ": a change is permitted only while the lease has more than the call timeout left,"
            + " which it never would");
  }

  /** Throws unless {@code value} of {@code key} is shorter than {@code limit}. */
  private static void shorter(
      String key, Duration value, Duration limit, String limitText, String reason) {
    if (value.compareTo(limit) >= 0) {
      throw new IllegalArgumentException(
          PREFIX + key + ": " + text(value) + " must be shorter than " + limitText + reason);
    }
  }

  /** {@code cloudpods.leases.duration (6s)}. */
  private static String bound(String key, Duration d) {
    return PREFIX + key + " (" + text(d) + ")";
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
