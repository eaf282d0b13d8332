package io.cloudpods.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Defaults filled into every BackupPolicy and Backup spec at admission (the seed's {@code
 * cloudpod-backup.sh}: storage {@code vzdump-backups}, snapshot mode, zstd, keep-last 7).
 */
@ConfigMapping(prefix = "cloudpods.backups.defaults")
public interface BackupsConfig {
  /** Backup storage when a spec names none; also what a tenant may use when it lists none. */
  @WithDefault("vzdump-backups")
  String storage();

  @WithDefault("snapshot")
  String mode();

  @WithDefault("zstd")
  String compress();

  /** {@code retention.keepLast} of a BackupPolicy that gives no retention at all. */
  @WithDefault("7")
  int keepLast();

  /** {@code timeZone} of a BackupPolicy that names none. */
  @WithDefault("UTC")
  String timeZone();
}
