package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Per-tenant limits; a null limit means unlimited. PodSet replicas count towards every limit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantQuota(
    Integer maxPods, Integer maxCores, Integer maxMemoryMb, Integer maxDiskGb) {}
