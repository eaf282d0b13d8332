package io.cloudpods.controller;

import java.time.Duration;

/**
 * Observes the outcome of every reconcile: the place where failures become visible in status
 * (attempt count, next retry) and where metrics are counted. Implementations must not throw.
 */
public interface ReconcileListener<K> {

  /** The reconcile returned normally after {@code took}. */
  default void succeeded(K key, ReconcileResult result, Duration took) {}

  /**
   * The reconcile failed in a way that is retried: {@code attempt} failures in a row so far, next
   * try in {@code retryIn}.
   */
  default void failed(K key, Exception error, int attempt, Duration retryIn, Duration took) {}

  /** The reconcile failed for good; it is not retried until something wakes the key again. */
  default void failedTerminally(K key, TerminalReconcileException error, Duration took) {}

  /** The reconcile asked for a timed look later ({@link RequeueException}). */
  default void deferred(K key, RequeueException reason, Duration took) {}

  static <K> ReconcileListener<K> none() {
    return new ReconcileListener<>() {};
  }
}
