package io.cloudpods.replica;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * {@code cloudpods.leases.*}: how replicas share the clusters' reconcile work. The defaults give a
 * failover within about 7 s of a replica's death (the lease runs out after {@link #duration()}, the
 * next replica tries every {@link #retryPeriod()}). A replica's name is {@code
 * cloudpods.replica.id} (default: host name and process id).
 */
@ConfigMapping(prefix = "cloudpods.leases")
public interface LeaseConfig {

  /** How long a lease lasts from its last renewal, on the database's clock. */
  @WithDefault("6s")
  Duration duration();

  /** A holder that could not renew for this long steps down, before the lease runs out. */
  @WithDefault("4s")
  Duration renewDeadline();

  /** How often a holder renews and the others try to take a free or expired lease. */
  @WithDefault("1s")
  Duration retryPeriod();

  /**
   * The longest a Proxmox call that changes something may take; it is only made while the lease has
   * more than this left. Must be shorter than {@link #duration()} minus {@link #retryPeriod()}.
   */
  @WithDefault("3s")
  Duration callTimeout();
}
