package io.cloudpods.replica;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseTimingsTest {

  private static LeaseConfig of(String duration, String renew, String retry, String call) {
    Duration d = Duration.parse("PT" + duration);
    Duration r = Duration.parse("PT" + renew);
    Duration p = Duration.parse("PT" + retry);
    Duration c = Duration.parse("PT" + call);
    return new LeaseConfig() {
      @Override
      public Duration duration() {
        return d;
      }

      @Override
      public Duration renewDeadline() {
        return r;
      }

      @Override
      public Duration retryPeriod() {
        return p;
      }

      @Override
      public Duration callTimeout() {
        return c;
      }
    };
  }

  @Test
  void theDefaults_andLongerLeases_areAccepted() {
    assertThatCode(() -> LeaseTimings.check(new TestLeaseConfig())).doesNotThrowAnyException();
    assertThatCode(() -> LeaseTimings.check(of("30S", "20S", "2S", "10S")))
        .doesNotThrowAnyException();
  }

  @Test
  void aCallTimeoutThatNeverFitsInTheLease_isRefusedNamingIt() {
    assertThatThrownBy(() -> LeaseTimings.check(of("6S", "4S", "1S", "5S")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cloudpods.leases.call-timeout: 5s must be shorter than")
        .hasMessageContaining("cloudpods.leases.duration (6s) minus cloudpods.leases.retry-period");
  }

  @Test
  void aRenewDeadlineNotShorterThanTheLease_isRefusedNamingIt() {
    assertThatThrownBy(() -> LeaseTimings.check(of("6S", "6S", "1S", "3S")))
        .hasMessageStartingWith("cloudpods.leases.renew-deadline: 6s must be shorter than");
  }

  @Test
  void aRetryPeriodNotShorterThanTheRenewDeadline_isRefusedNamingIt() {
    assertThatThrownBy(() -> LeaseTimings.check(of("10S", "4S", "4S", "3S")))
        .hasMessageStartingWith("cloudpods.leases.retry-period: 4s must be shorter than");
  }

  @Test
  void aZeroOrNegativeSetting_isRefusedNamingIt() {
    assertThatThrownBy(() -> LeaseTimings.check(of("6S", "4S", "0S", "3S")))
        .hasMessage("cloudpods.leases.retry-period: must be more than 0, not 0s");
    assertThatThrownBy(() -> LeaseTimings.check(of("6S", "4S", "1S", "-0.5S")))
        .hasMessage("cloudpods.leases.call-timeout: must be more than 0, not -500ms");
  }
}
