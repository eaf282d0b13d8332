package io.cloudpods.sim;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Request counts per method and route template, e.g. {@code GET /nodes/{node}/lxc}. */
final class Stats {
  private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

  void count(String method, String template) {
    counts.computeIfAbsent(method + " " + template, k -> new LongAdder()).increment();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  void reset() {
    counts.clear();
  }
}
