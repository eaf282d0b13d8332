package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Immutable after creation.
 *
 * @param backup name of a Completed Backup of the same tenant
 * @param target where to restore; absent: a new pod named like the Restore itself
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreSpec(String backup, RestoreTarget target) {

  /**
   * Exactly one of the two: {@code podName} restores as a new pod of that name (created with {@code
   * spec.restoreFrom}, a fresh VMID and address); {@code inPlace: true} replaces the backed-up
   * pod's container after a {@code BeforeRestore} backup of it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RestoreTarget(String podName, Boolean inPlace) {
    public boolean isInPlace() {
      return Boolean.TRUE.equals(inPlace);
    }
  }
}
