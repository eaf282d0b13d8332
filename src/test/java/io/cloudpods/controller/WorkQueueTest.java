package io.cloudpods.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final WorkQueue<String> queue =
      new WorkQueue<>(
          new BackoffRateLimiter<>(Duration.ofSeconds(1), Duration.ofMinutes(5)), now::get);

  private String take() throws InterruptedException {
    return queue.poll(Duration.ZERO);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void add_sameKeyTwiceWhileWaiting_isHandedOutOnce() throws Exception {
    queue.add("a");
    queue.add("a");
    queue.add("b");

    assertThat(take()).isEqualTo("a");
    assertThat(take()).isEqualTo("b");
    assertThat(take()).isNull();
  }

  @Test
  void add_keyBeingProcessed_isNotHandedOutAgainUntilDone() throws Exception {
    queue.add("a");
    assertThat(take()).isEqualTo("a");

    queue.add("a");
    assertThat(take()).as("a is still being processed").isNull();

    queue.done("a");
    assertThat(take()).as("re-added mid-flight, so processed once more").isEqualTo("a");
    queue.done("a");
    assertThat(take()).isNull();
  }

  @Test
  void done_keyNotReAdded_doesNotComeBack() throws Exception {
    queue.add("a");
    assertThat(take()).isEqualTo("a");
    queue.done("a");
    assertThat(take()).isNull();
  }

  @Test
  void addAfter_keyBecomesReadyOnlyWhenDelayPassed() throws Exception {
    queue.addAfter("a", Duration.ofSeconds(5));
    assertThat(take()).isNull();
    assertThat(queue.delayedCount()).isEqualTo(1);

    advance(Duration.ofMillis(4_999));
    assertThat(take()).isNull();

    advance(Duration.ofMillis(1));
    assertThat(take()).isEqualTo("a");
    assertThat(queue.delayedCount()).isZero();
  }

  @Test
  void addAfter_twiceForOneKey_earliestWinsAndKeyIsHandedOutOnce() throws Exception {
    queue.addAfter("a", Duration.ofSeconds(10));
    queue.addAfter("a", Duration.ofSeconds(2));
    queue.addAfter("a", Duration.ofSeconds(7));

    advance(Duration.ofSeconds(2));
    assertThat(take()).isEqualTo("a");
    queue.done("a");

    advance(Duration.ofSeconds(20));
    assertThat(take()).as("the later delays were superseded").isNull();
  }

  @Test
  void addRateLimited_backoffDoublesPerFailureAndForgetResetsIt() throws Exception {
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofSeconds(1));
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofSeconds(2));
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofSeconds(4));
    assertThat(queue.numRequeues("a")).isEqualTo(3);

    queue.forget("a");

    assertThat(queue.numRequeues("a")).isZero();
    assertThat(queue.addRateLimited("a")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void addRateLimited_backoffIsPerKey() {
    queue.addRateLimited("a");
    queue.addRateLimited("a");
    assertThat(queue.addRateLimited("b")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void addUnlessBackingOff_keyWaitingOutItsBackoff_staysDelayed() throws Exception {
    queue.add("a");
    assertThat(take()).isEqualTo("a");
    queue.addRateLimited("a"); // failed: retry in 1 s
    queue.done("a");

    assertThat(queue.addUnlessBackingOff("a")).as("a resync leaves it to its retry").isFalse();
    assertThat(take()).isNull();
    advance(Duration.ofMillis(999));
    assertThat(take()).isNull();
    advance(Duration.ofMillis(1));
    assertThat(take()).isEqualTo("a");
  }

  @Test
  void addUnlessBackingOff_keyFailingWhileProcessed_isNotRequeuedByDone() throws Exception {
    queue.add("a");
    assertThat(take()).isEqualTo("a");
    queue.addRateLimited("a");

    assertThat(queue.addUnlessBackingOff("a")).isFalse();
    queue.done("a");
    assertThat(take()).as("done() must not hand it out before its backoff").isNull();
  }

  @Test
  void addUnlessBackingOff_keyWithoutFailures_isAddedAtOnce() throws Exception {
    queue.addAfter("a", Duration.ofSeconds(30)); // a requeue-after, not a failure

    assertThat(queue.addUnlessBackingOff("a")).isTrue();
    assertThat(take()).isEqualTo("a");
  }

  @Test
  void addUnlessBackingOff_afterForget_isAddedAtOnce() throws Exception {
    queue.addRateLimited("a");
    advance(Duration.ofSeconds(1));
    assertThat(take()).isEqualTo("a");
    queue.forget("a"); // it succeeded
    queue.done("a");

    assertThat(queue.addUnlessBackingOff("a")).isTrue();
    assertThat(take()).isEqualTo("a");
  }

  @Test
  void addUnlessBackingOff_retryAlreadyDue_isHandedOutOnce() throws Exception {
    queue.addRateLimited("a");
    advance(Duration.ofSeconds(1));
    assertThat(queue.readyCount()).isEqualTo(1);

    queue.addUnlessBackingOff("a");
    assertThat(take()).isEqualTo("a");
    assertThat(take()).isNull();
  }

  @Test
  void shutDown_blockedGetReturnsNull() throws Exception {
    WorkQueue<String> real =
        new WorkQueue<>(new BackoffRateLimiter<>(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    CountDownLatch returned = new CountDownLatch(1);
    List<String> got = Collections.synchronizedList(new ArrayList<>());
    Thread t =
        new Thread(
            () -> {
              try {
                got.add(String.valueOf(real.get()));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              returned.countDown();
            });
    t.start();
    Thread.sleep(50);
    real.shutDown();

    assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(got).containsExactly("null");
    real.add("x");
    assertThat(real.get()).as("nothing is handed out after shut down").isNull();
  }

  @Test
  void get_realClock_wakesUpWhenDelayedKeyIsDue() throws Exception {
    WorkQueue<String> real =
        new WorkQueue<>(new BackoffRateLimiter<>(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    long start = System.nanoTime();
    real.addAfter("a", Duration.ofMillis(100));

    assertThat(real.get()).isEqualTo("a");
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
  }

  @Test
  void concurrentWorkers_neverProcessTheSameKeyAtOnce_andEveryAddIsSeen() throws Exception {
    WorkQueue<Integer> real =
        new WorkQueue<>(new BackoffRateLimiter<>(Duration.ofMillis(1), Duration.ofMillis(1)));
    Set<Integer> inFlight = ConcurrentHashMap.newKeySet();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger processed = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  Integer k;
                  while ((k = real.get()) != null) {
                    if (!inFlight.add(k)) {
                      overlaps.incrementAndGet();
                    }
                    processed.incrementAndGet();
                    Thread.onSpinWait();
                    inFlight.remove(k);
                    real.done(k);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      workers.add(t);
      t.start();
    }
    for (int i = 0; i < 20_000; i++) {
      real.add(i % 10);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((real.readyCount() > 0 || real.processingCount() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    real.shutDown();
    for (Thread t : workers) {
      t.join(5_000);
    }

    assertThat(overlaps.get()).isZero();
    assertThat(processed.get()).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(20_000);
  }
}
