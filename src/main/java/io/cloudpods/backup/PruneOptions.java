package io.cloudpods.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code prune-backups} property string Proxmox's prune reads ({@code
 * keep-last=7,keep-daily=7,...}) built from a policy's {@code retention}: retention is applied by
 * Proxmox itself, per guest and storage, counting manual, scheduled and final backups together and
 * never counting or removing protected ones. Zero or absent keys are left out; a retention with no
 * key at all means {@code keep-all=1} (nothing is pruned). Pure.
 */
public final class PruneOptions {

  private PruneOptions() {}

  /**
   * @return the property string, e.g. {@code keep-last=7,keep-daily=3}
   * @throws IllegalArgumentException naming the field when a count is negative
   */
  public static String of(
      Integer keepLast,
      Integer keepHourly,
      Integer keepDaily,
      Integer keepWeekly,
      Integer keepMonthly,
      Integer keepYearly) {
    List<String> parts = new ArrayList<>();
    add(parts, "keep-last", "keepLast", keepLast);
    add(parts, "keep-hourly", "keepHourly", keepHourly);
    add(parts, "keep-daily", "keepDaily", keepDaily);
    add(parts, "keep-weekly", "keepWeekly", keepWeekly);
    add(parts, "keep-monthly", "keepMonthly", keepMonthly);
    add(parts, "keep-yearly", "keepYearly", keepYearly);
    return parts.isEmpty() ? "keep-all=1" : String.join(",", parts);
  }

  private static void add(List<String> parts, String key, String field, Integer n) {
    if (n == null || n == 0) {
      return;
    }
    if (n < 0) {
      throw new IllegalArgumentException(
          "spec.retention." + field + ": must be 0 or more, not " + n);
    }
    parts.add(key + "=" + n);
  }

  /**
   * The vzdump options that decide pruning for a backup: a scheduled backup prunes with its
   * policy's retention; any other backup ({@code Manual}, {@code Final}, {@code BeforeRestore})
   * passes {@code remove=0}, so taking it never removes an older archive (the next scheduled run of
   * a policy counts it, as Proxmox counts every backup of the guest on the storage).
   */
  public static java.util.Map<String, String> forVzdump(Optional<String> policyRetention) {
    return policyRetention
        .map(r -> java.util.Map.of("prune-backups", r, "remove", "1"))
        .orElse(java.util.Map.of("remove", "0"));
  }
}
