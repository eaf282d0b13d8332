package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudPod(
    String apiVersion, String kind, ObjectMeta metadata, CloudPodSpec spec, CloudPodStatus status) {
  public static CloudPod of(ObjectMeta metadata, CloudPodSpec spec) {
    return new CloudPod(ApiVersion.V1ALPHA1, "CloudPod", metadata, spec, null);
  }
}
