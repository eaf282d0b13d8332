package io.cloudpods.proxmox;

import java.util.List;

/**
 * Read-only, cluster-wide view for consumers that only observe (resync snapshots, capacity and
 * scheduling decisions). Implemented by every {@link ProxmoxClient}.
 */
public interface ClusterStateReader {

  /** {@code GET /nodes}. */
  List<NodeInfo> nodes();

  /** {@code GET /cluster/resources}: every entry of a known type (guests, nodes, storages, pools, SDN). */
  List<ClusterResource> clusterResources();

  /** {@code GET /cluster/resources?type=}: only entries of one type. */
  List<ClusterResource> clusterResources(ResourceType type);

  /** Convenience: the LXC guests of {@code clusterResources(VM)}. */
  default List<ClusterResource.Guest> clusterContainers() {
    return clusterResources(ResourceType.VM).stream()
        .filter(ClusterResource.Guest.class::isInstance)
        .map(ClusterResource.Guest.class::cast)
        .filter(g -> g.type() == ClusterResource.GuestType.LXC)
        .toList();
  }
}
