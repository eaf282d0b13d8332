package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.cluster.Regions;
import java.util.Objects;

/**
 * Admission of a pod spec's placement: the region is filled (the tenant's {@code defaultRegion},
 * else the region of the cluster {@code default}) and must be served by a cluster; the zone must be
 * one of that cluster's; the address pool must be on that cluster's network. Region and zone never
 * change once stored (422 naming the field); left out of a later write they are kept.
 */
final class PodPlacement {

  private final Regions regions;

  PodPlacement(Regions regions) {
    this.regions = regions;
  }

  /** What admission decided: the spec with its region, and the cluster serving it. */
  record Placed(CloudPodSpec spec, ProxmoxCluster cluster) {
    String clusterName() {
      return cluster.metadata().name();
    }
  }

  /**
   * @param stored the spec stored before this write, or null for a new pod
   * @param storedCluster the cluster the stored pod lives in, or null for a new pod
   * @param prefix where the pod spec sits in the object ({@code spec.} or {@code
   *     spec.template.spec.})
   */
  Placed admit(
      CloudPodSpec spec,
      CloudPodSpec stored,
      String storedCluster,
      Tenant tenant,
      String poolName,
      IpPoolSpec pool,
      String prefix) {
    String region = spec.region();
    String zone = spec.zone();
    if (stored != null) {
      String storedRegion =
          stored.region() != null
              ? stored.region()
              : regions
                  .named(storedCluster == null ? ProxmoxCluster.DEFAULT : storedCluster)
                  .map(c -> c.spec().region())
                  .orElse(regions.defaultRegion());
      if (region != null && !region.equals(storedRegion)) {
        throw ApiException.invalid(
            prefix + "region",
            "is immutable (the pod lives in region "
                + storedRegion
                + "); to move a pod, back it up and restore the backup in the other region");
      }
      if (zone != null && !zone.equals(stored.zone())) {
        throw ApiException.invalid(
            prefix + "zone",
            "is immutable (the pod was placed "
                + (stored.zone() == null ? "in no zone" : "in zone " + stored.zone())
                + ")");
      }
      region = storedRegion;
      zone = zone == null ? stored.zone() : zone;
    }
    String field = prefix + "region";
    if (region == null) {
      String fromTenant = tenant.spec() == null ? null : tenant.spec().defaultRegion();
      if (fromTenant != null) {
        region = fromTenant;
        field = "tenant " + tenant.metadata().name() + " spec.defaultRegion";
      } else {
        region = regions.defaultRegion();
      }
    }
    String r = region;
    String f = field;
    ProxmoxCluster cluster =
        regions
            .ofRegion(r)
            .orElseThrow(
                () ->
                    ApiException.invalid(
                        prefix + "region",
                        (f.equals(prefix + "region") ? "" : "from " + f + ": ")
                            + "no Proxmox cluster serves region '"
                            + r
                            + "' (regions: "
                            + regions.known()
                            + ")"));
    if (zone != null && Regions.nodesOf(cluster.spec(), zone).isEmpty()) {
      throw ApiException.invalid(
          prefix + "zone",
          "cluster "
              + cluster.metadata().name()
              + " (region "
              + r
              + ") has no zone '"
              + zone
              + "'"
              + zones(cluster));
    }
    if (pool != null && !Objects.equals(pool.clusterOrDefault(), cluster.metadata().name())) {
      throw ApiException.invalid(
          prefix + "ipPool",
          "ip pool '"
              + poolName
              + "' is on the network of cluster "
              + pool.clusterOrDefault()
              + ", the pod is in region "
              + r
              + " (cluster "
              + cluster.metadata().name()
              + "); use a pool of that cluster");
    }
    CloudPodSpec placed = spec.withRegion(r);
    if (!Objects.equals(placed.zone(), zone)) {
      placed = placed.withZone(zone);
    }
    return new Placed(placed, cluster);
  }

  private static String zones(ProxmoxCluster c) {
    if (c.spec().zones() == null || c.spec().zones().isEmpty()) {
      return "; it has no zones";
    }
    return " (zones: "
        + String.join(
            ", ",
            c.spec().zones().stream()
                .map(io.cloudpods.api.v1alpha1.ProxmoxClusterSpec.Zone::name)
                .toList())
        + ")";
  }
}
