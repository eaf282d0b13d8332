package io.cloudpods.cloudpod.placement;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.PROVISIONED;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.store.AllocationLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Chooses and records the pod's node: the spec's, or the one holding the archive a pod is restored
 * from (a pinned node must pass the same checks: online, template, memory, storage), or the best
 * candidate by {@link Placement} among the snapshot's nodes, counting memory promised to pods in
 * the database and to running guests the database does not account for (foreign ones, orphans). A
 * pod that fits nowhere looks again after {@code capacityRecheck}.
 */
public final class NodePlacer {

  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024L * MIB;

  private final AllocationLedger ledger;
  private final ClusterObserver cluster;
  private final Duration capacityRecheck;

  /** Serialises placement decisions, so pods placed at the same moment see each other. */
  private final Object placementLock = new Object();

  private final ClusterIdentity identity;

  public NodePlacer(
      AllocationLedger ledger,
      ClusterObserver cluster,
      Duration capacityRecheck,
      ClusterIdentity identity) {
    this.identity = identity;
    this.ledger = ledger;
    this.cluster = cluster;
    this.capacityRecheck = capacityRecheck;
  }

  /** The template to clone on {@code node}; the pod waits (InvalidSpec) while there is none. */
  public int templateFor(Pass p, String node) {
    ClusterSnapshot snap = cluster.current();
    Optional<String> name = Templates.name(snap, p.spec.template());
    OptionalInt template = Templates.on(snap, node, p.spec.template(), name);
    if (template.isEmpty()) {
      String what =
          "no template "
              + p.spec.template()
              + name.map(n -> " (" + n + ")").orElse("")
              + " on node "
              + node;
      p.status
          .condition(PROVISIONED, false, CloudPodConditions.INVALID_SPEC, what)
          .phase(CloudPodConditions.PHASE_PENDING);
      throw new RequeueException(capacityRecheck, "template missing on " + node);
    }
    return template.getAsInt();
  }

  /** The node recorded for the pod; throws {@link RequeueException} when none has room now. */
  public Optional<String> place(Pass p, ClusterSnapshot snap) {
    String pinned = p.spec.node() != null ? p.spec.node() : p.restoreNode;
    if (pinned != null && !snap.nodes().containsKey(pinned)) {
      String why =
          "node "
              + pinned
              + (p.spec.node() != null ? " (spec.node)" : " (where the backup to restore is)")
              + " is not in the cluster";
      p.status
          .condition(PROVISIONED, false, CloudPodConditions.ALLOCATION_FAILED, why)
          .phase(CloudPodConditions.PHASE_PENDING);
      throw new RequeueException(capacityRecheck, why);
    }
    Optional<List<String>> zoneNodes =
        p.spec.zone() == null ? Optional.empty() : identity.zones().apply(p.spec.zone());
    if (p.spec.zone() != null && zoneNodes.isEmpty()) {
      String why = "cluster " + identity.name() + " has no zone " + p.spec.zone() + " (spec.zone)";
      p.status
          .condition(PROVISIONED, false, CloudPodConditions.ALLOCATION_FAILED, why)
          .phase(CloudPodConditions.PHASE_PENDING);
      throw new RequeueException(capacityRecheck, why);
    }
    if (pinned != null && zoneNodes.isPresent() && !zoneNodes.get().contains(pinned)) {
      String why = "node " + pinned + " is not in zone " + p.spec.zone() + " (spec.zone)";
      p.status
          .condition(PROVISIONED, false, CloudPodConditions.ALLOCATION_FAILED, why)
          .phase(CloudPodConditions.PHASE_PENDING);
      throw new RequeueException(capacityRecheck, why);
    }
    Optional<String> templateName = Templates.name(snap, p.spec.template());
    Map<String, Long> foreignMem = new HashMap<>();
    for (Guest g : snap.guests().values()) {
      boolean ours = cluster.accountedFor(g);
      if (!ours
          && !g.template()
          && (g.status() == PowerState.RUNNING || g.status() == PowerState.UNKNOWN)) {
        foreignMem.merge(g.node(), g.maxMem(), Long::sum);
      }
    }
    UUID owner = p.ownerUid();
    synchronized (placementLock) {
      AllocationLedger.PlacementLoad load = ledger.placementLoad(p.uid, owner);
      List<NodeCandidate> candidates = new ArrayList<>();
      for (ClusterResource.Node n : snap.nodes().values()) {
        if (pinned != null && !pinned.equals(n.node())) {
          continue;
        }
        if (zoneNodes.isPresent() && !zoneNodes.get().contains(n.node())) {
          continue; // the pod stays in its zone
        }
        OptionalInt template = Templates.on(snap, n.node(), p.spec.template(), templateName);
        if (pinned != null && template.isEmpty()) {
          // the spec chose the node: a template missing there is the spec's problem, which
          // templateFor reports as InvalidSpec; placement judges only room on the node
          template = OptionalInt.of(p.spec.template());
        }
        long storageFree =
            snap.storage(n.node(), p.spec.storage()).map(s -> s.maxDisk() - s.disk()).orElse(0L);
        long promised =
            foreignMem.getOrDefault(n.node(), 0L)
                + load.memoryMbByNode().getOrDefault(n.node(), 0L) * MIB;
        candidates.add(
            new NodeCandidate(
                n.node(),
                "online".equals(n.status()),
                template,
                n.maxMem() - promised,
                n.maxMem(),
                storageFree,
                owner == null ? 0 : load.ownerPodsByNode().getOrDefault(n.node(), 0)));
      }
      Placement.Decision d =
          Placement.choose(candidates, p.spec.memoryMb() * MIB, (long) p.spec.diskGb() * GIB);
      if (d.node().isEmpty()) {
        p.status
            .condition(PROVISIONED, false, CloudPodConditions.ALLOCATION_FAILED, d.reason())
            .phase(CloudPodConditions.PHASE_PENDING);
        throw new RequeueException(capacityRecheck, d.reason());
      }
      ledger.recordNode(p.uid, d.node().get());
      return d.node();
    }
  }
}
