package io.cloudpods.dashboard;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;

/**
 * One line of the pod list. The phase is the one the status summary counts: {@code Deleting} once
 * the pod is marked for deletion, {@code Pending} before the controller wrote any status.
 *
 * @param ready the Ready condition's status ({@code True}, {@code False}, {@code Unknown})
 */
public record PodRow(
    String tenant,
    String name,
    String phase,
    String ready,
    String reason,
    String message,
    Integer vmid,
    String node,
    String ip) {

  public static PodRow of(CloudPod pod) {
    CloudPodStatus s = pod.status();
    String phase =
        pod.metadata().deletionTimestamp() != null
            ? CloudPodStatus.PHASE_DELETING
            : s == null || s.phase() == null ? CloudPodStatus.PHASE_PENDING : s.phase();
    Condition ready =
        s == null ? null : Conditions.find(s.conditions(), CloudPodConditions.READY).orElse(null);
    return new PodRow(
        pod.metadata().tenant(),
        pod.metadata().name(),
        phase,
        ready == null ? Conditions.UNKNOWN : ready.status(),
        ready == null ? null : ready.reason(),
        ready == null ? null : ready.message(),
        s != null && s.vmid() != null ? s.vmid() : pod.spec().vmid(),
        s != null && s.node() != null ? s.node() : pod.spec().node(),
        s != null && s.ip() != null ? s.ip() : pod.spec().ip());
  }
}
