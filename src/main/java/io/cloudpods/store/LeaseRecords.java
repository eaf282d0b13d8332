package io.cloudpods.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The replicas' and leases' rows as the lease keeper uses them ({@link LeaseStore}). */
public interface LeaseRecords {

  /** A lease this replica was granted: its generation, and the time it has left. */
  record Grant(long generation, Duration left) {}

  void heartbeat(String replica, String host, long pid);

  List<String> liveReplicas(Duration ttl);

  /**
   * Takes the lease if nobody holds it, or it ran out, at least {@code freeFor} ago; empty when
   * another replica holds it.
   */
  Optional<Grant> acquire(String cluster, String replica, Duration duration, Duration freeFor);

  Optional<Duration> renew(String cluster, String replica, long generation, Duration duration);

  Optional<Duration> proveThen(
      String cluster, String replica, long generation, Duration atLeast, Runnable then);

  boolean release(String cluster, String replica, long generation);

  void leave(String replica);

  /** Cluster to the replica holding its lease now (leases in force only). */
  default java.util.Map<String, String> holders() {
    return java.util.Map.of();
  }

  void forgetOld(Duration maxAge, Duration grantsAge);
}
