package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.cluster.ClusterClients;
import io.cloudpods.cluster.Regions;
import io.cloudpods.proxmox.FencedException;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.store.LeaseStore;
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
  private final LeaseStore leases;

  public ClusterAccess(
      Regions regions, ClusterClients clients, ProxmoxClient configured, LeaseStore leases) {
    this.regions = regions;
    this.clients = clients;
    this.configured = configured;
    this.leases = leases;
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
   * The client of {@code cluster} for changes: behind the cluster's lease, so a change is made only
   * while this replica holds it ({@link #notLeaseHolder} says what to do otherwise); 503 {@code
   * ClusterUnavailable} while the controller has no engine for the cluster.
   */
  public ProxmoxClient mutatingClient(String cluster) {
    return clients.fencedClient(cluster).orElseThrow(() -> unavailable(cluster));
  }

  /**
   * 503 {@code NotLeaseHolder}: this replica could not prove it holds the cluster's lease, so it
   * made no change; the answer names the replica that holds it (send the request again there, or
   * again here later: {@code cloudpods orphans delete} retries by itself).
   */
  public ApiException notLeaseHolder(String cluster, FencedException e) {
    String holder;
    try {
      holder = leases.holders().get(cluster);
    } catch (RuntimeException lookup) {
      holder = null;
    }
    return new ApiException(
        503,
        "NotLeaseHolder",
        "nothing was changed in cluster "
            + cluster
            + ": this replica does not hold its lease"
            + (holder == null ? " and no replica holds it now" : "; replica " + holder + " does")
            + " (cloudpods get controllers); try again ("
            + e.getMessage()
            + ")",
        List.of(new FieldError("cluster", "lease of " + cluster + " not held here")));
  }

  /**
   * The client of {@code cluster} for reads: the configured one for {@code default}, else the one
   * of the cluster's engine, not fenced by its lease (a read changes nothing).
   */
  public ProxmoxClient client(String cluster) {
    if (ProxmoxCluster.DEFAULT.equals(cluster)) {
      return configured;
    }
    return clients.unfencedClient(cluster).orElseThrow(() -> unavailable(cluster));
  }

  private static ApiException unavailable(String cluster) {
    return new ApiException(
        503,
        "ClusterUnavailable",
        "cluster "
            + cluster
            + " has no client on this controller yet (its ProxmoxCluster says why); try again",
        List.of(new FieldError("cluster", "no client for " + cluster)));
  }
}
