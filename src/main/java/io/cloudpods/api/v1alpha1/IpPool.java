package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpPool(
    String apiVersion, String kind, ObjectMeta metadata, IpPoolSpec spec, IpPoolStatus status) {
  public static IpPool of(ObjectMeta metadata, IpPoolSpec spec) {
    return new IpPool(ApiVersion.V1ALPHA1, "IpPool", metadata, spec, null);
  }
}
