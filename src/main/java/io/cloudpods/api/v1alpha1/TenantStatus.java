package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Usage against quota; computed by the server from the stored pods and PodSets when read. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantStatus(
    TenantUsage usage, TenantQuota quota, Long observedGeneration, List<Condition> conditions) {}
