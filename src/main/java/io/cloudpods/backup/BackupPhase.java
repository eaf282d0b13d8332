package io.cloudpods.backup;

/** The phases of a Backup ({@code status.phase}), as the API shows them. */
public final class BackupPhase {
  /** Accepted, not started, or waiting to retry. */
  public static final String PENDING = "Pending";

  /** Intent persisted; the vzdump task runs (or is being started). */
  public static final String RUNNING = "Running";

  /** The archive exists on the storage ({@code status.volid}). */
  public static final String COMPLETED = "Completed";

  /** Every attempt failed; the message says why. */
  public static final String FAILED = "Failed";

  /** The archive was completed but is gone from the storage, not by a prune of ours. */
  public static final String MISSING = "Missing";

  private BackupPhase() {}

  /** Whether nothing more happens to a backup in {@code phase} (the next one may start). */
  public static boolean terminal(String phase) {
    return COMPLETED.equals(phase) || FAILED.equals(phase) || MISSING.equals(phase);
  }
}
