package io.cloudpods.cloudpod.task;

import io.cloudpods.store.ResourceKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long to wait before checking a running task again: a tenth of how long it has run (as seen by
 * this process), between the initial and the maximum poll interval. Short tasks are noticed
 * finished quickly, long ones cost few requests, and the delay in noticing is about 10 %.
 */
public final class TaskPoll {

  private record Seen(String upid, Instant since) {}

  /** When this process first saw each pod's running task. */
  private final Map<ResourceKey, Seen> seen = new ConcurrentHashMap<>();

  private final Duration initial;
  private final Duration max;
  private final Clock clock;

  public TaskPoll(Duration initial, Duration max, Clock clock) {
    this.initial = initial;
    this.max = max;
    this.clock = clock;
  }

  /** The wait before the next check of {@code upid}, the pod's running task. */
  public Duration delay(ResourceKey key, String upid) {
    Instant now = clock.instant();
    Seen s =
        seen.compute(
            key, (k, old) -> old != null && old.upid().equals(upid) ? old : new Seen(upid, now));
    return nextPoll(Duration.between(s.since(), now), initial, max);
  }

  /** The pod has no running task any more. */
  public void forget(ResourceKey key) {
    seen.remove(key);
  }

  /** A tenth of {@code running}, kept between {@code initial} and {@code max}. */
  public static Duration nextPoll(Duration running, Duration initial, Duration max) {
    long maxMs = max.toMillis();
    long minMs = Math.min(initial.toMillis(), maxMs);
    return Duration.ofMillis(Math.max(minMs, Math.min(maxMs, running.toMillis() / 10)));
  }
}
