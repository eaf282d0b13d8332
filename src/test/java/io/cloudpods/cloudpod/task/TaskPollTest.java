package io.cloudpods.cloudpod.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskPollTest {

  private static Duration next(long runningMs) {
    return TaskPoll.nextPoll(
        Duration.ofMillis(runningMs), Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  @Test
  void justStartedTask_isCheckedAfterTheInitialInterval() {
    assertThat(next(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(next(999)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void runningTask_waitsATenthOfItsRunningTime() {
    assertThat(next(2_000)).isEqualTo(Duration.ofMillis(200));
    assertThat(next(7_500)).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void longTask_isCheckedAtTheMaximumInterval() {
    assertThat(next(60_000)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void initialLongerThanMaximum_isCappedAtTheMaximum() {
    assertThat(TaskPoll.nextPoll(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofSeconds(1));
  }
}
