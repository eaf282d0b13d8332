package io.cloudpods.cloudpod.gate;

import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.cloudpod.placement.Templates;
import io.cloudpods.store.ResourceKey;
import java.util.List;
import java.util.OptionalInt;

/**
 * A pod whose container does not exist yet (never verified, not in the cluster list) and whose
 * clone could not start now anyway waits for the clone slot without reading its VMID from Proxmox
 * first: hundreds of pods queued behind one template would otherwise each read a config that does
 * not exist at every wake-up and resync. The gate wakes it when a slot frees; the full read happens
 * then, before the clone.
 */
public final class CloneSlotWait {

  private final ConcurrencyGate<ResourceKey> gate;
  private final ClusterObserver cluster;
  private final ConvergenceCache cache;

  public CloneSlotWait(
      ConcurrencyGate<ResourceKey> gate, ClusterObserver cluster, ConvergenceCache cache) {
    this.gate = gate;
    this.cluster = cluster;
    this.cache = cache;
  }

  /** True when the pod is parked behind a full clone slot (its status says so). */
  public boolean parked(Pass p, int vmid, String node) {
    if (cache.everVerified(p.key)) {
      return false;
    }
    ClusterSnapshot snap = cluster.current();
    if (snap.guest(vmid).isPresent()) {
      return false;
    }
    OptionalInt template = Templates.on(snap, node, p.spec.template());
    if (template.isEmpty()) {
      return false;
    }
    List<String> slots =
        List.of(
            ConcurrencyGate.cloneSource(node, template.getAsInt()),
            ConcurrencyGate.storage(node, p.spec.storage()),
            ConcurrencyGate.node(node));
    List<String> full = gate.waitsFor(p.key, slots);
    if (full.isEmpty()) {
      return false;
    }
    SlotWait wait = SlotWait.on(full);
    p.status.summary(wait.reason(), wait.message());
    return true;
  }
}
