package io.cloudpods.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** What {@code /q/metrics} shows about the fleet, and how fresh it is. */
@ConfigMapping(prefix = "cloudpods.metrics")
public interface MetricsConfig {

  /**
   * How often the fleet gauges (pods by tenant and phase, quota and usage, IP pools, orphans) are
   * read from PostgreSQL. A scrape only reads the last figures, so its cost does not grow with the
   * number of pods.
   */
  @WithDefault("15s")
  Duration refreshInterval();

  /**
   * Export {@code cloudpods_pod_info} with one series per pod (tenant, pod, phase, vmid, node). Off
   * by default: it makes the number of series grow with the number of pods.
   */
  @WithDefault("false")
  boolean perPod();
}
