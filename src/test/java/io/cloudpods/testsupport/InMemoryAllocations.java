package io.cloudpods.testsupport;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.store.AllocationLedger;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.Ipv4;
import io.cloudpods.store.PodAllocation;
import io.cloudpods.store.PoolSpecs;
import io.cloudpods.store.StoreConflictException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The allocation ledger in memory, with {@code AllocationStore}'s rules: VMIDs from 9001 skipping
 * 100–499, the template and every VMID a pod holds or requests; addresses from the pool's range
 * skipping the gateway, reserved addresses and those any pod holds or requests; a spec's VMID or
 * address that another pod holds is a {@link StoreConflictException}.
 */
public final class InMemoryAllocations implements AllocationLedger {

  private static final int RANGE_START = 9001;
  private static final int TEMPLATE = 9000;

  private final Map<UUID, PodAllocation> rows = new ConcurrentHashMap<>();
  private final InMemoryCloudPods pods;
  private final PoolSpecs pools;
  private final Defaults defaults;

  public InMemoryAllocations(InMemoryCloudPods pods, PoolSpecs pools, Defaults defaults) {
    this.pods = pods;
    this.pools = pools;
    this.defaults = defaults;
  }

  public Optional<PodAllocation> of(CloudPod pod) {
    return find(UUID.fromString(pod.metadata().uid()));
  }

  public int size() {
    return rows.size();
  }

  @Override
  public Optional<PodAllocation> find(UUID podUid) {
    return Optional.ofNullable(rows.get(podUid));
  }

  @Override
  public synchronized int allocateVmid(UUID podUid, IntPredicate usedElsewhere) {
    PodAllocation existing = rows.get(podUid);
    if (existing != null && existing.vmid() != null) {
      return existing.vmid();
    }
    CloudPodSpec spec = spec(podUid);
    Set<Integer> taken = new HashSet<>();
    rows.forEach(
        (uid, a) -> {
          if (!uid.equals(podUid) && a.vmid() != null) {
            taken.add(a.vmid());
          }
        });
    for (CloudPod p : pods.all()) {
      if (!p.metadata().uid().equals(podUid.toString()) && p.spec().vmid() != null) {
        taken.add(p.spec().vmid());
      }
    }
    int vmid;
    if (spec.vmid() != null) {
      if (taken.contains(spec.vmid()) || spec.vmid() == TEMPLATE) {
        throw new StoreConflictException(
            "spec.vmid", "VMID " + spec.vmid() + " is already used by another CloudPod");
      }
      vmid = spec.vmid();
    } else {
      vmid = RANGE_START;
      while (taken.contains(vmid) || usedElsewhere.test(vmid)) {
        vmid++;
      }
    }
    int chosen = vmid;
    update(
        podUid,
        a ->
            new PodAllocation(
                podUid, chosen, a.node(), a.pool(), a.ip(), a.taskUpid(), Instant.now()));
    return chosen;
  }

  @Override
  public synchronized String allocateIp(UUID podUid, String pool, Predicate<String> usedElsewhere) {
    PodAllocation existing = rows.get(podUid);
    if (existing != null && existing.ip() != null && pool.equals(existing.pool())) {
      return existing.ip();
    }
    IpPoolSpec poolSpec =
        pools
            .spec(pool)
            .orElseThrow(
                () ->
                    new StoreConflictException(
                        "spec.ipPool", "ip pool " + pool + " does not exist"));
    CloudPodSpec spec = spec(podUid);
    Set<Long> blocked = new HashSet<>();
    blocked.add(Ipv4.parse(poolSpec.gateway()));
    poolSpec.reserved().forEach(r -> blocked.add(Ipv4.parse(r)));
    rows.forEach(
        (uid, a) -> {
          if (!uid.equals(podUid) && pool.equals(a.pool()) && a.ip() != null) {
            blocked.add(Ipv4.parse(a.ip()));
          }
        });
    for (CloudPod p : pods.all()) {
      CloudPodSpec s = defaults.pod(p.spec());
      if (!p.metadata().uid().equals(podUid.toString())
          && pool.equals(s.ipPool())
          && s.ip() != null) {
        blocked.add(Ipv4.parse(s.ip()));
      }
    }
    String ip = null;
    if (spec.ip() != null) {
      if (blocked.contains(Ipv4.parse(spec.ip()))) {
        throw new StoreConflictException(
            "spec.ip", spec.ip() + " is reserved or taken in pool " + pool);
      }
      ip = spec.ip();
    } else {
      for (long a = Ipv4.parse(poolSpec.rangeStart()); a <= Ipv4.parse(poolSpec.rangeEnd()); a++) {
        if (!blocked.contains(a) && !usedElsewhere.test(Ipv4.format(a))) {
          ip = Ipv4.format(a);
          break;
        }
      }
      if (ip == null) {
        throw new StoreConflictException("spec.ipPool", "ip pool " + pool + " has no free address");
      }
    }
    String chosen = ip;
    update(
        podUid,
        a ->
            new PodAllocation(
                podUid, a.vmid(), a.node(), pool, chosen, a.taskUpid(), Instant.now()));
    return chosen;
  }

  @Override
  public Map<UUID, Integer> vmidsHeld(java.util.Collection<UUID> podUids) {
    Map<UUID, Integer> held = new HashMap<>();
    for (UUID uid : podUids) {
      PodAllocation a = rows.get(uid);
      if (a != null && a.vmid() != null) {
        held.put(uid, a.vmid());
      }
    }
    return held;
  }

  @Override
  public PlacementLoad placementLoad(UUID podUid, UUID ownerUid) {
    Map<String, Long> memory = new HashMap<>();
    Map<String, Integer> owned = new HashMap<>();
    rows.forEach(
        (uid, a) -> {
          if (a.node() == null) {
            return;
          }
          pods.byUid(uid)
              .ifPresent(
                  p -> {
                    memory.merge(a.node(), (long) defaults.pod(p.spec()).memoryMb(), Long::sum);
                    boolean mine =
                        ownerUid != null
                            && p.metadata().ownerReference() != null
                            && ownerUid.toString().equals(p.metadata().ownerReference().uid());
                    owned.merge(a.node(), mine ? 1 : 0, Integer::sum);
                  });
        });
    return new PlacementLoad(memory, owned);
  }

  @Override
  public void recordNode(UUID podUid, String node) {
    update(
        podUid,
        a ->
            new PodAllocation(
                podUid, a.vmid(), node, a.pool(), a.ip(), a.taskUpid(), Instant.now()));
  }

  @Override
  public void recordTask(UUID podUid, String upid) {
    update(
        podUid,
        a -> new PodAllocation(podUid, a.vmid(), a.node(), a.pool(), a.ip(), upid, Instant.now()));
  }

  @Override
  public void release(UUID podUid) {
    rows.remove(podUid);
  }

  private void update(UUID podUid, java.util.function.UnaryOperator<PodAllocation> change) {
    rows.compute(
        podUid,
        (k, old) ->
            change.apply(
                old == null ? new PodAllocation(podUid, null, null, null, null, null, null) : old));
  }

  private CloudPodSpec spec(UUID podUid) {
    return pods.byUid(podUid)
        .map(p -> defaults.pod(p.spec()))
        .orElseThrow(
            () -> new StoreConflictException("metadata.uid", "no CloudPod with uid " + podUid));
  }
}
