package io.cloudpods.api.v1alpha1;

/** Condition types, reasons and phases of a CloudPod's status: the vocabulary dashboards read. */
public final class CloudPodConditions {

  private CloudPodConditions() {}

  // ---- types --------------------------------------------------------------------------------

  /** Summary: the container exists, is ours, its config and power state match the spec. */
  public static final String READY = "Ready";

  /** The container exists in Proxmox and carries our marker. */
  public static final String PROVISIONED = "Provisioned";

  /** The container's config (size, network, hostname, tags) matches the spec. */
  public static final String CONFIG_SYNCED = "ConfigSynced";

  /** The container's power state matches {@code spec.powerState}. */
  public static final String POWER_STATE_SYNCED = "PowerStateSynced";

  // ---- reasons ------------------------------------------------------------------------------

  /** Everything matches. */
  public static final String CONVERGED = "Converged";

  /** A VMID, IP and node are being reserved before the clone. */
  public static final String ALLOCATING = "Allocating";

  /** The clone of the template was requested. */
  public static final String CREATING = "Creating";

  /** A Proxmox task of this pod is running. */
  public static final String WAITING_FOR_TASK = "WaitingForTask";

  /** Proxmox's own limit of allocations per storage or tasks per node is reached. */
  public static final String WAITING_FOR_CAPACITY = "WaitingForCapacity";

  /** Another clone of the pod's template is running: Proxmox clones a template one at a time. */
  public static final String WAITING_FOR_CLONE_SLOT = "WaitingForCloneSlot";

  /** The container is locked in Proxmox (backup, snapshot, ...). */
  public static final String LOCKED = "Locked";

  /** The last Proxmox task of this pod failed; retried with backoff. */
  public static final String TASK_FAILED = "TaskFailed";

  /** A Proxmox call failed; retried with backoff. */
  public static final String PROXMOX_ERROR = "ProxmoxError";

  /** Proxmox cannot be reached. */
  public static final String PROXMOX_UNREACHABLE = "ProxmoxUnreachable";

  /** Config keys were changed and are being applied. */
  public static final String UPDATING = "Updating";

  /**
   * Config that only takes effect on restart was written; the pod's spec does not allow restarts.
   */
  public static final String RESTART_REQUIRED = "RestartRequired";

  /** The disk is larger than the spec asks; disks are never shrunk. */
  public static final String DISK_SHRINK_REFUSED = "DiskShrinkRefused";

  /** Starting the container. */
  public static final String STARTING = "Starting";

  /** Shutting the container down. */
  public static final String STOPPING = "Stopping";

  /** A graceful shutdown did not stop the container; it is stopped hard next. */
  public static final String SHUTDOWN_FAILED = "ShutdownFailed";

  /** The VMID holds a guest without our marker (or another pod's); it is never touched. */
  public static final String VMID_CONFLICT = "VmidConflict";

  /** The pod's address is configured on a container that is not this pod's. */
  public static final String IP_CONFLICT = "IpConflict";

  /**
   * The container at an adopting pod's VMID does not match its spec (the message names the field),
   * is infrastructure, or is missing: nothing was changed on it.
   */
  public static final String ADOPTION_MISMATCH = "AdoptionMismatch";

  /** Event: an adopting pod took over its container (our marker was written on it). */
  public static final String ADOPTED = "Adopted";

  /** No VMID, address or node could be reserved (range or pool exhausted, no node fits). */
  public static final String ALLOCATION_FAILED = "AllocationFailed";

  /** The spec cannot work as written (unknown template, pool, ...). */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** The pod is marked for deletion and its container is being removed. */
  public static final String DELETING = "Deleting";

  /** Proxmox has not reported the container's state yet. */
  public static final String STATE_UNKNOWN = "StateUnknown";

  // ---- final backup and restore --------------------------------------------------------------

  /** Detail condition of a pod being deleted: its Final backup (True once it may be destroyed). */
  public static final String FINAL_BACKUP = "FinalBackup";

  /** The pod's Final backup is asked for or running; the container is kept until it completes. */
  public static final String FINAL_BACKUP_RUNNING = "FinalBackupRunning";

  /** The pod's Final backup failed; the pod stays Deleting unless deleted with skipFinalBackup. */
  public static final String FINAL_BACKUP_FAILED = "FinalBackupFailed";

  /** The pod's Final backup is Completed; the container may go. */
  public static final String FINAL_BACKUP_COMPLETED = "FinalBackupCompleted";

  /** The deletion was asked with skipFinalBackup: the container goes without a Final backup. */
  public static final String FINAL_BACKUP_SKIPPED = "FinalBackupSkipped";

  /** The Backup named in spec.restoreFrom cannot be restored (yet): missing, not Completed. */
  public static final String RESTORE_SOURCE_NOT_READY = "RestoreSourceNotReady";

  /** An in-place Restore replaces the pod's container; the pod's own passes wait for it. */
  public static final String RESTORING = "Restoring";

  // ---- phases -------------------------------------------------------------------------------

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_PROVISIONING = "Provisioning";
  public static final String PHASE_RUNNING = "Running";
  public static final String PHASE_STOPPED = "Stopped";
  public static final String PHASE_FAILED = "Failed";
  public static final String PHASE_DELETING = "Deleting";
}
