package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * Written only by the controller, through {@code BackupPolicyStore.updateStatus}.
 *
 * @param lastScheduleTime the scheduled time of the last run started
 * @param nextScheduleTime the next time the schedule fires (absent while suspended)
 * @param lastSuccessfulTime completion of the last run whose every backup completed
 * @param skippedRuns runs that were not started, and why the last one was not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupPolicyStatus(
    Instant lastScheduleTime,
    Instant nextScheduleTime,
    Instant lastSuccessfulTime,
    SkippedRuns skippedRuns,
    BackupRunResult lastRunResult,
    Long observedGeneration,
    List<Condition> conditions) {

  /**
   * @param count runs skipped since the policy was created
   * @param lastReason why the last skipped run was skipped (e.g. {@code MissedWhileDown}, {@code
   *     PreviousRunActive}, {@code Suspended})
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SkippedRuns(Integer count, String lastReason, Instant lastTime, String message) {}

  /**
   * @param result {@code Running}, {@code Succeeded}, {@code Failed} or {@code PartiallyFailed}
   * @param backups Backup objects the run created
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BackupRunResult(
      Instant scheduleTime,
      String result,
      Integer backups,
      Integer completed,
      Integer failed,
      String message) {
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String PARTIALLY_FAILED = "PartiallyFailed";
  }
}
