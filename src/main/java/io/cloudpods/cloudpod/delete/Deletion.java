package io.cloudpods.cloudpod.delete;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.cloudpod.exec.PlanRunner;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ContainerObserver;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.cloudpod.pass.DesiredPods;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.cloudpod.plan.CloudPodPlanner;
import io.cloudpods.cloudpod.plan.DesiredPod;
import io.cloudpods.cloudpod.plan.ObservedContainer;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.events.EventSink;
import io.cloudpods.store.AllocationLedger;
import io.cloudpods.store.CloudPodRecords;
import io.cloudpods.store.ResourceKey;
import java.util.List;
import java.util.Optional;

/**
 * The deletion step (finalizer semantics): graceful shutdown, hard stop if that failed, destroy
 * with purge; "does not exist" counts as done. Only then are the VMID and address released and the
 * row removed. A guest without this pod's marker at the pod's VMID is left alone.
 */
public final class Deletion {

  private final ContainerObserver observer;
  private final DesiredPods desired;
  private final PlanRunner runner;
  private final ConcurrencyGate<ResourceKey> gate;
  private final ConvergenceCache cache;
  private final AllocationLedger ledger;
  private final CloudPodRecords pods;
  private final EventSink events;

  public Deletion(
      ContainerObserver observer,
      DesiredPods desired,
      PlanRunner runner,
      ConcurrencyGate<ResourceKey> gate,
      ConvergenceCache cache,
      AllocationLedger ledger,
      CloudPodRecords pods,
      EventSink events) {
    this.observer = observer;
    this.desired = desired;
    this.runner = runner;
    this.gate = gate;
    this.cache = cache;
    this.ledger = ledger;
    this.pods = pods;
    this.events = events;
  }

  public ReconcileResult reconcile(Pass p) {
    p.status
        .phase(CloudPodConditions.PHASE_DELETING)
        .summary(CloudPodConditions.DELETING, "removing the container");
    if (p.alloc == null || p.alloc.vmid() == null) {
      return finish(p);
    }
    int vmid = p.alloc.vmid();
    Optional<ObservedContainer> observed = observer.observeFresh(p, vmid, p.alloc.node());
    DesiredPod want =
        desired.of(p, vmid, observed.map(ObservedContainer::node).orElse(p.alloc.node()), "", true);
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
