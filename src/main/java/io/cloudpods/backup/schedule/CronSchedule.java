package io.cloudpods.backup.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;

/**
 * A backup policy's {@code schedule}: a Unix cron expression (five fields: minute, hour, day of
 * month, month, day of week) evaluated by cron-utils in the policy's {@code timeZone}, so {@code 0
 * 2 * * *} in {@code Europe/Berlin} means 02:00 Berlin time in summer and in winter.
 *
 * <p>Daylight-saving changes follow the wall clock: a time that does not exist on the spring change
 * day (02:30 in Berlin) runs at the first instant after the gap, and a time that exists twice on
 * the autumn day runs once, at its first occurrence (the due times are de-duplicated by local time,
 * like Vixie cron).
 */
public final class CronSchedule {

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** Never look further than this many due times for a count (a minute cron down a week). */
  public static final int COUNT_CAP = 20_000;

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime execution;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime execution) {
    this.expression = expression;
    this.zone = zone;
    this.execution = execution;
  }

  /**
   * Parses {@code cron} for {@code timeZone} (an IANA name; null or blank = UTC).
   *
   * @throws IllegalArgumentException naming the field ({@code spec.schedule} or {@code
   *     spec.timeZone}) and why
   */
  public static CronSchedule parse(String cron, String timeZone) {
    if (cron == null || cron.isBlank()) {
      throw new IllegalArgumentException("spec.schedule: a cron expression is required");
    }
    ZoneId zone;
    try {
      zone = timeZone == null || timeZone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "spec.timeZone: unknown time zone '"
              + timeZone
              + "' (use an IANA name such as Europe/Berlin)");
    }
    String trimmed = cron.trim();
    if (trimmed.split("\\s+").length != 5) {
      throw new IllegalArgumentException(
          "spec.schedule: '"
              + cron
              + "' is not a Unix cron expression of five fields (minute hour day-of-month month"
              + " day-of-week)");
    }
    try {
      return new CronSchedule(trimmed, zone, ExecutionTime.forCron(UNIX.parse(trimmed)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "spec.schedule: '" + cron + "' is not a valid cron expression: " + e.getMessage());
    }
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first due time strictly after {@code after}; empty if the expression never fires. */
  public Optional<Instant> next(Instant after) {
    Optional<ZonedDateTime> n = execution.nextExecution(after.atZone(zone));
    // the autumn change day: a wall-clock time met a second time is not due again
    while (n.isPresent() && repeatsWallClock(n.get())) {
      n = execution.nextExecution(n.get());
    }
    Optional<Instant> regular = n.map(ZonedDateTime::toInstant).filter(i -> i.isAfter(after));
    // the spring change day: cron-utils skips wall-clock times that do not exist; they are due at
    // the end of the gap instead (as Vixie cron does), so a daily backup is not lost that day
    Instant limit = regular.orElse(after.plus(Duration.ofDays(400)));
    ZoneOffsetTransition t = zone.getRules().nextTransition(after);
    while (t != null && t.getInstant().isBefore(limit)) {
      if (t.isGap() && gapMatches(t)) {
        return Optional.of(t.getInstant());
      }
      t = zone.getRules().nextTransition(t.getInstant());
    }
    return regular;
  }

  /** The latest due time at or before {@code atOrBefore}; empty if there is none. */
  public Optional<Instant> last(Instant atOrBefore) {
    // lastExecution is strictly before its argument and cron is minute-grained: ask from the next
    // whole second so that a due time exactly at atOrBefore counts
    Instant probe = atOrBefore.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    Optional<ZonedDateTime> l = execution.lastExecution(probe.atZone(zone));
    while (l.isPresent() && repeatsWallClock(l.get())) {
      l = execution.lastExecution(l.get());
    }
    Optional<Instant> regular = l.map(ZonedDateTime::toInstant).filter(i -> !i.isAfter(atOrBefore));
    Instant floor = regular.orElse(atOrBefore.minus(Duration.ofDays(400)));
    ZoneOffsetTransition t = zone.getRules().previousTransition(probe);
    while (t != null && t.getInstant().isAfter(floor)) {
      if (t.isGap() && !t.getInstant().isAfter(atOrBefore) && gapMatches(t)) {
        return Optional.of(t.getInstant());
      }
      t = zone.getRules().previousTransition(t.getInstant());
    }
    return regular;
  }

  /** Whether a wall-clock minute skipped by the gap {@code t} matches the expression. */
  private boolean gapMatches(ZoneOffsetTransition t) {
    LocalDateTime start = t.getDateTimeBefore();
    LocalDateTime end = t.getDateTimeAfter();
    for (LocalDateTime m = start; m.isBefore(end); m = m.plusMinutes(1)) {
      if (execution.isMatch(m.atZone(t.getOffsetBefore()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * How many due times lie in {@code (afterExclusive, upToInclusive]}, counting at most {@link
   * #COUNT_CAP}.
   */
  public int countBetween(Instant afterExclusive, Instant upToInclusive) {
    int n = 0;
    Optional<Instant> i = next(afterExclusive);
    while (i.isPresent() && !i.get().isAfter(upToInclusive) && n < COUNT_CAP) {
      n++;
      i = next(i.get());
    }
    return n;
  }

  /**
   * Whether {@code t} is the second occurrence of its local date-time (the hour repeated when
   * clocks go back): the same wall-clock time one offset earlier was already due.
   */
  private boolean repeatsWallClock(ZonedDateTime t) {
    ZonedDateTime earlier = t.withEarlierOffsetAtOverlap();
    return !earlier.toInstant().equals(t.toInstant())
        && execution.isMatch(earlier)
        && earlier.toInstant().isBefore(t.toInstant());
  }

  @Override
  public String toString() {
    return expression + " (" + zone + ")";
  }
}
