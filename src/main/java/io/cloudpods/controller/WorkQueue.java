package io.cloudpods.controller;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A queue of keys with the semantics controllers need (after client-go's workqueue):
 *
 * <ul>
 *   <li>a key waiting in the queue is there once, however often it is added;
 *   <li>a key is never handed to two workers at once; a key added while it is being processed is
 *       processed once more after {@link #done} (so no change is missed);
 *   <li>{@link #addAfter} delays a key (the earliest pending delay wins);
 *   <li>{@link #addRateLimited} delays it by the {@link RateLimiter}'s backoff, and {@link #forget}
 *       resets that backoff after a success;
 *   <li>{@link #addUnlessBackingOff} is {@link #add} for periodic resyncs: it leaves a key alone
 *       while that key waits out (or is in) a retry after a failure, so a resync every 30 s does
 *       not turn a 5-minute backoff into a 30-second retry loop.
 * </ul>
 *
 * Callers must call {@link #done} for every key {@link #get} returned, in a {@code finally}.
 */
public final class WorkQueue<K> {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final PriorityQueue<Delayed<K>> delayed =
      new PriorityQueue<>((a, b) -> Long.compare(a.readyAt, b.readyAt));
  private final Map<K, Delayed<K>> delayedByKey = new HashMap<>();
  private final Map<K, Long> addedAt = new HashMap<>();
  private final Map<K, Long> startedAt = new HashMap<>();
  private final RateLimiter<K> rateLimiter;
  private final LongSupplier nanoTime;
  private final QueueMetrics metrics;
  private boolean shuttingDown;

  private record Delayed<K>(K key, long readyAt) {}

  public WorkQueue(RateLimiter<K> rateLimiter) {
    this(rateLimiter, System::nanoTime, QueueMetrics.NONE);
  }

  public WorkQueue(RateLimiter<K> rateLimiter, QueueMetrics metrics) {
    this(rateLimiter, System::nanoTime, metrics);
  }

  WorkQueue(RateLimiter<K> rateLimiter, LongSupplier nanoTime) {
    this(rateLimiter, nanoTime, QueueMetrics.NONE);
  }

  WorkQueue(RateLimiter<K> rateLimiter, LongSupplier nanoTime, QueueMetrics metrics) {
    this.rateLimiter = rateLimiter;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
  }

  /** Adds {@code key} now, unless it is already waiting. */
  public void add(K key) {
    lock.lock();
    try {
      addLocked(key);
    } finally {
      lock.unlock();
    }
  }

  private void addLocked(K key) {
    if (shuttingDown || dirty.contains(key)) {
      return;
    }
    dirty.add(key);
    metrics.added();
    addedAt.putIfAbsent(key, nanoTime.getAsLong());
    if (processing.contains(key)) {
      return; // re-queued by done()
    }
    queue.addLast(key);
    changed.signal();
  }

  /**
   * Adds {@code key} now, unless it is backing off: it failed since its last {@link #forget} and
   * its retry is still pending (delayed) or running. Returns whether the key was added (or was
   * already waiting). A failed key that has no retry scheduled, such as one whose failure was
   * terminal, is added as by {@link #add}.
   */
  public boolean addUnlessBackingOff(K key) {
    lock.lock();
    try {
      if (rateLimiter.failures(key) > 0
          && (delayedByKey.containsKey(key) || processing.contains(key))) {
        return false;
      }
      addLocked(key);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code key} once {@code delay} has passed; an earlier pending delay for it wins. */
  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    lock.lock();
    try {
      if (shuttingDown) {
        return;
      }
      long readyAt = nanoTime.getAsLong() + delay.toNanos();
      Delayed<K> existing = delayedByKey.get(key);
      if (existing != null && existing.readyAt - readyAt <= 0) {
        return;
      }
      Delayed<K> entry = new Delayed<>(key, readyAt);
      delayedByKey.put(key, entry);
      delayed.add(entry);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code key} after its backoff, which grows with each call until {@link #forget}. */
  public Duration addRateLimited(K key) {
    Duration wait = rateLimiter.when(key);
    lock.lock();
    try {
      metrics.retried();
    } finally {
      lock.unlock();
    }
    addAfter(key, wait);
    return wait;
  }

  /** Resets the backoff of {@code key}; call after it was processed successfully. */
  public void forget(K key) {
    rateLimiter.forget(key);
  }

  /** Failures in a row of {@code key} since its last {@link #forget}. */
  public int numRequeues(K key) {
    return rateLimiter.failures(key);
  }

  /**
   * Blocks until a key is ready and returns it, marking it as being processed; returns {@code null}
   * once the queue is shut down.
   */
  public K get() throws InterruptedException {
    return take(false, 0);
  }

  /** Like {@link #get()} but gives up after {@code timeout}, returning {@code null}. */
  public K poll(Duration timeout) throws InterruptedException {
    return take(true, nanoTime.getAsLong() + timeout.toNanos());
  }

  private K take(boolean bounded, long deadline) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (true) {
        if (shuttingDown) {
          return null;
        }
        long now = nanoTime.getAsLong();
        promoteDue(now);
        K key = queue.pollFirst();
        if (key != null) {
          dirty.remove(key);
          processing.add(key);
          long taken = nanoTime.getAsLong();
          Long added = addedAt.remove(key);
          if (added != null) {
            metrics.queued(Math.max(0, taken - added));
          }
          startedAt.put(key, taken);
          return key;
        }
        if (bounded && deadline - now <= 0) {
          return null;
        }
        Delayed<K> next = delayed.peek();
        long wait = next == null ? Long.MAX_VALUE : Math.max(1, next.readyAt - now);
        if (bounded) {
          wait = Math.min(wait, deadline - now);
        }
        if (wait == Long.MAX_VALUE) {
          changed.await();
        } else {
          changed.awaitNanos(wait);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void promoteDue(long now) {
    Delayed<K> head;
    while ((head = delayed.peek()) != null && head.readyAt - now <= 0) {
      delayed.poll();
      if (delayedByKey.get(head.key) == head) {
        delayedByKey.remove(head.key);
        addLocked(head.key);
      }
    }
  }

  /** Marks {@code key} as processed; if it was added meanwhile, it goes back in the queue. */
  public void done(K key) {
    lock.lock();
    try {
      processing.remove(key);
      Long started = startedAt.remove(key);
      if (started != null) {
        metrics.worked(nanoTime.getAsLong() - started);
      }
      if (dirty.contains(key) && !shuttingDown) {
        queue.addLast(key);
        changed.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops handing out keys: every blocked and future {@link #get} returns {@code null}. */
  public void shutDown() {
    lock.lock();
    try {
      shuttingDown = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean isShuttingDown() {
    lock.lock();
    try {
      return shuttingDown;
    } finally {
      lock.unlock();
    }
  }

  /** Keys ready to be handed out now. */
  public int readyCount() {
    lock.lock();
    try {
      promoteDue(nanoTime.getAsLong());
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Keys waiting for a delay to pass. */
  public int delayedCount() {
    lock.lock();
    try {
      return delayedByKey.size();
    } finally {
      lock.unlock();
    }
  }

  /** Keys being processed right now. */
  public int processingCount() {
    lock.lock();
    try {
      return processing.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Seconds of work in progress that has not finished yet, summed over the keys being processed
   * (client-go's {@code unfinished_work_seconds}): it grows without bound when a worker is stuck.
   */
  public double unfinishedWorkSeconds() {
    lock.lock();
    try {
      long now = nanoTime.getAsLong();
      long total = 0;
      for (long started : startedAt.values()) {
        total += now - started;
      }
      return total / 1e9;
    } finally {
      lock.unlock();
    }
  }

  /** Seconds the longest-running key being processed has been at it, or 0. */
  public double longestRunningProcessorSeconds() {
    lock.lock();
    try {
      long now = nanoTime.getAsLong();
      long longest = 0;
      for (long started : startedAt.values()) {
        longest = Math.max(longest, now - started);
      }
      return longest / 1e9;
    } finally {
      lock.unlock();
    }
  }
}
