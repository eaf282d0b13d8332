package io.cloudpods.controller;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-key exponential backoff ({@code base * 2^failures}, capped at {@code max}), optionally
 * combined with a global token bucket so a storm of failing keys cannot hammer Proxmox: the delay
 * is the larger of the two.
 */
public final class BackoffRateLimiter<K> implements RateLimiter<K> {

  private final long baseNanos;
  private final long maxNanos;
  private final ConcurrentHashMap<K, Integer> failures = new ConcurrentHashMap<>();
  private final TokenBucket bucket;

  /**
   * @param base delay after the first failure
   * @param max upper bound of the per-key delay
   * @param qps global retry rate, or 0 for no global limit
   * @param burst global bucket size (ignored when {@code qps} is 0)
   * @param nanoTime the clock for the bucket ({@code System::nanoTime} in production)
   */
  public BackoffRateLimiter(
      Duration base, Duration max, double qps, int burst, LongSupplier nanoTime) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("backoff base must be positive: " + base);
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff max " + max + " is smaller than base " + base);
    }
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
    this.bucket = qps > 0 ? new TokenBucket(qps, Math.max(1, burst), nanoTime) : null;
  }

  public BackoffRateLimiter(Duration base, Duration max) {
    this(base, max, 0, 0, System::nanoTime);
  }

  @Override
  public Duration when(K key) {
    int n = failures.merge(key, 1, Integer::sum) - 1;
    long perKey = n >= 62 ? maxNanos : Math.min(maxNanos, saturatedShift(baseNanos, n));
    long global = bucket == null ? 0 : bucket.reserve();
    return Duration.ofNanos(Math.max(perKey, global));
  }

  private static long saturatedShift(long value, int shift) {
    if (shift >= Long.numberOfLeadingZeros(value) - 1) {
      return Long.MAX_VALUE;
    }
    return value << shift;
  }

  @Override
  public int failures(K key) {
    return failures.getOrDefault(key, 0);
  }

  @Override
  public void forget(K key) {
    failures.remove(key);
  }

  /** Classic token bucket handing out reservations: the returned value is the wait in nanos. */
  static final class TokenBucket {
    private final double nanosPerToken;
    private final double burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    TokenBucket(double qps, int burst, LongSupplier nanoTime) {
      this.nanosPerToken = 1_000_000_000d / qps;
      this.burst = burst;
      this.nanoTime = nanoTime;
      this.tokens = burst;
      this.last = nanoTime.getAsLong();
    }

    synchronized long reserve() {
      long now = nanoTime.getAsLong();
      tokens = Math.min(burst, tokens + (now - last) / nanosPerToken);
      last = now;
      tokens -= 1;
      return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * nanosPerToken);
    }
  }
}
