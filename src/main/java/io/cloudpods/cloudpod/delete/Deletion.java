package io.cloudpods.cloudpod.delete;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.cloudpod.exec.PlanRunner;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.cloudpod.observe.ContainerObserver;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.cloudpod.pass.DesiredPods;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.cloudpod.plan.CloudPodPlanner;
import io.cloudpods.cloudpod.plan.DesiredPod;
import io.cloudpods.cloudpod.plan.ObservedContainer;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.events.EventSink;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.store.AllocationLedger;
import io.cloudpods.store.CloudPodRecords;
import io.cloudpods.store.ResourceKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The deletion step (finalizer semantics): graceful shutdown, hard stop if that failed, destroy
 * with purge, on whichever node the container is. The VMID and address are released and the row
 * removed only once a fresh cluster list no longer shows the VMID: "does not exist" on one node
 * proves nothing about the others (the container may have been migrated, or the snapshot that named
 * the node may be old), and releasing too early would hand a running container's address to the
 * next pod. A guest without this pod's marker at the pod's VMID is left alone. A container of this
 * pod is neither stopped nor destroyed before its Final backup is Completed ({@link
 * FinalBackupStep}), unless the pod wants none or the deletion was asked with skipFinalBackup.
 */
public final class Deletion {

  private final ContainerObserver observer;
  private final ClusterObserver cluster;
  private final DesiredPods desired;
  private final PlanRunner runner;
  private final ConcurrencyGate<ResourceKey> gate;
  private final ConvergenceCache cache;
  private final AllocationLedger ledger;
  private final CloudPodRecords pods;
  private final EventSink events;
  private final Duration recheck;
  private final FinalBackupStep finalBackup;

  /**
   * @param recheck when to look again if the cluster list shows the VMID on a node that says it
   *     does not exist (the two disagree for a moment during a migration or a destroy)
   */
  public Deletion(
      ContainerObserver observer,
      ClusterObserver cluster,
      DesiredPods desired,
      PlanRunner runner,
      ConcurrencyGate<ResourceKey> gate,
      ConvergenceCache cache,
      AllocationLedger ledger,
      CloudPodRecords pods,
      EventSink events,
      Duration recheck,
      FinalBackupStep finalBackup) {
    this.observer = observer;
    this.cluster = cluster;
    this.desired = desired;
    this.runner = runner;
    this.gate = gate;
    this.cache = cache;
    this.ledger = ledger;
    this.pods = pods;
    this.events = events;
    this.recheck = recheck;
    this.finalBackup = finalBackup;
  }

  public ReconcileResult reconcile(Pass p) {
    p.status
        .phase(CloudPodConditions.PHASE_DELETING)
        .summary(CloudPodConditions.DELETING, "removing the container");
    if (p.alloc == null || p.alloc.vmid() == null) {
      return finish(p);
    }
    int vmid = p.alloc.vmid();
    Optional<ObservedContainer> observed = observe(p, vmid);
    DesiredPod want =
        desired.of(p, vmid, observed.map(ObservedContainer::node).orElse(p.alloc.node()), "", true);
    if (observed.isPresent() && observed.get().ownedBy(p.pod.metadata().uid())) {
      // the container exists and is ours: nothing stops it before its Final backup is Completed
      Optional<ReconcileResult> held = finalBackup.hold(p);
      if (held.isPresent()) {
        return held.get();
      }
    }
    List<Action> plan = CloudPodPlanner.plan(want, observed);
    if (plan.isEmpty()) {
      observed.ifPresent(
          o ->
              events.record(
                  p.event(
                      "warn",
                      "ForeignContainerKept",
                      "VMID "
                          + vmid
                          + " holds a guest without this pod's marker; it was left untouched")));
      return finish(p);
    }
    return runner.run(p, plan, observed);
  }

  /**
   * The guest at {@code vmid}, wherever it is; empty only when a cluster list taken now does not
   * show it. A config read on a node is trusted when it finds the guest; anything else (the node
   * says it does not exist, or only a list of unknown age showed the guest) is checked against a
   * fresh {@code /cluster/resources}, and the guest is read again on the node that list names.
   */
  private Optional<ObservedContainer> observe(Pass p, int vmid) {
    String recorded = p.alloc.node();
    Optional<ObservedContainer> read =
        recorded == null ? Optional.empty() : observer.observeFresh(p, vmid, recorded);
    if (read.isPresent() && read.get().config().isPresent()) {
      return read;
    }
    ClusterSnapshot fresh = cluster.refresh();
    Optional<Guest> listed = fresh.guest(vmid);
    if (listed.isEmpty()) {
      return Optional.empty();
    }
    String node = listed.get().node();
    read = observer.observeFresh(p, vmid, node);
    if (read.isEmpty()) {
      throw new RequeueException(
          recheck, "CT " + vmid + " is listed on node " + node + ", which says it does not exist");
    }
    return read;
  }

  private ReconcileResult finish(Pass p) {
    gate.forget(p.key);
    cache.unverify(p.key);
    ledger.release(p.uid);
    pods.finalizeDeletion(p.key);
    events.record(
        p.event("info", "Deleted", "CloudPod deleted; its VMID and address are free again"));
    return ReconcileResult.done();
  }
}
