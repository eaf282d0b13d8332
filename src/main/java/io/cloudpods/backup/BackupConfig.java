package io.cloudpods.backup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * {@code cloudpods.backups.*}: how the backup controller runs (the defaults of new policies and
 * backups are {@code cloudpods.backups.defaults.*}, read by the API).
 */
@ConfigMapping(prefix = "cloudpods.backups")
public interface BackupConfig {

  /** Failed vzdump attempts of one Backup before it is Failed. */
  @WithDefault("3")
  int maxAttempts();

  /** The wait after a failed attempt; doubled per further failure, at most {@link #retryMax()}. */
  @WithDefault("30s")
  Duration retryBase();

  @WithDefault("10m")
  Duration retryMax();

  /** How long a Final backup is kept (protected) before it is unprotected and deleted. */
  @WithDefault("30d")
  Duration finalRetention();

  /** vzdump runs per node at once, counted by the controller (Proxmox itself allows one). */
  @WithDefault("1")
  int perNode();

  /**
   * First check of a running vzdump or imgdel task; later checks back off to {@link #pollMax()}.
   */
  @WithDefault("1s")
  Duration pollInitial();

  @WithDefault("15s")
  Duration pollMax();

  /** When to look again at a guest that is locked, or a pod not provisioned yet. */
  @WithDefault("15s")
  Duration lockedRecheck();

  /**
   * How late after its due time a policy run still counts as on time; later, it was missed and
   * {@code catchUp} decides.
   */
  @WithDefault("5m")
  Duration startingDeadline();

  /** How often every Backup and BackupPolicy is looked at (archives checked, runs due). */
  @WithDefault("30s")
  Duration resyncInterval();
}
