package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Fault injection, deterministic for a given seed and request order. Rates are probabilities in
 * [0,1]. {@code errorRate}: the request is refused with a 5xx before anything happens. {@code
 * lostResponseRate}: the action happens but the caller gets a 5xx or a dropped connection. {@code
 * taskFailureRate}: a started task fails at its end (its effects are rolled back). {@code
 * latencyMs}: extra response delay, uniformly drawn from [min,max]. {@code blackHole}: API requests
 * are read and never answered (held) until it is lifted, then their connections are closed without
 * an answer; a held request is not executed and draws nothing from the random sequence.
 */
final class Faults {
  record Settings(
      double errorRate,
      double lostResponseRate,
      double taskFailureRate,
      long latencyMin,
      long latencyMax,
      long seed,
      boolean blackHole) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("errorRate", errorRate);
      m.put("lostResponseRate", lostResponseRate);
      m.put("taskFailureRate", taskFailureRate);
      m.put("latencyMs", List.of(latencyMin, latencyMax));
      m.put("seed", seed);
      m.put("blackHole", blackHole);
      return m;
    }
  }

  /** What to do with one API request. */
  enum Outcome {
    NORMAL,
    ERROR,
    LOST_5XX,
    LOST_DROP
  }

  /** At most this many requests are held by the black hole; beyond it the oldest is closed. */
  static final int MAX_HELD = 10_000;

  private Settings settings;
  private Random random;

  /** {@code settings.blackHole()}, readable without the monitor on every request. */
  private volatile boolean blackHoleOn;

  /** Closers of the requests held by the black hole, oldest first. */
  private final Set<Runnable> held = new LinkedHashSet<>();

  Faults(long seed) {
    set(new Settings(0, 0, 0, 0, 0, seed, false));
  }

  synchronized Settings settings() {
    return settings;
  }

  /** Replaces the settings and restarts the random sequence from the seed. */
  void set(Settings s) {
    List<Runnable> released;
    synchronized (this) {
      released = install(s, true);
    }
    released.forEach(Runnable::run);
  }

  /**
   * Applies a {@code PUT /_sim/faults} patch atomically. The random sequence restarts from the seed
   * unless the patch sets {@code blackHole} alone, so a black-hole episode leaves the outcomes of
   * the requests around it as they would have been without it.
   */
  Settings update(Map<String, Object> json) {
    List<Runnable> released;
    Settings now;
    synchronized (this) {
      now = merge(settings, json);
      boolean blackHoleOnly = json.size() == 1 && json.containsKey("blackHole");
      released = install(now, !blackHoleOnly);
    }
    released.forEach(Runnable::run);
    return now;
  }

  /** Sets or lifts the black hole, leaving the other settings and the random sequence alone. */
  void blackHole(boolean on) {
    List<Runnable> released;
    synchronized (this) {
      Settings c = settings;
      released =
          install(
              new Settings(
                  c.errorRate(),
                  c.lostResponseRate(),
                  c.taskFailureRate(),
                  c.latencyMin(),
                  c.latencyMax(),
                  c.seed(),
                  on),
              false);
    }
    released.forEach(Runnable::run);
  }

  /** Returns the closers of the held requests to run (outside the monitor) when lifted. */
  private List<Runnable> install(Settings s, boolean resetRandom) {
    blackHoleOn = s.blackHole();
    settings = s;
    if (resetRandom || random == null) {
      random = new Random(s.seed());
    }
    if (s.blackHole() || held.isEmpty()) {
      return List.of();
    }
    List<Runnable> released = new ArrayList<>(held);
    held.clear();
    return released;
  }

  /**
   * While the black hole is on, keeps {@code close} (which must close the request's connection
   * without an answer) until the black hole is lifted and returns true; otherwise returns false and
   * the request proceeds. Beyond {@link #MAX_HELD} the oldest held request is closed at once.
   */
  boolean holdIfBlackHole(Runnable close) {
    Runnable evicted = null;
    synchronized (this) {
      if (!settings.blackHole()) {
        return false;
      }
      held.add(close);
      if (held.size() > MAX_HELD) {
        Iterator<Runnable> oldest = held.iterator();
        evicted = oldest.next();
        oldest.remove();
      }
    }
    if (evicted != null) {
      evicted.run();
    }
    return true;
  }

  /** Whether the black hole is on; a hint for the hot path ({@link #holdIfBlackHole} decides). */
  boolean blackHoleOn() {
    return blackHoleOn;
  }

  /** Forgets a held request whose client went away. */
  synchronized void forget(Runnable close) {
    held.remove(close);
  }

  /** How many requests the black hole holds right now. */
  synchronized int heldRequests() {
    return held.size();
  }

  /** Decides the outcome and the extra latency of one request, in arrival order. */
  synchronized Outcome nextOutcome() {
    if (settings.errorRate() > 0 && random.nextDouble() < settings.errorRate()) {
      return Outcome.ERROR;
    }
    if (settings.lostResponseRate() > 0 && random.nextDouble() < settings.lostResponseRate()) {
      return random.nextBoolean() ? Outcome.LOST_5XX : Outcome.LOST_DROP;
    }
    return Outcome.NORMAL;
  }

  synchronized long nextLatencyMillis() {
    if (settings.latencyMax() <= 0) {
      return 0;
    }
    long span = settings.latencyMax() - settings.latencyMin();
    return settings.latencyMin() + (span == 0 ? 0 : (long) (random.nextDouble() * (span + 1)));
  }

  synchronized boolean nextTaskFailure() {
    return settings.taskFailureRate() > 0 && random.nextDouble() < settings.taskFailureRate();
  }

  /** Applies a JSON patch; unknown fields and bad values are rejected naming the field. */
  static Settings merge(Settings base, Map<String, Object> json) {
    double error = base.errorRate();
    double lost = base.lostResponseRate();
    double taskFail = base.taskFailureRate();
    long min = base.latencyMin();
    long max = base.latencyMax();
    long seed = base.seed();
    boolean blackHole = base.blackHole();
    for (Map.Entry<String, Object> e : json.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      switch (k) {
        case "errorRate" -> error = rate(k, v);
        case "lostResponseRate" -> lost = rate(k, v);
        case "taskFailureRate" -> taskFail = rate(k, v);
        case "seed" -> {
          if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw ApiException.param(k, "must be an integer");
          }
          seed = n.longValue();
        }
        case "blackHole" -> {
          if (!(v instanceof Boolean b)) {
            throw ApiException.param(k, "must be true or false");
          }
          blackHole = b;
        }
        case "latencyMs" -> {
          if (!(v instanceof List<?> l)
              || l.size() != 2
              || !(l.get(0) instanceof Number a)
              || !(l.get(1) instanceof Number b)) {
            throw ApiException.param(k, "must be an array [min,max] of milliseconds");
          }
          min = a.longValue();
          max = b.longValue();
          if (min < 0 || max < min || max > 600_000) {
            throw ApiException.param(k, "must satisfy 0 <= min <= max <= 600000");
          }
        }
        default -> throw ApiException.param(k, PropertyStrings.NOT_IN_SCHEMA);
      }
    }
    return new Settings(error, lost, taskFail, min, max, seed, blackHole);
  }

  private static double rate(String k, Object v) {
    if (!(v instanceof Number n)
        || n.doubleValue() < 0
        || n.doubleValue() > 1
        || Double.isNaN(n.doubleValue())) {
      throw ApiException.param(k, "must be a number between 0 and 1");
    }
    return n.doubleValue();
  }
}
