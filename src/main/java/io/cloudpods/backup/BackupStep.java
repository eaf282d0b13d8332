package io.cloudpods.backup;

import java.time.Instant;

/**
 * The one thing a Backup's reconcile does next, decided from its stored status alone by {@link
 * BackupSteps#next}. Each step is carried out by the reconciler with the Proxmox calls it needs.
 */
public sealed interface BackupStep {

  /** Not started yet (or retrying): check the pod, take the node's slot, persist intent, vzdump. */
  record Start() implements BackupStep {}

  /** A failed attempt backs off until {@code until}. */
  record WaitRetry(Instant until) implements BackupStep {}

  /** The vzdump task {@code upid} is recorded: poll it once. */
  record PollTask(String upid) implements BackupStep {}

  /**
   * Intent was persisted (phase Running) but no task id: the process stopped between the two. Look
   * for the guest's {@code backup} lock (a vzdump still running) or our archive in the storage
   * content before starting another.
   */
  record Recover() implements BackupStep {}

  /** Completed: keep in step with the storage content (an archive gone shows as Missing). */
  record CheckArchive() implements BackupStep {}

  /** A Final backup past {@code status.expiresAt}: unprotect, delete the archive, then the row. */
  record Expire() implements BackupStep {}

  /** Marked for deletion with an archive: delete it (task {@code imgdel}), or poll that task. */
  record DeleteArchive(String upid) implements BackupStep {}

  /** Marked for deletion and nothing left on Proxmox: remove the row. */
  record RemoveRow() implements BackupStep {}

  /** Failed or Missing: nothing more to do. */
  record Nothing() implements BackupStep {}
}
