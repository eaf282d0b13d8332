package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A tenant's limits within one region ({@code Tenant.spec.quota.regions}); a null limit means no
 * limit there beyond the tenant's total.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegionQuota(
    Integer maxPods, Integer maxCores, Integer maxMemoryMb, Integer maxDiskGb) {}
