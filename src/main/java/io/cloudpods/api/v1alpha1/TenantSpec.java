package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * @param allowed what the tenant's pods may use; null: only the pod defaults of {@code
 *     cloudpods.pods.*}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantSpec(String displayName, TenantQuota quota, TenantAllowed allowed) {

  public TenantSpec(String displayName, TenantQuota quota) {
    this(displayName, quota, null);
  }
}
