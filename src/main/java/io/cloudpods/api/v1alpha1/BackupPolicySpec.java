package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A backup schedule. After admission every field is filled (defaults from {@code
 * cloudpods.backups.defaults.*}).
 *
 * @param schedule Unix cron expression of five fields (minute hour day-of-month month day-of-week),
 *     read in {@code timeZone}
 * @param timeZone IANA zone id, default {@code UTC}
 * @param selector which pods of the tenant; empty or absent: every pod of the tenant
 * @param catchUp {@code Once}: a run missed while the controller was down is run once on start-up;
 *     {@code Skip} (default): it is dropped and counted in {@code status.skippedRuns}
 * @param suspend true pauses the schedule (no new runs; running backups finish)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupPolicySpec(
    String schedule,
    String timeZone,
    LabelSelector selector,
    String storage,
    String mode,
    String compress,
    BackupRetention retention,
    String catchUp,
    Boolean suspend) {

  public static final String CATCH_UP_ONCE = "Once";
  public static final String CATCH_UP_SKIP = "Skip";
}
