package io.cloudpods.replica;

import java.time.Duration;

/** The production defaults of {@link LeaseConfig}, without SmallRye Config. */
final class TestLeaseConfig implements LeaseConfig {

  static final Duration DURATION = Duration.ofSeconds(6);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(4);
  static final Duration RETRY_PERIOD = Duration.ofSeconds(1);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

  @Override
  public Duration duration() {
    return DURATION;
  }

  @Override
  public Duration renewDeadline() {
    return RENEW_DEADLINE;
  }

  @Override
  public Duration retryPeriod() {
    return RETRY_PERIOD;
  }

  @Override
  public Duration callTimeout() {
    return CALL_TIMEOUT;
  }
}
