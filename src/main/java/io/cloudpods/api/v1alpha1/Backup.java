package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One vzdump archive of one CloudPod, wanted (spec) and as taken (status). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Backup(
    String apiVersion, String kind, ObjectMeta metadata, BackupSpec spec, BackupStatus status) {
  public static Backup of(ObjectMeta metadata, BackupSpec spec) {
    return new Backup(ApiVersion.V1ALPHA1, "Backup", metadata, spec, null);
  }
}
