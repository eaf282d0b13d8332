package io.cloudpods.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/** One cluster node: capacity, uptime origin, pid counter for UPIDs, and its storages. */
final class SimNode {
  final String name;
  final int maxcpu;
  final long maxmem;
  final long baseMemUsed;
  final long rootfsTotal;
  final long bootEpochMillis;
  int nextPid;
  final Map<String, SimStorage> storages = new LinkedHashMap<>();

  /** The vzdump run currently holding this node's global backup lock, if any. */
  Task vzdumpRunning;

  final java.util.ArrayDeque<Runnable> vzdumpQueue = new java.util.ArrayDeque<>();

  /**
   * The node's local time zone ({@code /etc/timezone}): backup file names, log times and prune
   * periods are read in it. UTC unless set through the control API.
   */
  java.time.ZoneId zone = java.time.ZoneOffset.UTC;

  SimNode(
      String name,
      int maxcpu,
      long maxmem,
      long baseMemUsed,
      long rootfsTotal,
      long bootEpochMillis,
      int firstPid) {
    this.name = name;
    this.maxcpu = maxcpu;
    this.maxmem = maxmem;
    this.baseMemUsed = baseMemUsed;
    this.rootfsTotal = rootfsTotal;
    this.bootEpochMillis = bootEpochMillis;
    this.nextPid = firstPid;
  }

  long uptimeSeconds(long now) {
    return (now - bootEpochMillis) / 1000;
  }
}
