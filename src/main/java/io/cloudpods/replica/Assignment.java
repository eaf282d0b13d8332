package io.cloudpods.replica;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which live replica should hold which cluster's lease. A cluster stays with the live replica that
 * holds it as long as that replica holds no more than its share (the clusters divided by the live
 * replicas, rounded up); the others are dealt, in name order, each to the replica holding the
 * fewest so far (the earliest joined among equals). Every replica computes the same answer from the
 * same rows. So a replica leaving moves only what it held, a replica joining takes only what is
 * beyond the others' share, and a first start deals the clusters out in turn.
 */
public final class Assignment {

  private Assignment() {}

  /** With no lease held yet: the clusters in name order dealt in turn to the replicas. */
  public static Map<String, String> of(List<String> clusters, List<String> replicas) {
    return of(clusters, replicas, Map.of());
  }

  /**
   * @param clusters the clusters (any order)
   * @param replicas the live replicas, oldest first
   * @param holders cluster to the replica holding its lease now (leases in force only)
   * @return cluster name to replica id (empty when no replica is live)
   */
  public static Map<String, String> of(
      List<String> clusters, List<String> replicas, Map<String, String> holders) {
    Map<String, String> out = new LinkedHashMap<>();
    if (replicas.isEmpty()) {
      return out;
    }
    TreeSet<String> names = new TreeSet<>(clusters);
    int share = (names.size() + replicas.size() - 1) / replicas.size();
    Map<String, Integer> load = new LinkedHashMap<>();
    replicas.forEach(r -> load.put(r, 0));
    for (String c : names) {
      String h = holders.get(c);
      if (h != null && load.containsKey(h) && load.get(h) < share) {
        out.put(c, h);
        load.merge(h, 1, Integer::sum);
      }
    }
    for (String c : names) {
      if (out.containsKey(c)) {
        continue;
      }
      String least = null;
      for (Map.Entry<String, Integer> e : load.entrySet()) {
        if (least == null || e.getValue() < load.get(least)) {
          least = e.getKey();
        }
      }
      out.put(c, least);
      load.merge(least, 1, Integer::sum);
    }
    Map<String, String> sorted = new LinkedHashMap<>();
    names.forEach(c -> sorted.put(c, out.get(c)));
    return sorted;
  }
}
