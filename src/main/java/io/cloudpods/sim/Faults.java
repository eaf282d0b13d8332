package io.cloudpods.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fault injection, deterministic for a given seed and request order. Rates are probabilities in
 * [0,1]. {@code errorRate}: the request is refused with a 5xx before anything happens. {@code
 * lostResponseRate}: the action happens but the caller gets a 5xx or a dropped connection. {@code
 * taskFailureRate}: a started task fails at its end (its effects are rolled back). {@code
 * latencyMs}: extra response delay, uniformly drawn from [min,max].
 */
final class Faults {
  record Settings(
      double errorRate,
      double lostResponseRate,
      double taskFailureRate,
      long latencyMin,
      long latencyMax,
      long seed) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("errorRate", errorRate);
      m.put("lostResponseRate", lostResponseRate);
      m.put("taskFailureRate", taskFailureRate);
      m.put("latencyMs", List.of(latencyMin, latencyMax));
      m.put("seed", seed);
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

  private Settings settings;
  private Random random;

  Faults(long seed) {
    set(new Settings(0, 0, 0, 0, 0, seed));
  }

  synchronized Settings settings() {
    return settings;
  }

  synchronized void set(Settings s) {
    settings = s;
    random = new Random(s.seed());
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
    return new Settings(error, lost, taskFail, min, max, seed);
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
