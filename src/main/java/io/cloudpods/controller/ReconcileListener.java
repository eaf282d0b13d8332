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

  /** Tells {@code first}, then {@code second}, of every outcome. */
  static <K> ReconcileListener<K> both(ReconcileListener<K> first, ReconcileListener<K> second) {
    return new ReconcileListener<>() {
      @Override
      public void succeeded(K key, ReconcileResult result, Duration took) {
        first.succeeded(key, result, took);
        second.succeeded(key, result, took);
      }

      @Override
      public void failed(K key, Exception error, int attempt, Duration retryIn, Duration took) {
        first.failed(key, error, attempt, retryIn, took);
        second.failed(key, error, attempt, retryIn, took);
      }

      @Override
      public void failedTerminally(K key, TerminalReconcileException error, Duration took) {
        first.failedTerminally(key, error, took);
        second.failedTerminally(key, error, took);
      }

      @Override
      public void deferred(K key, RequeueException reason, Duration took) {
        first.deferred(key, reason, took);
        second.deferred(key, reason, took);
      }
    };
  }
}
