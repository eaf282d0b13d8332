package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Proxmox's prune options ({@code prune-backups}), applied by Proxmox per pod and storage, so
 * manual, scheduled and final backups of a pod count together; protected backups never count and
 * never go. 0 leaves an option out; all 0 keeps everything ({@code keep-all}). The property string
 * itself is built by {@code io.cloudpods.backup.PruneOptions}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupRetention(
    Integer keepLast,
    Integer keepHourly,
    Integer keepDaily,
    Integer keepWeekly,
    Integer keepMonthly,
    Integer keepYearly) {

  /** True when no option is set: Proxmox keeps every backup. */
  public boolean keepsAll() {
    return zero(keepLast)
        && zero(keepHourly)
        && zero(keepDaily)
        && zero(keepWeekly)
        && zero(keepMonthly)
        && zero(keepYearly);
  }

  private static boolean zero(Integer v) {
    return v == null || v == 0;
  }
}
