package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A backup of one pod. Immutable after creation except {@code protected} and {@code notes}.
 *
 * @param pod name of a CloudPod of the same tenant
 * @param mode {@code snapshot} (default), {@code suspend} or {@code stop}, as vzdump's {@code mode}
 * @param compress vzdump's {@code compress}: {@code zstd} (default), {@code gzip}, {@code lzo} or
 *     {@code 0}
 * @param reason {@code Manual} (default; the only one a tenant token may create), {@code
 *     Scheduled}, {@code Final} or {@code BeforeRestore}
 * @param protect {@code protected} on the wire: Proxmox never prunes nor deletes a protected
 *     archive, and the API refuses to delete a protected Backup (409)
 * @param policy the BackupPolicy that created it, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupSpec(
    String pod,
    String storage,
    String mode,
    String compress,
    String reason,
    @JsonProperty("protected") Boolean protect,
    String notes,
    String policy) {

  public static final String REASON_MANUAL = "Manual";
  public static final String REASON_SCHEDULED = "Scheduled";
  public static final String REASON_FINAL = "Final";
  public static final String REASON_BEFORE_RESTORE = "BeforeRestore";

  public boolean isProtected() {
    return Boolean.TRUE.equals(protect);
  }

  /** The same backup with {@code protected} and {@code notes} replaced (the mutable fields). */
  public BackupSpec withProtectionAndNotes(Boolean newProtect, String newNotes) {
    return new BackupSpec(pod, storage, mode, compress, reason, newProtect, newNotes, policy);
  }
}
