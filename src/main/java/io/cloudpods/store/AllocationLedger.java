package io.cloudpods.store;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The controller's persisted intent per pod ({@code pod_allocation}): VMID, address and node are
 * reserved here, race-free, before anything is asked of Proxmox, and the UPID of the task in flight
 * is kept here. {@link AllocationStore} in production.
 */
public interface AllocationLedger {

  Optional<PodAllocation> find(UUID podUid);

  /**
   * The pod's VMID: the one already allocated, else its spec's, else the lowest free one of the
   * client range, also skipping VMIDs for which {@code usedElsewhere} is true.
   *
   * @throws StoreConflictException if the spec's VMID belongs to another pod or the range is full
   */
  int allocateVmid(UUID podUid, IntPredicate usedElsewhere);

  /**
   * The pod's address in {@code pool}: the one already allocated there, else its spec's, else the
   * lowest free one of the pool, also skipping addresses for which {@code usedElsewhere} is true.
   *
   * @throws StoreConflictException if the address is taken or the pool is exhausted
   */
  String allocateIp(UUID podUid, String pool, Predicate<String> usedElsewhere);

  /**
   * What placement needs: memory promised per node of the cluster {@code podUid} lives in, and pods
   * of {@code ownerUid} per node.
   */
  PlacementLoad placementLoad(UUID podUid, UUID ownerUid);

  /**
   * Of {@code podUids}, the pods that hold a VMID, and which. Tells a stored pod's container from
   * an orphan's (a marker container whose pod holds nothing) before an address is handed out.
   */
  Map<UUID, Integer> vmidsHeld(Collection<UUID> podUids);

  /** Records the node the pod is (to be) placed on. */
  void recordNode(UUID podUid, String node);

  /** Records the UPID of the Proxmox task in flight for the pod, or clears it with null. */
  void recordTask(UUID podUid, String upid);

  /** Forgets everything reserved for the pod (VMID, IP, node, task). */
  void release(UUID podUid);

  /**
   * Per node, the memory (MiB) promised to every pod placed there (placed pods count even before
   * their container exists), and how many pods of one owner (a PodSet) are placed there.
   */
  record PlacementLoad(Map<String, Long> memoryMbByNode, Map<String, Integer> ownerPodsByNode) {}
}
