package io.cloudpods.backup.run;

/** The conditions and reasons the backup reconciles write on Backups and BackupPolicies. */
public final class BackupConditions {

  /**
   * On a Backup: {@code True} once the archive exists, {@code False} when the backup failed for
   * good, {@code Unknown} while pending or running (the reason says what it waits for).
   */
  public static final String SUCCEEDED = "Succeeded";

  /** On a completed Backup: whether its archive is (still) in the storage content. */
  public static final String ARCHIVE_AVAILABLE = "ArchiveAvailable";

  /** On a Backup: snapshot mode could not be used and vzdump fell back to suspend mode. */
  public static final String MODE_FALLBACK = "ModeFallback";

  /** On a Backup marked for deletion: why its archive is not deleted. */
  public static final String DELETION_BLOCKED = "DeletionBlocked";

  /** On a BackupPolicy: how its latest run went. */
  public static final String LAST_RUN_SUCCEEDED = "LastRunSucceeded";

  /** On a BackupPolicy: whether its schedule runs ({@code False}: suspended or invalid). */
  public static final String SCHEDULED = "Scheduled";

  public static final String REASON_PENDING = "Pending";
  public static final String REASON_RUNNING = "Running";
  public static final String REASON_COMPLETED = "Completed";
  public static final String REASON_WAITING_FOR_NODE = "WaitingForNode";
  public static final String REASON_POD_NOT_PROVISIONED = "PodNotProvisioned";
  public static final String REASON_POD_NOT_FOUND = "PodNotFound";
  public static final String REASON_GUEST_LOCKED = "GuestLocked";
  public static final String REASON_NODE_BUSY = "NodeBusy";

  /**
   * The vzdump could not be asked for because Proxmox did not answer or answered 5xx: a wait, not a
   * failed attempt.
   */
  public static final String REASON_PROXMOX_UNAVAILABLE = "ProxmoxUnavailable";

  public static final String REASON_RETRY_SCHEDULED = "RetryScheduled";
  public static final String REASON_BACKUP_FAILED = "BackupFailed";
  public static final String REASON_ARCHIVE_GONE = "ArchiveGone";
  public static final String REASON_PRUNED = "Pruned";
  public static final String REASON_SNAPSHOT_NOT_SUPPORTED = "SnapshotNotSupported";
  public static final String REASON_PROTECTED = "Protected";
  public static final String REASON_DELETE_FAILED = "DeleteFailed";
  public static final String REASON_SUSPENDED = "Suspended";
  public static final String REASON_INVALID_SCHEDULE = "InvalidSchedule";
  public static final String REASON_ACTIVE = "Active";
  public static final String REASON_CATCH_UP_ONCE = "CaughtUpOnce";
  public static final String REASON_MISSED_WHILE_DOWN = "MissedWhileDown";

  /** Label on a scheduled Backup: the policy run's due time, epoch seconds. */
  public static final String LABEL_SCHEDULED = "backup.cloudpods.io/scheduled";

  /** Label on a scheduled Backup: the policy that created it. */
  public static final String LABEL_POLICY = "backup.cloudpods.io/policy";

  private BackupConditions() {}
}
