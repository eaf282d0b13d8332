package io.cloudpods.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One storage on one node, with its volumes, backup files and allocation lock. */
final class SimStorage {
  record Volume(String volname, long size, int vmid, String content, String format) {}

  /**
   * A backup archive ({@code backup/vzdump-lxc-<vmid>-<time>.<format>}) with its notes file and
   * protection flag, and what the archive holds that a restore needs: the guest's config at backup
   * time ({@code etc/vzdump/pct.conf}) and the size of its root filesystem.
   */
  static final class Backup {
    private final String volname;
    private final long size;
    private final long ctime;
    private final int vmid;
    private final String format;
    private final String type;
    private final Map<String, String> config;
    private String notes;
    private boolean isProtected;

    Backup(
        String volname,
        long size,
        long ctime,
        int vmid,
        String notes,
        boolean isProtected,
        String format,
        String type,
        Map<String, String> config) {
      this.volname = volname;
      this.size = size;
      this.ctime = ctime;
      this.vmid = vmid;
      this.notes = notes;
      this.isProtected = isProtected;
      this.format = format;
      this.type = type;
      this.config = Map.copyOf(config);
    }

    String volname() {
      return volname;
    }

    long size() {
      return size;
    }

    long ctime() {
      return ctime;
    }

    int vmid() {
      return vmid;
    }

    /** The full notes text (the content list shows only its first line). */
    String notes() {
      return notes;
    }

    void setNotes(String notes) {
      this.notes = notes;
    }

    boolean isProtected() {
      return isProtected;
    }

    void setProtected(boolean p) {
      this.isProtected = p;
    }

    String format() {
      return format;
    }

    /** {@code lxc} or {@code qemu}. */
    String type() {
      return type;
    }

    /** The guest config stored in the archive (no lock, snapshots, parent or pending). */
    Map<String, String> config() {
      return config;
    }
  }

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

  /** The storage's {@code prune-backups} retention (property string); null = not configured. */
  final String pruneBackups;

  /**
   * {@code max-protected-backups}; null = Proxmox's default (5, unlimited with Datastore.Allocate).
   */
  Integer maxProtectedBackups;

  /** Bytes taken by things outside the simulation (fault control: a storage filling up). */
  long reservedBytes;

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
      String pruneBackups) {
    this.id = id;
    this.node = node;
    this.type = type;
    this.content = List.copyOf(content);
    this.path = path;
    this.total = total;
    this.pruneBackups = pruneBackups;
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
    long u = reservedBytes;
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

  Backup backup(String volname) {
    for (Backup b : backups) {
      if (b.volname().equals(volname)) {
        return b;
      }
    }
    return null;
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
