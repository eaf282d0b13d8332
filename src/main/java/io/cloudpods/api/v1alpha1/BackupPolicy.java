package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** When and how the pods of a tenant (or those matching a selector) are backed up. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupPolicy(
    String apiVersion,
    String kind,
    ObjectMeta metadata,
    BackupPolicySpec spec,
    BackupPolicyStatus status) {
  public static BackupPolicy of(ObjectMeta metadata, BackupPolicySpec spec) {
    return new BackupPolicy(ApiVersion.V1ALPHA1, "BackupPolicy", metadata, spec, null);
  }
}
