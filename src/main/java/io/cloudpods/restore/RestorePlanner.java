package io.cloudpods.restore;

import io.cloudpods.cloudpod.backup.BackupView;
import io.cloudpods.cloudpod.backup.RestoreSource;
import java.util.Optional;

/**
 * The heart of the Restore reconcile: a pure function from what is stored and observed to the one
 * next step. As a new pod (the default): create the pod with {@code spec.restoreFrom}, then follow
 * it to Ready. In place: a protected {@code BeforeRestore} backup of the current container, then a
 * stop, then Proxmox's forced restore on the same VMID, node and storage; the pod's own reconcile
 * converges the rest. Never deletes anything, the BeforeRestore backup least of all.
 */
public final class RestorePlanner {

  private RestorePlanner() {}

  /** The Restore as stored. */
  public record Wanted(
      String name,
      String backup,
      boolean inPlace,
      String podName,
      String phase,
      String beforeRestoreBackup,
      String taskRef) {}

  /** The pod a Restore makes or replaces, as stored; empty when there is none of that name. */
  public record Pod(
      boolean deleting,
      String restoreFrom,
      boolean ready,
      String readyReason,
      String readyMessage,
      Integer vmid,
      String node,
      String storage,
      boolean taskInFlight) {}

  /** The container of an in-place target as Proxmox shows it. */
  public enum Container {
    ABSENT,
    RUNNING,
    STOPPED,
    /** Running or stopped, but without this pod's marker: never restored over. */
    FOREIGN,
    OTHER
  }

  /** The Restore's own task (stop or vzrestore), when it has one. */
  public record Task(boolean running, boolean ok, String type, String exitStatus) {}

  /** The one next step. */
  public sealed interface Step {}

  /** Nothing to do now; show {@code phase} with {@code reason}/{@code message} and look again. */
  public record Wait(String phase, String reason, String message) implements Step {}

  /** The Restore cannot succeed: Failed with the reason (terminal). */
  public record Fail(String reason, String message) implements Step {}

  /** Create the pod {@code podName} with {@code spec.restoreFrom} = the backup. */
  public record CreatePod(String podName) implements Step {}

  /** Ask for the protected BeforeRestore backup of the target pod. */
  public record RequestBeforeRestore(String backupName) implements Step {}

  /** Stop the target's container (the restore refuses a running one). */
  public record StopContainer(String node, int vmid) implements Step {}

  /** Proxmox's forced restore over the target's container. */
  public record RestoreInPlace(String node, int vmid, String volid, String storage)
      implements Step {}

  /** The task finished (OK): record it and go on with the next pass. */
  public record TaskDone(String type) implements Step {}

  /** Done: Completed, with the message. */
  public record Complete(String message) implements Step {}

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_BACKING_UP = "BackingUp";
  public static final String PHASE_RESTORING = "Restoring";

