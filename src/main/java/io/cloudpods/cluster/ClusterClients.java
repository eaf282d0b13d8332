package io.cloudpods.cluster;

import io.cloudpods.proxmox.ProxmoxClient;
import java.util.Optional;

/**
 * The Proxmox clients of the clusters the controller runs an engine for, for an operator's one-off
 * request through the API (importing, deleting an orphan). The API server asks this port; the
 * controller manager answers it, so the API never wires the manager itself.
 */
public interface ClusterClients {

  /**
   * The client of a cluster with an engine, without the lease's fence, for reads; empty when the
   * controller does not run or the cluster has no engine (yet).
   */
  Optional<ProxmoxClient> unfencedClient(String cluster);

  /**
   * The client of a cluster with an engine behind the cluster's lease: every change first proves
   * that this replica holds the lease (else {@link io.cloudpods.proxmox.FencedException}, nothing
   * sent); empty when the controller does not run or the cluster has no engine (yet).
   */
  Optional<ProxmoxClient> fencedClient(String cluster);
}
