package io.cloudpods.controller;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What a successful reconcile asks of the engine: nothing, or another look after a delay. */
public record ReconcileResult(Optional<Duration> requeueAfter) {

  private static final ReconcileResult DONE = new ReconcileResult(Optional.empty());

  public ReconcileResult {
    Objects.requireNonNull(requeueAfter, "requeueAfter");
    requeueAfter.ifPresent(
        d -> {
          if (d.isNegative()) {
            throw new IllegalArgumentException("requeueAfter must not be negative: " + d);
          }
        });
  }

  /** Converged: the key is next reconciled on a wake-up or the periodic resync. */
  public static ReconcileResult done() {
    return DONE;
  }

  /** Waiting on something outside the controller: look again after {@code delay}, no backoff. */
  public static ReconcileResult requeueAfter(Duration delay) {
    return new ReconcileResult(Optional.of(delay));
  }
}
