package io.cloudpods.controller;

/**
 * What a {@link WorkQueue} reports as it works, after client-go's workqueue metrics provider: every
 * add that queued a key, how long a key waited before a worker took it, how long the worker took,
 * and every retry. Implementations must be cheap and must not throw; they are called under the
 * queue's lock.
 */
public interface QueueMetrics {

  /** A key was added that was not already waiting. */
  default void added() {}

  /** A worker took a key that had waited {@code nanos} since it was added. */
  default void queued(long nanos) {}

  /** A worker finished a key after {@code nanos}. */
  default void worked(long nanos) {}

  /** A key was added again after a failure ({@link WorkQueue#addRateLimited}). */
  default void retried() {}

  QueueMetrics NONE = new QueueMetrics() {};
}
