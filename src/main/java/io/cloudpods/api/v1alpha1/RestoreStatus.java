package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * Written only by the controller, through {@code RestoreStore.updateStatus}.
 *
 * @param phase {@code Pending}, {@code BackingUp} (in place: the {@code BeforeRestore} backup),
 *     {@code Restoring}, {@code Completed} or {@code Failed}
 * @param pod the pod restored (new or in place)
 * @param beforeRestoreBackup the Backup taken before an in-place restore
 * @param taskRef UPID of the {@code vzrestore} task of an in-place restore
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreStatus(
    String phase,
    String pod,
    String beforeRestoreBackup,
    String taskRef,
    Instant startTime,
    Instant completionTime,
    Integer attempts,
    String message,
    Long observedGeneration,
    List<Condition> conditions) {

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_BACKING_UP = "BackingUp";
  public static final String PHASE_RESTORING = "Restoring";
  public static final String PHASE_COMPLETED = "Completed";
  public static final String PHASE_FAILED = "Failed";

  public boolean terminal() {
    return PHASE_COMPLETED.equals(phase) || PHASE_FAILED.equals(phase);
  }
}
