package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Brings a Backup back: as a new pod (the default) or in place of its pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Restore(
    String apiVersion, String kind, ObjectMeta metadata, RestoreSpec spec, RestoreStatus status) {
  public static Restore of(ObjectMeta metadata, RestoreSpec spec) {
    return new Restore(ApiVersion.V1ALPHA1, "Restore", metadata, spec, null);
  }
}
