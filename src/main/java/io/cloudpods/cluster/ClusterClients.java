package io.cloudpods.cluster;

import io.cloudpods.proxmox.ProxmoxClient;
import java.util.Optional;

/**
 * The Proxmox clients of the clusters the controller runs an engine for, for an operator's one-off
 * request through the API (adopting or deleting an orphan). The API server asks this port; the
 * controller manager answers it, so the API never wires the manager itself.
 */
public interface ClusterClients {

  /**
   * The client of a cluster with an engine, without the lease's fence; empty when the controller
   * does not run or the cluster has no engine (yet).
   */
  Optional<ProxmoxClient> unfencedClient(String cluster);
}
