package io.cloudpods.cloudpod.placement;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Proxmox cluster a reconciler works on: its name and region, which pods' statuses carry, and
 * its zones, which placement keeps a pod in. Zones are read on every use, since a cluster's spec
 * may change while the controller runs.
 *
 * @param zones a zone's nodes, empty when the cluster has no such zone
 * @param zoneOf the zone a node belongs to, empty when it is in none
 */
public record ClusterIdentity(
    String name,
    String region,
    Function<String, Optional<List<String>>> zones,
    Function<String, Optional<String>> zoneOf) {

  /** A cluster without zones. */
  public static ClusterIdentity withoutZones(String name, String region) {
    return new ClusterIdentity(name, region, z -> Optional.empty(), n -> Optional.empty());
  }

  /** The configured cluster {@code default} in region {@code default} (unit tests). */
  public static final ClusterIdentity DEFAULT = withoutZones("default", "default");
}
