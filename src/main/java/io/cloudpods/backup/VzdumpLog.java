package io.cloudpods.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a finished {@code vzdump} task's log says about one guest's backup: the Proxmox API never
 * returns the new archive's volid, so it is read from the line {@code creating vzdump archive
 * '<path>'} (the file lands in {@code <storage>:backup/<file>}); the prune that follows logs {@code
 * removing backup '<volid>'} for every archive it removed; a failed guest logs {@code ERROR: Backup
 * of VM <vmid> failed - <reason>}; snapshot mode on volumes that cannot snapshot logs {@code mode
 * failure - some volumes do not support snapshots} and falls back to suspend mode. Pure.
 *
 * @param archiveFile the new archive's file name, if the log names one
 * @param removedVolids the volids the prune removed, in log order
 * @param error the first {@code ERROR:} line without its prefix, if any
 * @param fellBackToSuspend whether snapshot mode fell back to suspend mode
 * @param lockedBy the lock the guest held when the backup was refused ({@code backup}, {@code
 *     snapshot}, ...), if that is why it failed
 * @param nodeLockTimeout whether the node's global backup lock could not be had in time
 */
public record VzdumpLog(
    Optional<String> archiveFile,
    List<String> removedVolids,
    Optional<String> error,
    boolean fellBackToSuspend,
    Optional<String> lockedBy,
    boolean nodeLockTimeout) {

  private static final Pattern ARCHIVE = Pattern.compile("creating (?:vzdump )?archive '([^']+)'");
  private static final Pattern REMOVED = Pattern.compile("removing backup '([^']+)'");
  private static final Pattern LOCKED = Pattern.compile("(?:CT|VM) is locked \\(([^)]+)\\)");
  private static final String SNAPSHOT_FALLBACK =
      "mode failure - some volumes do not support snapshots";

  public VzdumpLog {
    removedVolids = List.copyOf(removedVolids);
  }

  /** Reads the log lines of one vzdump task (one guest). */
  public static VzdumpLog parse(List<String> lines) {
    String archive = null;
    String error = null;
    String locked = null;
    boolean fallback = false;
    boolean lockTimeout = false;
    List<String> removed = new ArrayList<>();
    for (String line : lines) {
      Matcher a = ARCHIVE.matcher(line);
      if (archive == null && a.find()) {
        String path = a.group(1);
        archive = path.substring(path.lastIndexOf('/') + 1);
      }
      Matcher r = REMOVED.matcher(line);
      if (r.find()) {
        removed.add(r.group(1));
      }
      if (line.contains(SNAPSHOT_FALLBACK)) {
        fallback = true;
      }
      String trimmed = line.strip();
      if (error == null && trimmed.startsWith("ERROR:")) {
        error = trimmed.substring("ERROR:".length()).strip();
        Matcher l = LOCKED.matcher(trimmed);
        if (l.find()) {
          locked = l.group(1);
        }
      }
      if (line.contains("can't acquire lock") && line.contains("got timeout")) {
        lockTimeout = true;
      }
    }
    return new VzdumpLog(
        Optional.ofNullable(archive),
        removed,
        Optional.ofNullable(error),
        fallback,
        Optional.ofNullable(locked),
        lockTimeout);
  }

  /** The new archive's volid on {@code storage}: {@code <storage>:backup/<file>}. */
  public Optional<String> volid(String storage) {
    return archiveFile.map(f -> storage + ":backup/" + f);
  }

  /**
   * The failure message for a failed task: the exit status, then the log's ERROR line ({@code job
   * errors: Backup of VM 9001 failed - ...}).
   */
  public String failureMessage(String exitStatus) {
    String status = exitStatus == null || exitStatus.isBlank() ? "failed" : exitStatus;
    return error.map(e -> status + ": " + e).orElse(status);
  }
}
