package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * Written only by the controller, through {@code BackupStore.updateStatus}.
 *
 * @param phase {@code Pending}, {@code Running}, {@code Completed}, {@code Failed} or {@code
 *     Missing} (the archive is no longer in the storage's content)
 * @param volid the archive, e.g. {@code
 *     vzdump-backups:backup/vzdump-lxc-9001-2026_01_02-02_00_04.tar.zst}
 * @param node the node vzdump ran on (the pod's own)
 * @param vmid and {@code podUid}: the container and pod backed up, kept after the pod is gone
 * @param taskRef UPID of the vzdump task
 * @param effectiveMode the mode vzdump actually used ({@code suspend} when snapshot mode fell back)
 * @param expiresAt when a {@code Final} backup is removed (unprotected, then pruned or deleted)
 * @param podSpec the pod's spec at backup time, so a restore can recreate a pod that is gone
 * @param cluster the Proxmox cluster the archive is in (the pod's), kept after the pod is gone;
 *     absent on backups from before clusters were recorded, which are of {@code default}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupStatus(
    String phase,
    String volid,
    Long sizeBytes,
    String node,
    Integer vmid,
    String podUid,
    Instant startTime,
    Instant completionTime,
    String taskRef,
    Integer attempts,
    Instant retryAfter,
    String message,
    String effectiveMode,
    Instant expiresAt,
    CloudPodSpec podSpec,
    Long observedGeneration,
    List<Condition> conditions,
    String cluster) {

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_RUNNING = "Running";
  public static final String PHASE_COMPLETED = "Completed";
  public static final String PHASE_FAILED = "Failed";
  public static final String PHASE_MISSING = "Missing";

  /** An empty status of a backup nothing has been done for yet. */
  public static BackupStatus pending() {
    return new BackupStatus(
        PHASE_PENDING,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Completed, Failed and Missing: no task will run for this backup any more. */
  public boolean terminal() {
    return PHASE_COMPLETED.equals(phase)
        || PHASE_FAILED.equals(phase)
        || PHASE_MISSING.equals(phase);
  }
}
