package io.cloudpods.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.List;
import java.util.Map;

/**
 * The zones of the cluster {@code default}, as {@code ProxmoxCluster.spec.zones} gives them for an
 * added cluster: {@code cloudpods.zones.<zone>=<node>,<node>} (for example {@code
 * cloudpods.zones.east-a=pve,pve-02}). None by default.
 */
@ConfigMapping(prefix = "cloudpods.zones")
public interface DefaultZonesConfig {

  /** Nodes by zone name. */
  @WithParentName
  Map<String, List<String>> nodes();
}
