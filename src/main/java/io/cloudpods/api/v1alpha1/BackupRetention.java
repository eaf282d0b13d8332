package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Proxmox's prune options ({@code prune-backups}), applied by Proxmox per pod and storage, so
 * manual, scheduled and final backups of a pod count together; protected backups never count and
 * never go. 0 leaves an option out; all 0 keeps everything ({@code keep-all}).
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

  /**
   * The value of Proxmox's {@code prune-backups} option: {@code keep-last=7,keep-daily=3}, or
   * {@code keep-all=1} when nothing is set.
   */
  public String pruneBackups() {
    if (keepsAll()) {
      return "keep-all=1";
    }
    StringBuilder b = new StringBuilder();
    append(b, "keep-last", keepLast);
    append(b, "keep-hourly", keepHourly);
    append(b, "keep-daily", keepDaily);
    append(b, "keep-weekly", keepWeekly);
    append(b, "keep-monthly", keepMonthly);
    append(b, "keep-yearly", keepYearly);
    return b.toString();
  }

  private static boolean zero(Integer v) {
    return v == null || v == 0;
  }

  private static void append(StringBuilder b, String key, Integer v) {
    if (!zero(v)) {
      b.append(b.length() == 0 ? "" : ",").append(key).append('=').append(v);
    }
  }
}
