package io.cloudpods.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One storage on one node, with its volumes, backup files and allocation lock. */
final class SimStorage {
  record Volume(String volname, long size, int vmid, String content, String format) {}

  record Backup(
      String volname,
      long size,
      long ctime,
      int vmid,
      String notes,
      boolean isProtected,
      String format) {}

  /** A task waiting for the allocation lock. */
  static final class Waiter {
    final Runnable onAcquired;
    java.util.concurrent.ScheduledFuture<?> timeout;

    Waiter(Runnable onAcquired) {
      this.onAcquired = onAcquired;
    }
  }

  final String id;
  final String node;
  final String type;
  final List<String> content;
  final String path;
  final long total;

  /** Backups kept per guest when pruning ({@code prune-backups keep-last=N}); null = keep all. */
  final Integer keepLast;

  final Map<String, Volume> volumes = new LinkedHashMap<>();
  final List<Backup> backups = new ArrayList<>();
  final List<String> templates = new ArrayList<>();
  boolean allocationLocked;
  final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  SimStorage(
      String id,
      String node,
      String type,
      List<String> content,
      String path,
      long total,
      Integer keepLast) {
    this.id = id;
    this.node = node;
    this.type = type;
    this.content = List.copyOf(content);
    this.path = path;
    this.total = total;
    this.keepLast = keepLast;
  }

  boolean supports(String contentType) {
    return content.contains(contentType);
  }

  /** Whether linked clones (of base volumes) are supported, per storage plugin. */
  boolean supportsLinkedClone() {
    return type.equals("zfspool")
        || type.equals("lvmthin")
        || type.equals("rbd")
        || type.equals("btrfs");
  }

  boolean supportsSnapshots() {
    return !type.equals("dir");
  }

  long used() {
    long u = 0;
    for (Volume v : volumes.values()) {
      u += v.size();
    }
    for (Backup b : backups) {
      u += b.size();
    }
    for (String t : templates) {
      u += 220L << 20;
    }
    return u;
  }

  long avail() {
    return Math.max(0, total - used());
  }

  String contentString() {
    return String.join(",", content);
  }

  /**
   * Next free {@code <prefix>-<vmid>-disk-N} name (dir storages: {@code
   * <vmid>/<prefix>-<vmid>-disk-N.raw}).
   */
  String freeVolname(String prefix, int vmid) {
    for (int i = 0; ; i++) {
      String suffix = "-" + vmid + "-disk-" + i;
      boolean taken =
          volumes.keySet().stream()
              .anyMatch(n -> n.endsWith(suffix) || n.endsWith(suffix + ".raw"));
      if (!taken) {
        return type.equals("dir") ? vmid + "/" + prefix + suffix + ".raw" : prefix + suffix;
      }
    }
  }
}
