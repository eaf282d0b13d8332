package io.cloudpods.backup.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * What a backup policy's reconcile does about its schedule now, decided by {@link SchedulePlanner}.
 */
public sealed interface ScheduleDecision {

  /** When the reconcile should look again (the next due time), if the schedule fires at all. */
  Optional<Instant> nextScheduleTime();

  /** {@code spec.suspend} is true: nothing runs and there is no next time. */
  record Suspended() implements ScheduleDecision {
    @Override
    public Optional<Instant> nextScheduleTime() {
      return Optional.empty();
    }
  }

  /** Nothing is due; look again at {@code next}. */
  record Wait(Optional<Instant> nextScheduleTime) implements ScheduleDecision {}

  /**
   * Run now for the due time {@code scheduledTime}.
   *
   * @param missed due times before it that passed without a run (the controller was down); they are
   *     not run again
   * @param catchUp whether this run itself is late (past the starting deadline) and runs only
   *     because {@code catchUp: Once}
   */
  record Run(Instant scheduledTime, int missed, boolean catchUp, Optional<Instant> nextScheduleTime)
      implements ScheduleDecision {}

  /**
   * {@code catchUp: Skip} and the latest due time is past its starting deadline: record it as
   * skipped, run nothing.
   *
   * @param latestMissed the latest due time that was missed
   * @param missed how many due times were missed (at least 1)
   */
  record SkipMissed(Instant latestMissed, int missed, Optional<Instant> nextScheduleTime)
      implements ScheduleDecision {}
}
