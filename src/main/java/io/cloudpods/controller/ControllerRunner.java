package io.cloudpods.controller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs a {@link Reconciler} on a fixed number of worker threads fed by a {@link WorkQueue}.
 *
 * <p>This is the whole engine: the reconciler knows nothing about threads, and the runner knows
 * nothing about what is being reconciled. Per key, one of three policies applies after a reconcile:
 * success resets the backoff (and honours {@code requeueAfter}); "not yet" requeues after the asked
 * delay without growing the backoff; any other failure requeues with per-key exponential backoff,
 * except a {@link TerminalReconcileException}, which is not retried.
 */
public final class ControllerRunner<K> implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ControllerRunner.class);

  private final String name;
  private final WorkQueue<K> queue;
  private final Reconciler<K> reconciler;
  private final ReconcileListener<K> listener;
  private final int workers;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong reconciles = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger active =
      new java.util.concurrent.atomic.AtomicInteger();

  public ControllerRunner(
      String name,
      WorkQueue<K> queue,
      Reconciler<K> reconciler,
      int workers,
      ReconcileListener<K> listener) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, was " + workers);
    }
    this.name = name;
    this.queue = queue;
    this.reconciler = reconciler;
    this.workers = workers;
    this.listener = listener;
  }

  /** Starts the worker threads. */
  public synchronized void start() {
    if (!threads.isEmpty()) {
      throw new IllegalStateException(name + " already started");
    }
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::workLoop, name + "-worker-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void workLoop() {
    try {
      while (processNext()) {
        // keep going until the queue shuts down
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Takes one key from the queue, reconciles it and applies the outcome policy. Returns false once
   * the queue is shut down. Public so tests can drive the engine one step at a time.
   */
  public boolean processNext() throws InterruptedException {
    K key = queue.get();
    if (key == null) {
      return false;
    }
    process(key);
    return true;
  }

  /** Like {@link #processNext()} but returns false if no key is ready within {@code timeout}. */
  public boolean processNext(Duration timeout) throws InterruptedException {
    K key = queue.poll(timeout);
    if (key == null) {
      return false;
    }
    process(key);
    return true;
  }

  private void process(K key) {
    long start = System.nanoTime();
    reconciles.incrementAndGet();
    active.incrementAndGet();
    try {
      ReconcileResult result = reconciler.reconcile(key);
      queue.forget(key);
      result.requeueAfter().ifPresent(d -> queue.addAfter(key, d));
      safely(() -> listener.succeeded(key, result, since(start)));
    } catch (RequeueException e) {
      queue.addAfter(key, e.delay());
      safely(() -> listener.deferred(key, e, since(start)));
    } catch (TerminalReconcileException e) {
      failures.incrementAndGet();
      queue.forget(key);
      LOG.warnf("%s: %s failed and will not be retried: %s", name, key, e.getMessage());
      safely(() -> listener.failedTerminally(key, e, since(start)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      queue.addRateLimited(key);
    } catch (Exception | LinkageError | AssertionError e) {
      failures.incrementAndGet();
      Duration retryIn = queue.addRateLimited(key);
      int attempt = queue.numRequeues(key);
      Exception error = e instanceof Exception ex ? ex : new RuntimeException(e);
      if (attempt <= 1 || attempt % 10 == 0) {
        LOG.debugf(e, "%s: %s failed (attempt %d), retrying in %s", name, key, attempt, retryIn);
      }
      safely(() -> listener.failed(key, error, attempt, retryIn, since(start)));
    } finally {
      active.decrementAndGet();
      queue.done(key);
    }
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.errorf(e, "%s: reconcile listener failed", name);
    }
  }

  public long reconcileCount() {
    return reconciles.get();
  }

  public long failureCount() {
    return failures.get();
  }

  /** Workers reconciling a key right now. */
  public int activeWorkers() {
    return active.get();
  }

  /** The number of worker threads (controller-runtime's max concurrent reconciles). */
  public int workers() {
    return workers;
  }

  public String name() {
    return name;
  }

  public WorkQueue<K> queue() {
    return queue;
  }

  /** Shuts the queue down and waits up to {@code timeout} for in-flight reconciles to finish. */
  public void stop(Duration timeout) {
    queue.shutDown();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Thread> started;
    synchronized (this) {
      started = List.copyOf(threads);
    }
    for (Thread t : started) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        t.join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
