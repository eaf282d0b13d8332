package io.cloudpods.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The web dashboard at {@code /}. */
@ConfigMapping(prefix = "cloudpods.dashboard")
public interface DashboardConfig {
  /** Off: {@code /} and the dashboard's pages are not served (an API-only server). */
  @WithDefault("true")
  boolean enabled();

  /** The pod list shows at most this many rows (the first, by tenant and name) and says so. */
  @WithDefault("500")
  int maxPodRows();

  /** The most recent events shown on a pod's page. */
  @WithDefault("50")
  int podEvents();
}
