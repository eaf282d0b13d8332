package io.cloudpods.controller;

import java.time.Duration;

/**
 * "Not yet": the reconcile cannot go on until something outside the controller happens (a task
 * finishes, a lagging list catches up). The key is looked at again after {@link #delay()} and the
 * failure count does not grow.
 */
public class RequeueException extends RuntimeException {
  private final Duration delay;

  public RequeueException(Duration delay, String reason) {
    super(reason, null, false, false);
    this.delay = delay;
  }

  public Duration delay() {
    return delay;
  }
}
