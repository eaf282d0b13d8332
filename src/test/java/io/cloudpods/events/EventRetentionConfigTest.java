package io.cloudpods.events;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventRetentionConfigTest {

  record Retention(Duration maxAge, long maxCount, String pruneInterval, int batchSize)
      implements EventsConfig.Retention {}

  record Series(Duration window) implements EventsConfig.Series {}

  @Test
  void defaultsLikeBoundsAreAccepted() {
    assertThatCode(
            () -> EventRetention.validate(new Retention(Duration.ofDays(7), 100_000, "1m", 10_000)))
        .doesNotThrowAnyException();
    assertThatCode(() -> EventRetention.validate(new Series(Duration.ZERO)))
        .doesNotThrowAnyException();
  }

  @Test
  void aZeroOrNegativeMaxAgeIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> EventRetention.validate(new Retention(Duration.ZERO, 10, "1m", 10)))
        .hasMessageContaining("cloudpods.events.retention.max-age")
        .hasMessageContaining("positive");
    assertThatThrownBy(
            () -> EventRetention.validate(new Retention(Duration.ofDays(-1), 10, "1m", 10)))
        .hasMessageContaining("cloudpods.events.retention.max-age");
  }

  @Test
  void aZeroMaxCountIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () -> EventRetention.validate(new Retention(Duration.ofDays(7), 0, "1m", 10)))
        .hasMessageContaining("cloudpods.events.retention.max-count")
        .hasMessageContaining("got 0");
  }

  @Test
  void aZeroBatchSizeIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () -> EventRetention.validate(new Retention(Duration.ofDays(7), 10, "1m", 0)))
        .hasMessageContaining("cloudpods.events.retention.batch-size");
  }

  @Test
  void aNegativeSeriesWindowIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> EventRetention.validate(new Series(Duration.ofMinutes(-1))))
        .hasMessageContaining("cloudpods.events.series.window");
  }
}
