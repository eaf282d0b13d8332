package io.cloudpods.dashboard;

import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantQuota;
import io.cloudpods.api.v1alpha1.TenantUsage;
import java.util.List;

/**
 * One usage bar of a tenant: what it claims against its quota. {@code max} null means unlimited (no
 * bar, only the figure).
 *
 * @param percent used of max, 0–100 (capped: a quota lowered below the usage shows full), or -1
 *     when unlimited
 */
public record QuotaBar(String label, long used, Long max, String unit, int percent) {

  public static QuotaBar of(String label, long used, Integer max, String unit) {
    if (max == null) {
      return new QuotaBar(label, used, null, unit, -1);
    }
    int pct = max <= 0 ? (used > 0 ? 100 : 0) : (int) Math.min(100, Math.round(used * 100.0 / max));
    return new QuotaBar(label, used, (long) max, unit, pct);
  }

  /** Pods, cores, memory (with swap) and disk of a tenant, in that order. */
  public static List<QuotaBar> of(Tenant t) {
    TenantUsage u = t.status() == null ? null : t.status().usage();
    if (u == null) {
      u = TenantUsage.ZERO;
    }
    TenantQuota q = t.spec() == null ? null : t.spec().quota();
    if (q == null) {
      q = new TenantQuota(null, null, null, null);
    }
    return List.of(
        of("pods", u.pods(), q.maxPods(), ""),
        of("cores", u.cores(), q.maxCores(), ""),
        of("memory", u.memoryMb(), q.maxMemoryMb(), "MB"),
        of("disk", u.diskGb(), q.maxDiskGb(), "GB"));
  }

  public boolean limited() {
    return max != null;
  }

  /** At 90 % or more: shown as nearly full. */
  public boolean nearlyFull() {
    return percent >= 90;
  }
}
