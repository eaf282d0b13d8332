package io.cloudpods.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  private static Instant at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  @Test
  void next_dailyInBerlin_isTwoOClockLocalInWinterAndSummer() {
    CronSchedule s = CronSchedule.parse("0 2 * * *", "Europe/Berlin");
    assertThat(s.next(at("2026-01-10T12:00:00Z"))).contains(at("2026-01-11T02:00:00+01:00"));
    assertThat(s.next(at("2026-07-10T12:00:00Z"))).contains(at("2026-07-11T02:00:00+02:00"));
  }

  @Test
  void next_withoutTimeZone_isUtc() {
    CronSchedule s = CronSchedule.parse("30 22 * * *", null);
    assertThat(s.next(at("2026-03-01T00:00:00Z"))).contains(at("2026-03-01T22:30:00Z"));
  }

  @Test
  void next_isStrictlyAfterItsArgument() {
    CronSchedule s = CronSchedule.parse("*/5 * * * *", "UTC");
    assertThat(s.next(at("2026-03-01T10:05:00Z"))).contains(at("2026-03-01T10:10:00Z"));
  }

  @Test
  void next_springChangeDay_timeInTheGapRunsOnceAfterIt() {
    // 2026-03-29: Berlin jumps from 02:00 to 03:00; 02:30 does not exist that day
    CronSchedule s = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
    List<Instant> due = dueTimes(s, at("2026-03-28T00:00:00Z"), 3);
    assertThat(due).hasSize(3);
    assertThat(due.get(0)).isEqualTo(at("2026-03-28T02:30:00+01:00"));
    assertThat(due.get(1))
        .isBetween(at("2026-03-29T03:00:00+02:00"), at("2026-03-29T03:30:00+02:00"));
    assertThat(due.get(2)).isEqualTo(at("2026-03-30T02:30:00+02:00"));
  }

  @Test
  void next_autumnChangeDay_repeatedHourRunsOnce() {
    // 2026-10-25: Berlin goes back from 03:00 to 02:00; 02:30 happens twice
    CronSchedule s = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
    List<Instant> due = dueTimes(s, at("2026-10-24T12:00:00Z"), 2);
    assertThat(due)
        .containsExactly(at("2026-10-25T02:30:00+02:00"), at("2026-10-26T02:30:00+01:00"));
  }

  @Test
  void next_hourlyOnAutumnChangeDay_keepsEveryDistinctHour() {
    CronSchedule s = CronSchedule.parse("0 * * * *", "Europe/Berlin");
    List<Instant> due = dueTimes(s, at("2026-10-25T01:30:00+02:00"), 3);
    // 02:00 CEST, then 03:00 CET (02:00 CET repeats a wall-clock time and is not due again)
    assertThat(due.get(0)).isEqualTo(at("2026-10-25T02:00:00+02:00"));
    assertThat(due.get(1)).isEqualTo(at("2026-10-25T03:00:00+01:00"));
  }

  @Test
  void last_includesADueTimeExactlyNow() {
    CronSchedule s = CronSchedule.parse("0 2 * * *", "UTC");
    assertThat(s.last(at("2026-03-01T02:00:00Z"))).contains(at("2026-03-01T02:00:00Z"));
    assertThat(s.last(at("2026-03-01T01:59:59.500Z"))).contains(at("2026-02-28T02:00:00Z"));
    assertThat(s.last(at("2026-03-01T02:00:00.700Z"))).contains(at("2026-03-01T02:00:00Z"));
  }

  @Test
  void countBetween_countsDueTimesInTheHalfOpenInterval() {
    CronSchedule s = CronSchedule.parse("0 * * * *", "UTC");
    assertThat(s.countBetween(at("2026-03-01T10:00:00Z"), at("2026-03-01T13:00:00Z"))).isEqualTo(3);
    assertThat(s.countBetween(at("2026-03-01T10:00:00Z"), at("2026-03-01T10:59:00Z"))).isZero();
  }

  @Test
  void parse_badInput_namesTheField() {
    assertThatThrownBy(() -> CronSchedule.parse("0 2 * *", "UTC"))
        .hasMessageStartingWith("spec.schedule:")
        .hasMessageContaining("five fields");
    assertThatThrownBy(() -> CronSchedule.parse("61 2 * * *", "UTC"))
        .hasMessageStartingWith("spec.schedule:");
    assertThatThrownBy(() -> CronSchedule.parse("", "UTC"))
        .hasMessageStartingWith("spec.schedule:");
    assertThatThrownBy(() -> CronSchedule.parse("0 2 * * *", "Mars/Olympus"))
        .hasMessageStartingWith("spec.timeZone:");
  }

  private static List<Instant> dueTimes(CronSchedule s, Instant from, int n) {
    List<Instant> out = new ArrayList<>();
    Instant t = from;
    for (int i = 0; i < n; i++) {
      t = s.next(t).orElseThrow();
      out.add(t);
    }
    return out;
  }
}
