package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.cluster.ClusterClients;
import io.cloudpods.cluster.Regions;
import io.cloudpods.proxmox.ProxmoxClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What an operator's one-off request (adopt or delete an orphan, import the seed scripts' pods)
 * needs of a named Proxmox cluster: that it exists (422 naming {@code field} when not) and its
 * client (503 {@code ClusterUnavailable} while this replica has none for it yet).
 */
@ApplicationScoped
public class ClusterAccess {

  private final Regions regions;
  private final ClusterClients clients;
  private final ProxmoxClient configured;

  public ClusterAccess(Regions regions, ClusterClients clients, ProxmoxClient configured) {
    this.regions = regions;
    this.clients = clients;
    this.configured = configured;
  }

  /** The cluster called {@code name}, or 422 naming {@code field} and the known clusters. */
  public ProxmoxCluster require(String field, String name) {
    return regions
        .named(name)
        .orElseThrow(
            () ->
                ApiException.invalid(
                    field,
                    "no Proxmox cluster is named '"
                        + name
                        + "' (known: "
                        + regions.all().stream().map(c -> c.metadata().name()).sorted().toList()
                        + ")"));
  }

  /** The name of the cluster serving {@code region}; {@code default} when none or no region. */
  public String clusterOfRegion(String region) {
    return regions.ofRegion(region).map(c -> c.metadata().name()).orElse(ProxmoxCluster.DEFAULT);
  }

  /**
   * The client of {@code cluster}: the configured one for {@code default}, else the one of the
   * cluster's engine, not fenced by its lease (an operator's request, not reconcile work).
   */
  public ProxmoxClient client(String cluster) {
    if (ProxmoxCluster.DEFAULT.equals(cluster)) {
      return configured;
    }
    return clients
        .unfencedClient(cluster)
        .orElseThrow(
            () ->
                new ApiException(
                    503,
                    "ClusterUnavailable",
                    "cluster "
                        + cluster
                        + " has no client on this controller yet (its ProxmoxCluster says why);"
                        + " try again",
                    List.of(new FieldError("cluster", "no client for " + cluster))));
  }
}
