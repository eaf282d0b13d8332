package io.cloudpods.backup.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides whether a backup policy runs now: pure, no clock of its own (the caller passes {@code
 * now}), table-tested.
 *
 * <p>A due time counts as <em>on time</em> while {@code now} is within the starting deadline after
 * it (the reconcile is requeued for the due time and the resync looks every 30 s, so a run normally
 * starts within a second or two). A due time older than the deadline was <em>missed</em>, which
 * only happens when no controller was running: {@code catchUp: Once} runs once for all of them,
 * {@code Skip} records them as skipped. Either way a missed due time is never run twice, and a
 * policy created after a due time does not run for it.
 */
public final class SchedulePlanner {

  private final Duration startingDeadline;

  public SchedulePlanner(Duration startingDeadline) {
    this.startingDeadline = startingDeadline;
  }

  /**
   * @param lastHandled the latest due time already run or recorded as skipped ({@code
   *     status.lastScheduleTime} or the last skip), null if none
   * @param since when the policy began to exist (its creation), null = {@code now}
   */
  public ScheduleDecision decide(
      CronSchedule schedule,
      boolean suspended,
      CatchUp catchUp,
      Instant lastHandled,
      Instant since,
      Instant now) {
    if (suspended) {
      return new ScheduleDecision.Suspended();
    }
    Optional<Instant> next = schedule.next(now);
    Instant baseline = lastHandled != null ? lastHandled : since != null ? since : now;
    if (lastHandled == null && since != null && since.isAfter(now)) {
      baseline = now; // a clock skew between API server and controller must not hide a run
    }
    Optional<Instant> latest = schedule.last(now);
    if (latest.isEmpty() || !latest.get().isAfter(baseline)) {
      return new ScheduleDecision.Wait(next);
    }
    int due = Math.max(1, schedule.countBetween(baseline, now));
    boolean onTime = Duration.between(latest.get(), now).compareTo(startingDeadline) <= 0;
    if (onTime) {
      return new ScheduleDecision.Run(latest.get(), due - 1, false, next);
    }
    return switch (catchUp) {
      case ONCE -> new ScheduleDecision.Run(latest.get(), due, true, next);
      case SKIP -> new ScheduleDecision.SkipMissed(latest.get(), due, next);
    };
  }
}