  /** The name of the BeforeRestore backup of Restore {@code name}: {@code <name>-before}. */
  public static String beforeRestoreName(String restoreName) {
    String suffix = "-before";
    String base =
        restoreName.length() + suffix.length() > 63
            ? restoreName.substring(0, 63 - suffix.length())
            : restoreName;
    while (base.endsWith("-")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + suffix;
  }

  public static Step plan(
      Wanted r,
      Optional<BackupView> backup,
      Optional<Pod> pod,
      Optional<BackupView> before,
      Container container,
      Optional<Task> task) {
    return r.inPlace()
        ? planInPlace(r, backup, pod, before, container, task)
        : planNewPod(r, backup, pod);
  }

  private static Step planNewPod(Wanted r, Optional<BackupView> backup, Optional<Pod> pod) {
    if (pod.isEmpty()) {
      Optional<Step> unusable = unusable(r, backup);
      if (unusable.isPresent()) {
        return unusable.get();
      }
      return new CreatePod(r.podName());
    }
    Pod p = pod.get();
    if (!r.backup().equals(p.restoreFrom())) {
      return new Fail(
          "PodExists",
          "CloudPod "
              + r.podName()
              + " exists and is not restored from backup "
              + r.backup()
              + "; choose another target.podName");
    }
    if (p.deleting()) {
      return new Fail("PodDeleted", "CloudPod " + r.podName() + " was deleted before it was Ready");
    }
    if (p.ready()) {
      return new Complete("CloudPod " + r.podName() + " is Ready, restored from " + r.backup());
    }
    String why =
        p.readyReason() == null
            ? "waiting for CloudPod " + r.podName() + " to be Ready"
            : "CloudPod "
                + r.podName()
                + ": "
                + p.readyReason()
                + (p.readyMessage() == null || p.readyMessage().isBlank()
                    ? ""
                    : " (" + p.readyMessage() + ")");
    return new Wait(PHASE_RESTORING, "WaitingForPod", why);
  }

  private static Step planInPlace(
      Wanted r,
      Optional<BackupView> backup,
      Optional<Pod> pod,
      Optional<BackupView> before,
      Container container,
      Optional<Task> task) {
    if (task.isPresent()) {
      Task t = task.get();
      if (t.running()) {
        return new Wait(PHASE_RESTORING, "WaitingForTask", t.type() + " is running");
      }
      if (!t.ok()) {
        return new Fail(
            "vzrestore".equals(t.type()) ? "RestoreFailed" : "StopFailed",
            t.type() + ": " + t.exitStatus() + beforeNote(r.beforeRestoreBackup()));
      }
      if ("vzrestore".equals(t.type())) {
        return new Complete(
            "CT restored in place from "
                + r.backup()
                + "; the pod converges to its spec"
                + beforeNote(r.beforeRestoreBackup()));
      }
      return new TaskDone(t.type());
    }
    if (pod.isEmpty() || pod.get().deleting()) {
      return new Fail(
          "PodNotFound",
          "CloudPod "
              + r.podName()
              + " does not exist (or is being deleted): nothing to restore in place"
              + beforeNote(r.beforeRestoreBackup()));
    }
    Pod p = pod.get();
    if (p.vmid() == null || p.node() == null || container == Container.ABSENT) {
      return new Fail(
          "NoContainer",
          "CloudPod "
              + r.podName()
              + " has no container to restore over; restore as a new pod instead"
              + beforeNote(r.beforeRestoreBackup()));
    }
    if (container == Container.FOREIGN) {
      return new Fail(
          "ForeignContainer",
          "VMID "
              + p.vmid()
              + " holds a guest without CloudPod "
              + r.podName()
              + "'s marker; it is never restored over"
              + beforeNote(r.beforeRestoreBackup()));
    }
    Optional<Step> unusable = unusable(r, backup);
    if (unusable.isPresent()) {
      return unusable.get();
    }
    RestoreSource.Resolution src = RestoreSource.resolve(r.backup(), backup, p.node());
    if (src instanceof RestoreSource.NotUsable n) {
      return new Fail("BackupNotReadable", n.message() + beforeNote(r.beforeRestoreBackup()));
    }
    RestoreSource.Usable use = (RestoreSource.Usable) src;
    // 1. the BeforeRestore backup, Completed, before anything is stopped
    if (r.beforeRestoreBackup() == null || before.isEmpty()) {
      return new RequestBeforeRestore(
          r.beforeRestoreBackup() != null ? r.beforeRestoreBackup() : beforeRestoreName(r.name()));
    }
    BackupView b = before.get();
    if (b.failed()) {
      return new Fail(
          "BeforeRestoreFailed",
          "BeforeRestore backup "
              + b.name()
              + " failed: "
              + (b.message() == null ? "" : b.message())
              + "; the container was not touched");
    }
    if (!b.completed()) {
      return new Wait(
          PHASE_BACKING_UP,
          "BackingUp",
          "BeforeRestore backup "
              + b.name()
              + " is "
              + (b.phase() == null ? "Pending" : b.phase()));
    }
    // 2. the pod's own task (if any) ends first; then stop, then the forced restore
    if (p.taskInFlight()) {
      return new Wait(PHASE_RESTORING, "WaitingForPodTask", "the pod's own task is running");
    }
    if (container == Container.RUNNING) {
      return new StopContainer(p.node(), p.vmid());
    }
    if (container != Container.STOPPED) {
      return new Wait(
          PHASE_RESTORING, "StateUnknown", "CT " + p.vmid() + " is neither running nor stopped");
    }
    return new RestoreInPlace(p.node(), p.vmid(), use.volid(), p.storage());
  }

  /** Why the backup cannot be restored, for either target; empty when it can (so far). */
  private static Optional<Step> unusable(Wanted r, Optional<BackupView> backup) {
    if (backup.isEmpty()) {
      return Optional.of(new Fail("BackupNotFound", "backup " + r.backup() + " does not exist"));
    }
    BackupView b = backup.get();
    if (b.failed()) {
      return Optional.of(
          new Fail(
              "BackupFailed",
              "backup "
                  + r.backup()
                  + " failed"
                  + (b.message() == null ? "" : ": " + b.message())));
    }
    if (b.missing()) {
      return Optional.of(
          new Fail(
              "BackupMissing",
              "the archive of backup " + r.backup() + " is missing from storage " + b.storage()));
    }
    if (!b.completed()) {
      return Optional.of(
          new Wait(
              PHASE_PENDING,
              "WaitingForBackup",
              "backup " + r.backup() + " is " + (b.phase() == null ? "Pending" : b.phase())));
    }
    return Optional.empty();
  }

  private static String beforeNote(String before) {
    return before == null ? "" : "; BeforeRestore backup " + before + " is kept";
  }
}
