package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * Written only by the controller, through {@code CloudPodStore.updateStatus}.
 *
 * @param cluster the Proxmox cluster the pod lives in ({@code default}: the configured one)
 * @param region that cluster's region
 * @param zone the zone of the pod's node, when the cluster has zones and the node is in one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudPodStatus(
    String phase,
    Integer vmid,
    String node,
    String ip,
    Long observedGeneration,
    List<Condition> conditions,
    String taskRef,
    Instant retryAfter,
    Integer attempts,
    String message,
    String cluster,
    String region,
    String zone) {

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_DELETING = "Deleting";

  /** A status without placement fields. */
  public CloudPodStatus(
      String phase,
      Integer vmid,
      String node,
      String ip,
      Long observedGeneration,
      List<Condition> conditions,
      String taskRef,
      Instant retryAfter,
      Integer attempts,
      String message) {
    this(
        phase,
        vmid,
        node,
        ip,
        observedGeneration,
        conditions,
        taskRef,
        retryAfter,
        attempts,
        message,
        null,
        null,
        null);
  }

  public CloudPodStatus withPhase(String p) {
    return new CloudPodStatus(
        p,
        vmid,
        node,
        ip,
        observedGeneration,
        conditions,
        taskRef,
        retryAfter,
        attempts,
        message,
        cluster,
        region,
        zone);
  }
}
