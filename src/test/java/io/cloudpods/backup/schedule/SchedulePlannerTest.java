package io.cloudpods.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SchedulePlannerTest {

  private static final CronSchedule HOURLY = CronSchedule.parse("0 * * * *", "Europe/Berlin");
  private static final SchedulePlanner PLANNER = new SchedulePlanner(Duration.ofMinutes(5));

  private static Instant at(String utc) {
    return Instant.parse(utc);
  }

  @Test
  void decide_beforeFirstDueTime_waitsForIt() {
    ScheduleDecision d =
        PLANNER.decide(
            HOURLY,
            false,
            CatchUp.ONCE,
            null,
            at("2026-03-01T10:10:00Z"),
            at("2026-03-01T10:20:00Z"));
    assertThat(d)
        .isEqualTo(new ScheduleDecision.Wait(java.util.Optional.of(at("2026-03-01T11:00:00Z"))));
  }

  @Test
  void decide_policyCreatedJustAfterADueTime_doesNotRunForIt() {
    ScheduleDecision d =
        PLANNER.decide(
            HOURLY,
            false,
            CatchUp.ONCE,
            null,
            at("2026-03-01T10:00:30Z"),
            at("2026-03-01T10:01:00Z"));
    assertThat(d).isInstanceOf(ScheduleDecision.Wait.class);
  }

  @Test
  void decide_dueTimeJustPassed_runsOnTime() {
    ScheduleDecision d =
        PLANNER.decide(
            HOURLY,
            false,
            CatchUp.SKIP,
            at("2026-03-01T10:00:00Z"),
            null,
            at("2026-03-01T11:00:02Z"));
    assertThat(d)
        .isEqualTo(
            new ScheduleDecision.Run(
                at("2026-03-01T11:00:00Z"),
                0,
                false,
                java.util.Optional.of(at("2026-03-01T12:00:00Z"))));
  }

  @Test
  void decide_alreadyRunForTheLatestDueTime_waits() {
    ScheduleDecision d =
        PLANNER.decide(
            HOURLY,
            false,
            CatchUp.ONCE,
            at("2026-03-01T11:00:00Z"),
            null,
            at("2026-03-01T11:00:40Z"));
    assertThat(d).isInstanceOf(ScheduleDecision.Wait.class);
    assertThat(d.nextScheduleTime()).contains(at("2026-03-01T12:00:00Z"));
  }

  @Test
  void decide_controllerDownAcrossThreeDueTimes_catchUpOnceRunsOnceForAll() {
    ScheduleDecision d =
        PLANNER.decide(
            HOURLY,
            false,
            CatchUp.ONCE,
            at("2026-03-01T08:00:00Z"),
            null,
            at("2026-03-01T11:20:00Z"));
    assertThat(d)
        .isEqualTo(
            new ScheduleDecision.Run(
                at("2026-03-01T11:00:00Z"),
                3,
                true,
                java.util.Optional.of(at("2026-03-01T12:00:00Z"))));
  }

  @Test
  void decide_controllerDownAcrossThreeDueTimes_catchUpSkipRecordsTheSkip() {
    ScheduleDecision d =
        PLANNER.decide(
            HOURLY,
            false,
            CatchUp.SKIP,
            at("2026-03-01T08:00:00Z"),
            null,
            at("2026-03-01T11:20:00Z"));
    assertThat(d)
        .isEqualTo(
            new ScheduleDecision.SkipMissed(
                at("2026-03-01T11:00:00Z"), 3, java.util.Optional.of(at("2026-03-01T12:00:00Z"))));
  }

  @Test
  void decide_downButBackWithinTheDeadline_runsTheLatestOnTimeAndCountsTheOthersMissed() {
    ScheduleDecision d =
        PLANNER.decide(
            HOURLY,
            false,
            CatchUp.SKIP,
            at("2026-03-01T08:00:00Z"),
            null,
            at("2026-03-01T11:03:00Z"));
    assertThat(d)
        .isEqualTo(
            new ScheduleDecision.Run(
                at("2026-03-01T11:00:00Z"),
                2,
                false,
                java.util.Optional.of(at("2026-03-01T12:00:00Z"))));
  }

  @Test
  void decide_suspended_runsNothingAndHasNoNextTime() {
    ScheduleDecision d =
        PLANNER.decide(
            HOURLY,
            true,
            CatchUp.ONCE,
            at("2026-03-01T08:00:00Z"),
            null,
            at("2026-03-01T11:00:10Z"));
    assertThat(d).isEqualTo(new ScheduleDecision.Suspended());
    assertThat(d.nextScheduleTime()).isEmpty();
  }

  @Test
  void decide_dailyInBerlin_runsAtLocalTimeNotUtc() {
    CronSchedule daily = CronSchedule.parse("0 2 * * *", "Europe/Berlin");
    // 02:00 Berlin in summer is 00:00 UTC
    ScheduleDecision d =
        PLANNER.decide(
            daily,
            false,
            CatchUp.SKIP,
            at("2026-07-09T00:00:00Z"),
            null,
            at("2026-07-10T00:00:05Z"));
    assertThat(d).isInstanceOf(ScheduleDecision.Run.class);
    assertThat(((ScheduleDecision.Run) d).scheduledTime()).isEqualTo(at("2026-07-10T00:00:00Z"));
    ScheduleDecision utcMidnightIsNotTwoUtc =
        PLANNER.decide(
            daily,
            false,
            CatchUp.SKIP,
            at("2026-07-10T00:00:00Z"),
            null,
            at("2026-07-10T02:00:05Z"));
    assertThat(utcMidnightIsNotTwoUtc).isInstanceOf(ScheduleDecision.Wait.class);
  }

  @Test
  void decide_autumnChangeDay_theRepeatedHourRunsOnce() {
    CronSchedule daily = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
    // ran at the first 02:30 (00:30 UTC); the second 02:30 (01:30 UTC) is not due
    ScheduleDecision d =
        PLANNER.decide(
            daily,
            false,
            CatchUp.ONCE,
            at("2026-10-25T00:30:00Z"),
            null,
            at("2026-10-25T01:30:10Z"));
    assertThat(d).isInstanceOf(ScheduleDecision.Wait.class);
    assertThat(d.nextScheduleTime()).contains(at("2026-10-26T01:30:00Z"));
  }

  @Test
  void decide_springChangeDay_theSkippedHourStillRunsThatDay() {
    CronSchedule daily = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
    ScheduleDecision d =
        PLANNER.decide(
            daily,
            false,
            CatchUp.SKIP,
            at("2026-03-28T01:30:00Z"),
            null,
            at("2026-03-29T01:00:20Z"));
    // 02:30 does not exist on 2026-03-29: due at the end of the gap, 03:00 summer time
    assertThat(d).isInstanceOf(ScheduleDecision.Run.class);
    assertThat(((ScheduleDecision.Run) d).scheduledTime()).isEqualTo(at("2026-03-29T01:00:00Z"));
  }

  @Test
  void catchUp_parse_acceptsTheTwoValues_defaultsToSkipLikeTheSchema_andNamesTheFieldOtherwise() {
    assertThat(CatchUp.parse("Once")).isEqualTo(CatchUp.ONCE);
    assertThat(CatchUp.parse("skip")).isEqualTo(CatchUp.SKIP);
    assertThat(CatchUp.parse(null)).isEqualTo(CatchUp.SKIP);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CatchUp.parse("Always"))
        .hasMessageStartingWith("spec.catchUp:");
  }
}
