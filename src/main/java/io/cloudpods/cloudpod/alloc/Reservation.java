package io.cloudpods.cloudpod.alloc;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.PROVISIONED;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.cloudpod.placement.NodePlacer;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.events.EventSink;
import io.cloudpods.ipam.AddressProbe;
import io.cloudpods.ipam.AddressRules;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.ClusterResource.GuestType;
import io.cloudpods.store.AllocationLedger;
import io.cloudpods.store.PoolSpecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The reserve step: VMID, address and node are persisted in the allocation ledger (unique
 * constraints) before anything is asked of Proxmox. VMIDs skip every guest Proxmox lists; addresses
 * skip those configured on containers that are not stored CloudPods and, with the probe on, those
 * that answer on the network. Before an address is handed out, the ledger is asked which marker
 * containers still belong to a pod holding their VMID: the others are orphans, whose addresses
 * count as taken from that moment, not only from the next resync.
 */
public final class Reservation {

  private final AllocationLedger ledger;
  private final PoolSpecs pools;
  private final ClusterObserver cluster;
  private final NodePlacer placer;
  private final AddressProbe probe;
  private final EventSink events;
  private final Duration snapshotMaxAge;

  /**
   * @param snapshotMaxAge a snapshot or foreign-address list older than this is read again before a
   *     new VMID or address is handed out (the resync interval)
   */
  public Reservation(
      AllocationLedger ledger,
      PoolSpecs pools,
      ClusterObserver cluster,
      NodePlacer placer,
      AddressProbe probe,
      EventSink events,
      Duration snapshotMaxAge) {
    this.ledger = ledger;
    this.pools = pools;
    this.cluster = cluster;
    this.placer = placer;
    this.probe = probe;
    this.events = events;
    this.snapshotMaxAge = snapshotMaxAge;
  }

  /**
   * Reserves what is missing; false when the pod cannot proceed now (no node, address conflict).
   */
  public boolean reserve(Pass p) {
    ClusterSnapshot snap = cluster.snapshot(snapshotMaxAge);
    boolean fresh =
        p.alloc == null || p.alloc.vmid() == null || p.alloc.ip() == null || p.alloc.node() == null;
    if (p.alloc == null || p.alloc.vmid() == null) {
      p.status.condition(PROVISIONED, false, CloudPodConditions.ALLOCATING, "reserving a VMID");
      Set<Integer> used = snap.guests().keySet();
      ledger.allocateVmid(p.uid, used::contains);
    }
    if (fresh) {
      cluster.foundUnstored(unaccountedOwners(snap));
    }
    // addresses on containers that are not CloudPods; read again before anything is handed out
    Map<String, Integer> foreign =
        fresh ? cluster.foreignAddresses(snapshotMaxAge) : cluster.foreignAddresses();
    if (p.alloc == null || p.alloc.ip() == null) {
      Optional<IpPoolSpec> pool = pools.spec(p.spec.ipPool());
      if (p.spec.ip() != null) {
        // an address named in the spec gets the checks a chosen one gets, before it is reserved
        String problem = explicitAddressProblem(p.spec.ip(), p.spec.ipPool(), pool, foreign);
        if (problem != null) {
          ipConflict(p, problem);
          return false;
        }
      }
      ledger.allocateIp(
          p.uid,
          p.spec.ipPool(),
          ip ->
              foreign.containsKey(ip)
                  || pool.map(s -> !AddressRules.assignable(ip, s)).orElse(false)
                  || probe.inUse(ip));
    }
    if (fresh) {
      p.alloc = ledger.find(p.uid).orElseThrow();
    }
    if (p.alloc.node() == null) {
      Optional<String> node = placer.place(p, snap);
      if (node.isEmpty()) {
        return false;
      }
      p.alloc = ledger.find(p.uid).orElseThrow();
      events.record(
          p.event(
              "info",
              "Allocated",
              "VMID " + p.alloc.vmid() + ", address " + p.alloc.ip() + " on node " + node.get()));
    }
    p.status.allocation(p.alloc.vmid(), p.alloc.node(), p.alloc.ip());
    Integer holder = foreign.get(p.alloc.ip());
    if (holder != null && !holder.equals(p.alloc.vmid())) {
      ipConflict(
          p,
          "address "
              + p.alloc.ip()
              + " is configured on guest "
              + holder
              + ", which is not a stored CloudPod");
      return false;
    }
    return true;
  }

  /**
   * Why the address in {@code spec.ip} cannot be the pod's: the pool's rules ({@link
   * AddressRules}), a guest that is not a stored CloudPod has it configured, or it answers on the
   * network. Null when it can be reserved (the ledger still checks the other pods).
   */
  private String explicitAddressProblem(
      String ip, String poolName, Optional<IpPoolSpec> pool, Map<String, Integer> foreign) {
    String rule = pool.map(s -> AddressRules.problem(ip, poolName, s)).orElse(null);
    if (rule != null) {
      return "spec.ip: " + rule;
    }
    Integer holder = foreign.get(ip);
    if (holder != null) {
      return "spec.ip: address "
          + ip
          + " is configured on guest "
          + holder
          + ", which is not a stored CloudPod";
    }
    if (probe.inUse(ip)) {
      return "spec.ip: address " + ip + " answers on the network";
    }
    return null;
  }

  /** The pod cannot have its address: shown on the pod, with an event when first seen. */
  private void ipConflict(Pass p, String message) {
    boolean known =
        Conditions.find(p.status.conditions(), PROVISIONED)
            .filter(c -> CloudPodConditions.IP_CONFLICT.equals(c.reason()))
            .filter(c -> message.equals(c.message()))
            .isPresent();
    p.status
        .condition(PROVISIONED, false, CloudPodConditions.IP_CONFLICT, message)
        .phase(CloudPodConditions.PHASE_FAILED);
    if (!known) {
      events.record(p.event("error", CloudPodConditions.IP_CONFLICT, message));
    }
  }

  /**
   * Owners of the marker containers the cluster view still counts as stored pods but whose pod
   * holds no allocation of that VMID any more (its row was deleted, or the database restored from a
   * backup, since the last resync).
   */
  private Set<String> unaccountedOwners(ClusterSnapshot snap) {
    record Marked(String owner, UUID uid, int vmid) {}
    List<Marked> marked = new ArrayList<>();
    Set<String> unaccounted = new HashSet<>();
    for (Guest g : snap.guests().values()) {
      if (g.type() != GuestType.LXC || !cluster.accountedFor(g)) {
        continue;
      }
      String owner = Ownership.ownerUid(g.tags()).orElseThrow();
      try {
        marked.add(new Marked(owner, UUID.fromString(owner), g.vmid()));
      } catch (IllegalArgumentException e) {
        unaccounted.add(owner); // no pod has such a uid
      }
    }
    if (marked.isEmpty()) {
      return unaccounted;
    }
    Set<UUID> uids = new HashSet<>();
    marked.forEach(m -> uids.add(m.uid()));
    Map<UUID, Integer> held = new HashMap<>(ledger.vmidsHeld(uids));
    for (Marked m : marked) {
      if (!Integer.valueOf(m.vmid()).equals(held.get(m.uid()))) {
        unaccounted.add(m.owner());
      }
    }
    return unaccounted;
  }
}
