package io.cloudpods.proxmox;

import java.util.List;
import java.util.Optional;

/**
 * A resource pool. {@code members} is empty in {@code pools()} listings and filled by {@code
 * pool(id)}; members are guests and storages as in cluster resources.
 */
public record Pool(String poolId, Optional<String> comment, List<ClusterResource> members) {

  public Pool {
    members = List.copyOf(members);
  }

  /** Vmids of the guest members. */
  public List<Integer> memberVmids() {
    return members.stream()
        .filter(ClusterResource.Guest.class::isInstance)
        .map(m -> ((ClusterResource.Guest) m).vmid())
        .toList();
  }
}
