package io.cloudpods.backup.run;

import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import java.time.Instant;
import java.util.List;

/** A Backup status being changed by one reconcile step, field by field. */
final class BackupStatusBuilder {
  String phase;
  String volid;
  Long sizeBytes;
  String node;
  Integer vmid;
  String podUid;
  Instant startTime;
  Instant completionTime;
  String taskRef;
  Integer attempts;
  Instant retryAfter;
  String message;
  String effectiveMode;
  Instant expiresAt;
  CloudPodSpec podSpec;
  Long observedGeneration;
  List<Condition> conditions;
  String cluster;

  static BackupStatusBuilder from(BackupStatus s) {
    BackupStatusBuilder b = new BackupStatusBuilder();
    BackupStatus x = s == null ? BackupStatus.pending() : s;
    b.phase = x.phase() == null ? BackupStatus.PHASE_PENDING : x.phase();
    b.volid = x.volid();
    b.sizeBytes = x.sizeBytes();
    b.node = x.node();
    b.vmid = x.vmid();
    b.podUid = x.podUid();
    b.startTime = x.startTime();
    b.completionTime = x.completionTime();
    b.taskRef = x.taskRef();
    b.attempts = x.attempts();
    b.retryAfter = x.retryAfter();
    b.message = x.message();
    b.effectiveMode = x.effectiveMode();
    b.expiresAt = x.expiresAt();
    b.podSpec = x.podSpec();
    b.observedGeneration = x.observedGeneration();
    b.conditions = x.conditions();
    b.cluster = x.cluster();
    return b;
  }

  int attempts() {
    return attempts == null ? 0 : attempts;
  }

  BackupStatusBuilder condition(
      String type, String status, String reason, String message, long generation, Instant now) {
    conditions = Conditions.set(conditions, type, status, reason, message, generation, now);
    return this;
  }

  BackupStatus build() {
    return new BackupStatus(
        phase,
        volid,
        sizeBytes,
        node,
        vmid,
        podUid,
        startTime,
        completionTime,
        taskRef,
        attempts,
        retryAfter,
        message,
        effectiveMode,
        expiresAt,
        podSpec,
        observedGeneration,
        conditions,
        cluster);
  }
}
