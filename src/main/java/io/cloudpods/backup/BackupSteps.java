package io.cloudpods.backup;

import java.time.Instant;

/** Decides a Backup's next {@link BackupStep} from its stored state: pure, table-tested. */
public final class BackupSteps {

  private BackupSteps() {}

  /**
   * @param phase {@code status.phase} (null = Pending)
   * @param taskRef the recorded task: the vzdump task while Running, the {@code imgdel} task while
   *     deleting
   * @param volid the archive, once known
   * @param deleting whether the row is marked for deletion
   * @param retryAfter when a failed attempt may be retried, if set
   * @param expiresAt when a Final backup expires, if set
   */
  public static BackupStep next(
      String phase,
      String taskRef,
      String volid,
      boolean deleting,
      Instant retryAfter,
      Instant expiresAt,
      Instant now) {
    if (deleting) {
      if (BackupPhase.RUNNING.equals(phase) && taskRef != null && volid == null) {
        return new BackupStep.PollTask(taskRef); // let the running vzdump finish first
      }
      return volid == null || BackupPhase.MISSING.equals(phase)
          ? new BackupStep.RemoveRow()
          : new BackupStep.DeleteArchive(taskRef);
    }
    String p = phase == null ? BackupPhase.PENDING : phase;
    return switch (p) {
      case BackupPhase.PENDING ->
          retryAfter != null && retryAfter.isAfter(now)
              ? new BackupStep.WaitRetry(retryAfter)
              : new BackupStep.Start();
      case BackupPhase.RUNNING ->
          taskRef == null ? new BackupStep.Recover() : new BackupStep.PollTask(taskRef);
      case BackupPhase.COMPLETED ->
          expiresAt != null && !expiresAt.isAfter(now)
              ? new BackupStep.Expire()
              : new BackupStep.CheckArchive();
      default -> new BackupStep.Nothing();
    };
  }
}
