package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** Written only by the controller, through {@code CloudPodStore.updateStatus}. */
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
    String message) {

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_DELETING = "Deleting";

  public CloudPodStatus withPhase(String p) {
    return new CloudPodStatus(
        p, vmid, node, ip, observedGeneration, conditions, taskRef, retryAfter, attempts, message);
  }
}
