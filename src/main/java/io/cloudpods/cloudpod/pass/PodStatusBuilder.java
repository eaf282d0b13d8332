package io.cloudpods.cloudpod.pass;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.CONFIG_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.POWER_STATE_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.PROVISIONED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.READY;
import static io.cloudpods.api.v1alpha1.Conditions.FALSE;
import static io.cloudpods.api.v1alpha1.Conditions.TRUE;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Accumulates a pod's status during one reconcile. The {@code Ready} summary is derived from the
 * three detail conditions when the status is built, so it can never disagree with them.
 */
public final class PodStatusBuilder {

  private final CloudPodStatus before;
  private final long generation;
  private final Instant now;
  private String phase;
  private Integer vmid;
  private String node;
  private String ip;
  private List<Condition> conditions;
  private String taskRef;
  private Instant retryAfter;
  private Integer attempts;
  private String message;
  private String readyReason;
  private String readyMessage;
  private String cluster;
  private String region;
  private String zone;

  public PodStatusBuilder(CloudPodStatus before, long generation, Instant now) {
    this.before = before;
    this.generation = generation;
    this.now = now;
    CloudPodStatus b = before == null ? emptyStatus() : before;
    this.phase = b.phase() == null ? CloudPodConditions.PHASE_PENDING : b.phase();
    this.vmid = b.vmid();
    this.node = b.node();
    this.ip = b.ip();
    this.conditions = b.conditions() == null ? List.of() : b.conditions();
    this.taskRef = b.taskRef();
    this.retryAfter = b.retryAfter();
    this.attempts = b.attempts();
    this.message = b.message();
    this.cluster = b.cluster();
    this.region = b.region();
    this.zone = b.zone();
  }

  /** Where the pod lives: its cluster, that cluster's region and the zone of its node. */
  public PodStatusBuilder placement(String clusterName, String regionName, String zoneName) {
    this.cluster = clusterName;
    this.region = regionName;
    this.zone = zoneName;
    return this;
  }

  private static CloudPodStatus emptyStatus() {
    return new CloudPodStatus(null, null, null, null, null, null, null, null, null, null);
  }

  public List<Condition> conditions() {
    return conditions;
  }

  public PodStatusBuilder phase(String p) {
    this.phase = p;
    return this;
  }

  public PodStatusBuilder allocation(Integer vmid, String node, String ip) {
    this.vmid = vmid;
    this.node = node;
    this.ip = ip;
    return this;
  }

  public PodStatusBuilder task(String upid) {
    this.taskRef = upid;
    return this;
  }

  public PodStatusBuilder condition(String type, boolean ok, String reason, String msg) {
    conditions = Conditions.set(conditions, type, ok ? TRUE : FALSE, reason, msg, generation, now);
    return this;
  }

  public PodStatusBuilder condition(String type, String status, String reason, String msg) {
    conditions = Conditions.set(conditions, type, status, reason, msg, generation, now);
    return this;
  }

  /** Records a failure that will be retried: the error stays visible until a pass succeeds. */
  public PodStatusBuilder failure(String reason, String msg, int attempt, Instant retryAt) {
    this.attempts = attempt;
    this.retryAfter = retryAt;
    this.message = msg;
    this.readyReason = reason;
    this.readyMessage = msg;
    return this;
  }

  /** Clears the failure bookkeeping after a pass that did not fail. */
  public PodStatusBuilder noFailure() {
    this.attempts = null;
    this.retryAfter = null;
    this.message = null;
    return this;
  }

  /** Overrides the reason of a not-ready summary (e.g. the step in progress). */
  public PodStatusBuilder summary(String reason, String msg) {
    this.readyReason = reason;
    this.readyMessage = msg;
    return this;
  }

  public CloudPodStatus build() {
    boolean ready =
        Conditions.isTrue(conditions, PROVISIONED)
            && Conditions.isTrue(conditions, CONFIG_SYNCED)
            && Conditions.isTrue(conditions, POWER_STATE_SYNCED)
            && readyReason == null;
    if (ready) {
      conditions =
          Conditions.set(
              conditions, READY, TRUE, CloudPodConditions.CONVERGED, "", generation, now);
    } else {
      String reason = readyReason;
      String msg = readyMessage;
      if (reason == null) {
        Condition firstFalse =
            List.of(PROVISIONED, CONFIG_SYNCED, POWER_STATE_SYNCED).stream()
                .map(t -> Conditions.find(conditions, t).orElse(null))
                .filter(c -> c != null && !TRUE.equals(c.status()))
                .findFirst()
                .orElse(null);
        reason = firstFalse == null ? CloudPodConditions.ALLOCATING : firstFalse.reason();
        msg = firstFalse == null ? "" : firstFalse.message();
      }
      conditions =
          Conditions.set(conditions, READY, FALSE, reason, msg == null ? "" : msg, generation, now);
    }
    return new CloudPodStatus(
        phase,
        vmid,
        node,
        ip,
        generation,
        conditions,
        taskRef,
        retryAfter,
        attempts,
        message,
        cluster,
        region,
        zone);
  }

  /** True when {@code built} differs from what was stored (so unchanged pods cost no write). */
  public boolean changed(CloudPodStatus built) {
    return !Objects.equals(before, built);
  }
}
