package io.cloudpods.cloudpod.delete;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.FINAL_BACKUP;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.cloudpod.backup.FinalBackup;
import io.cloudpods.cloudpod.backup.PodBackups;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.events.EventSink;
import java.time.Duration;
import java.util.Optional;

/**
 * Holds the destroy of a pod's container until its Final backup is Completed ({@link FinalBackup}
 * decides): asks for the Backup once, shows it on the pod as condition {@code FinalBackup} and as
 * the Ready reason, and looks again later without waiting inside the pass. An event marks each
 * change of the condition's reason, not each pass.
 */
public final class FinalBackupStep {

  private final PodBackups backups;
  private final EventSink events;
  private final Duration recheck;
  private final Duration failedRecheck;

  /**
   * @param recheck when to look again at a Backup that is Pending or Running
   * @param failedRecheck when to look again at a failed one (a retry, or the deletion asked again
   *     with skipFinalBackup, which also wakes the pod at once)
   */
  public FinalBackupStep(
      PodBackups backups, EventSink events, Duration recheck, Duration failedRecheck) {
    this.backups = backups;
    this.events = events;
    this.recheck = recheck;
    this.failedRecheck = failedRecheck;
  }

  /** Empty when the container may be stopped and destroyed now; else the pass's result. */
  public Optional<ReconcileResult> hold(Pass p) {
    if (backups == PodBackups.NONE) {
      return Optional.empty(); // no Backup store wired: nothing could ever take the backup
    }
    boolean wanted = p.wantsFinalBackup();
    boolean skip = wanted && backups.skipsFinalBackup(p.key);
    String name = FinalBackup.name(p.key.name(), p.uid.toString());
    FinalBackup.Decision d =
        FinalBackup.decide(
            wanted,
            skip,
            name,
            wanted && !skip ? backups.find(p.key.tenant(), name) : Optional.empty());
    if (d instanceof FinalBackup.NotWanted) {
      return Optional.empty();
    }
    if (d instanceof FinalBackup.Skipped) {
      mark(
          p,
          true,
          CloudPodConditions.FINAL_BACKUP_SKIPPED,
          "deletion asked with skipFinalBackup: the container goes without a Final backup",
          Event.WARN);
      return Optional.empty();
    }
    if (d instanceof FinalBackup.Completed c) {
      mark(
          p,
          true,
          CloudPodConditions.FINAL_BACKUP_COMPLETED,
          "Final backup " + c.name() + " is Completed (" + c.volid() + ")",
          Event.INFO);
      return Optional.empty();
    }
    if (d instanceof FinalBackup.Request r) {
      backups.requestFinal(p.key, p.uid, r.name());
      String msg = "waiting for Final backup " + r.name() + " (Pending) before destroying";
      mark(p, false, CloudPodConditions.FINAL_BACKUP_RUNNING, msg, Event.INFO);
      p.status.summary(CloudPodConditions.FINAL_BACKUP_RUNNING, msg);
      return Optional.of(ReconcileResult.requeueAfter(recheck));
    }
    if (d instanceof FinalBackup.Running r) {
      String msg =
          "waiting for Final backup " + r.name() + " (" + r.phase() + ") before destroying";
      mark(p, false, CloudPodConditions.FINAL_BACKUP_RUNNING, msg, Event.INFO);
      p.status.summary(CloudPodConditions.FINAL_BACKUP_RUNNING, msg);
      return Optional.of(ReconcileResult.requeueAfter(recheck));
    }
    FinalBackup.Failed f = (FinalBackup.Failed) d;
    String msg =
        "Final backup "
            + f.name()
            + " failed: "
            + f.message()
            + "; the container is kept (delete with skipFinalBackup to go without it)";
    mark(p, false, CloudPodConditions.FINAL_BACKUP_FAILED, msg, Event.ERROR);
    p.status.summary(CloudPodConditions.FINAL_BACKUP_FAILED, msg);
    return Optional.of(ReconcileResult.requeueAfter(failedRecheck));
  }

  /** Sets the condition; records an event when its reason changes (once per step, not per pass). */
  private void mark(Pass p, boolean ok, String reason, String msg, String level) {
    boolean known = Conditions.hasReason(p.status.conditions(), FINAL_BACKUP, reason);
    p.status.condition(FINAL_BACKUP, ok, reason, msg);
    if (!known) {
      events.record(p.event(level, reason, msg));
    }
  }
}
