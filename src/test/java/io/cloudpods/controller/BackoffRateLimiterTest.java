package io.cloudpods.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackoffRateLimiterTest {

  @Test
  void when_manyFailures_isCappedAtMax() {
    BackoffRateLimiter<String> limiter =
        new BackoffRateLimiter<>(Duration.ofSeconds(1), Duration.ofMinutes(5));
    Duration last = Duration.ZERO;
    for (int i = 0; i < 100; i++) {
      last = limiter.when("k");
    }
    assertThat(last).isEqualTo(Duration.ofMinutes(5));
    assertThat(limiter.failures("k")).isEqualTo(100);
  }

  @Test
  void when_globalBucketExhausted_delaysEvenFreshKeys() {
    AtomicLong now = new AtomicLong();
    BackoffRateLimiter<String> limiter =
        new BackoffRateLimiter<>(Duration.ofMillis(10), Duration.ofSeconds(1), 10, 2, now::get);

    assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
    assertThat(limiter.when("b")).isEqualTo(Duration.ofMillis(10));
    assertThat(limiter.when("c"))
        .as("third retry in the same instant waits for a token (10 per second)")
        .isEqualTo(Duration.ofMillis(100));

    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(limiter.when("d")).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void constructor_maxBelowBase_isRejected() {
    assertThatThrownBy(
            () -> new BackoffRateLimiter<>(Duration.ofSeconds(10), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max");
  }
}
