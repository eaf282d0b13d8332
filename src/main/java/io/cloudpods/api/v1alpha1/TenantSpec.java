package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * @param allowed what the tenant's pods may use; null: only the pod defaults of {@code
 *     cloudpods.pods.*}
 * @param defaultRegion the region a pod of the tenant that names none is placed in; null: the
 *     region of the configured cluster {@code default}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantSpec(
    String displayName, TenantQuota quota, TenantAllowed allowed, String defaultRegion) {

  public TenantSpec(String displayName, TenantQuota quota, TenantAllowed allowed) {
    this(displayName, quota, allowed, null);
  }

  public TenantSpec(String displayName, TenantQuota quota) {
    this(displayName, quota, null);
  }
}
