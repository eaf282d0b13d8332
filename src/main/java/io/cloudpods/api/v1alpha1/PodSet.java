package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodSet(
    String apiVersion, String kind, ObjectMeta metadata, PodSetSpec spec, PodSetStatus status) {
  public static PodSet of(ObjectMeta metadata, PodSetSpec spec) {
    return new PodSet(ApiVersion.V1ALPHA1, "PodSet", metadata, spec, null);
  }
}
