package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Usage against quota, computed by the server from the stored pods and PodSets when read; the phase
 * ({@code Active}, or {@code Deleting} once the tenant is marked for deletion) and the conditions
 * the controller writes while it deletes the tenant's objects; {@code regions} is the usage per
 * region (the region of each pod and PodSet), which {@code quota.regions} limits.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantStatus(
    String phase,
    TenantUsage usage,
    TenantQuota quota,
    Long observedGeneration,
    List<Condition> conditions,
    java.util.Map<String, TenantUsage> regions) {

  /** Without the usage per region. */
  public TenantStatus(
      String phase,
      TenantUsage usage,
      TenantQuota quota,
      Long observedGeneration,
      List<Condition> conditions) {
    this(phase, usage, quota, observedGeneration, conditions, null);
  }

  public static final String PHASE_ACTIVE = "Active";
  public static final String PHASE_DELETING = "Deleting";

  /** Ready=False reasons of a tenant being deleted. */
  public static final String WAITING_FOR_PODS = "WaitingForPods";

  public static final String WAITING_FOR_POD_SETS = "WaitingForPodSets";
}
