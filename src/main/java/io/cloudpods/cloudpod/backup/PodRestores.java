package io.cloudpods.cloudpod.backup;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.PROVISIONED;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.events.EventSink;
import java.time.Duration;
import java.util.Optional;

/**
 * The restore parts of a CloudPod pass: the archive a pod with {@code spec.restoreFrom} is created
 * from ({@link RestoreSource} decides), and the wait while an in-place Restore replaces the pod's
 * container, so that the pod's own passes never fight it. What stands in the way is shown as the
 * {@code Provisioned} condition, with an event when it first appears.
 */
public final class PodRestores {

  private final PodBackups backups;
  private final EventSink events;
  private final Duration restoringRecheck;

  public PodRestores(PodBackups backups, EventSink events, Duration restoringRecheck) {
    this.backups = backups;
    this.events = events;
    this.restoringRecheck = restoringRecheck;
  }

  /** A result while an in-place Restore of the pod runs (the pass does nothing else). */
  public Optional<ReconcileResult> inPlace(Pass p) {
    Optional<String> restore = backups.restoringInPlace(p.key);
    if (restore.isEmpty()) {
      return Optional.empty();
    }
    String msg = "Restore " + restore.get() + " replaces the container in place";
    show(p, CloudPodConditions.RESTORING, msg, Event.INFO);
    p.status.summary(CloudPodConditions.RESTORING, msg);
    return Optional.of(ReconcileResult.requeueAfter(restoringRecheck));
  }

  /** The archive to restore from; empty (and shown on the pod) when it cannot be used now. */
  public Optional<RestoreSource.Usable> source(Pass p) {
    String name = p.restoreFrom();
    RestoreSource.Resolution r =
        RestoreSource.resolve(name, backups.find(p.key.tenant(), name), p.spec.node());
    if (r instanceof RestoreSource.NotUsable n) {
      notReady(p, n.message());
      return Optional.empty();
    }
    return Optional.of((RestoreSource.Usable) r);
  }

  /** False (shown on the pod) when the pod's node cannot read the archive's storage. */
  public boolean readableOn(Pass p, RestoreSource.Usable s, String node) {
    if (s.node().isEmpty() || s.node().get().equals(node)) {
      return true;
    }
    notReady(
        p,
        "spec.restoreFrom: the archive is on storage "
            + s.storage()
            + " of node "
            + s.node().get()
            + ", which the pod's node "
            + node
            + " cannot read");
    return false;
  }

  private void notReady(Pass p, String msg) {
    show(p, CloudPodConditions.RESTORE_SOURCE_NOT_READY, msg, Event.WARN);
    p.status.phase(CloudPodConditions.PHASE_PENDING);
  }

  private void show(Pass p, String reason, String msg, String level) {
    boolean known =
        Conditions.find(p.status.conditions(), PROVISIONED)
            .filter(c -> reason.equals(c.reason()) && msg.equals(c.message()))
            .isPresent();
    p.status.condition(PROVISIONED, false, reason, msg);
    if (!known) {
      events.record(p.event(level, reason, msg));
    }
  }
}
