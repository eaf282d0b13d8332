package io.cloudpods.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ControllerRunnerTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final WorkQueue<String> queue =
      new WorkQueue<>(
          new BackoffRateLimiter<>(Duration.ofSeconds(1), Duration.ofMinutes(5)), now::get);
  private final List<String> events = new ArrayList<>();
  private final ReconcileListener<String> listener =
      new ReconcileListener<>() {
        @Override
        public void succeeded(String key, ReconcileResult result, Duration took) {
          events.add("ok " + key);
        }

        @Override
        public void failed(String key, Exception e, int attempt, Duration retryIn, Duration took) {
          events.add(
              "failed " + key + " attempt=" + attempt + " retryIn=" + retryIn.toSeconds() + "s");
        }

        @Override
        public void failedTerminally(String key, TerminalReconcileException e, Duration took) {
          events.add("terminal " + key);
        }

        @Override
        public void deferred(String key, RequeueException reason, Duration took) {
          events.add("deferred " + key);
        }
      };

  private ControllerRunner<String> runner(Reconciler<String> r) {
    return new ControllerRunner<>("test", queue, r, 1, listener);
  }

  @Test
  void resyncEvery30s_ofAKeyFailingForTenMinutes_retriesAtItsBackoffNotAtTheResync()
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ControllerRunner<String> runner =
        runner(
            k -> {
              calls.incrementAndGet();
              throw new IOException("connection refused");
            });
    queue.add("pod");
    for (int second = 0; second < 600; second++) {
      if (second % 30 == 0) {
        queue.addUnlessBackingOff("pod"); // the periodic resync
      }
      while (runner.processNext(Duration.ZERO)) {
        // run whatever is due
      }
      now.addAndGet(Duration.ofSeconds(1).toNanos());
    }

    // backoff 1, 2, 4, ... 256 s: attempts at 0, 1, 3, 7, 15, 31, 63, 127, 255, 511 s
    assertThat(calls).hasValue(10);
  }

  @Test
  void transientFailures_areRetriedWithGrowingBackoff_andSuccessResetsIt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ControllerRunner<String> runner =
        runner(
            k -> {
              if (calls.incrementAndGet() <= 2) {
                throw new IOException("connection reset");
              }
              return ReconcileResult.done();
            });
    queue.add("pod");

    assertThat(runner.processNext(Duration.ZERO)).isTrue();
    assertThat(runner.processNext(Duration.ZERO)).as("waiting for its 1 s backoff").isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(runner.processNext(Duration.ZERO)).isTrue();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(runner.processNext(Duration.ZERO)).as("second backoff is 2 s").isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(runner.processNext(Duration.ZERO)).isTrue();

    assertThat(events)
        .containsExactly(
            "failed pod attempt=1 retryIn=1s", "failed pod attempt=2 retryIn=2s", "ok pod");
    assertThat(queue.numRequeues("pod")).isZero();
    assertThat(runner.failureCount()).isEqualTo(2);
  }

  @Test
  void requeueAfter_looksAgainAfterDelay_withoutCountingAFailure() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ControllerRunner<String> runner =
        runner(
            k ->
                calls.incrementAndGet() == 1
                    ? ReconcileResult.requeueAfter(Duration.ofSeconds(3))
                    : ReconcileResult.done());
    queue.add("pod");

    runner.processNext(Duration.ZERO);
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(runner.processNext(Duration.ZERO)).isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(runner.processNext(Duration.ZERO)).isTrue();

    assertThat(events).containsExactly("ok pod", "ok pod");
    assertThat(runner.failureCount()).isZero();
  }

  @Test
  void requeueException_defersWithoutGrowingBackoff() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ControllerRunner<String> runner =
        runner(
            k -> {
              if (calls.incrementAndGet() <= 3) {
                throw new RequeueException(Duration.ofSeconds(5), "task still running");
              }
              return ReconcileResult.done();
            });
    queue.add("pod");
    for (int i = 0; i < 4; i++) {
      assertThat(runner.processNext(Duration.ZERO)).isTrue();
      now.addAndGet(Duration.ofSeconds(5).toNanos());
    }

    assertThat(events).containsExactly("deferred pod", "deferred pod", "deferred pod", "ok pod");
    assertThat(queue.numRequeues("pod")).isZero();
  }

  @Test
  void terminalFailure_isNotRetried() throws Exception {
    ControllerRunner<String> runner =
        runner(
            k -> {
              throw new TerminalReconcileException("template 9000 is not a template");
            });
    queue.add("pod");

    runner.processNext(Duration.ZERO);
    now.addAndGet(Duration.ofHours(1).toNanos());

    assertThat(runner.processNext(Duration.ZERO)).isFalse();
    assertThat(events).containsExactly("terminal pod");
  }

  @Test
  void listenerThatThrows_doesNotBreakTheEngine() throws Exception {
    ControllerRunner<String> runner =
        new ControllerRunner<>(
            "test",
            queue,
            k -> ReconcileResult.done(),
            1,
            new ReconcileListener<>() {
              @Override
              public void succeeded(String key, ReconcileResult result, Duration took) {
                throw new IllegalStateException("listener bug");
              }
            });
    queue.add("a");
    queue.add("b");

    assertThat(runner.processNext(Duration.ZERO)).isTrue();
    assertThat(runner.processNext(Duration.ZERO)).isTrue();
    assertThat(runner.reconcileCount()).isEqualTo(2);
  }

  @Test
  void startedWorkers_processKeysUntilStopped() throws Exception {
    WorkQueue<String> real =
        new WorkQueue<>(new BackoffRateLimiter<>(Duration.ofMillis(10), Duration.ofMillis(10)));
    AtomicInteger done = new AtomicInteger();
    ControllerRunner<String> runner =
        new ControllerRunner<>(
            "test",
            real,
            k -> {
              done.incrementAndGet();
              return ReconcileResult.done();
            },
            3,
            ReconcileListener.none());
    runner.start();
    for (int i = 0; i < 50; i++) {
      real.add("k" + i);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (done.get() < 50 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    runner.stop(Duration.ofSeconds(5));

    assertThat(done.get()).isEqualTo(50);
    assertThat(real.isShuttingDown()).isTrue();
  }
}
