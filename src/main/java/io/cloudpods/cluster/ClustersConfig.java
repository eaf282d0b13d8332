package io.cloudpods.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the Proxmox clusters are watched ({@code cloudpods.clusters.*}). */
@ConfigMapping(prefix = "cloudpods.clusters")
public interface ClustersConfig {

  /** How often every cluster is probed ({@code /version} and {@code /cluster/resources}). */
  @WithDefault("10s")
  Duration probeInterval();

  /**
   * How long one probe may take (connect, TLS and each answer); a cluster that does not answer
   * within it is {@code Reachable=False} with reason {@code Unreachable}.
   */
  @WithDefault("5s")
  Duration probeTimeout();
}
