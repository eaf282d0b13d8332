package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tenant(
    String apiVersion, String kind, ObjectMeta metadata, TenantSpec spec, TenantStatus status) {
  public static Tenant of(ObjectMeta metadata, TenantSpec spec) {
    return new Tenant(ApiVersion.V1ALPHA1, "Tenant", metadata, spec, null);
  }
}
