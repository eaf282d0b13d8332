package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Per-tenant limits; a null limit means unlimited. PodSet replicas count towards every limit.
 *
 * @param regions limits per region (by region name), on top of the totals: a pod or PodSet counts
 *     against the limits of its own region
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantQuota(
    Integer maxPods,
    Integer maxCores,
    Integer maxMemoryMb,
    Integer maxDiskGb,
    Map<String, RegionQuota> regions) {

  /** Totals only. */
  public TenantQuota(Integer maxPods, Integer maxCores, Integer maxMemoryMb, Integer maxDiskGb) {
    this(maxPods, maxCores, maxMemoryMb, maxDiskGb, null);
  }
}
