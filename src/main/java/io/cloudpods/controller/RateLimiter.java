package io.cloudpods.controller;

import java.time.Duration;

/** Decides how long a key that failed waits before its next attempt. */
public interface RateLimiter<K> {
  /** Records one more failure of {@code key} and returns how long to wait before retrying it. */
  Duration when(K key);

  /** How many failures in a row {@code key} has had since it last succeeded. */
  int failures(K key);

  /** Clears the failure history of {@code key} (after a success). */
  void forget(K key);
}
