package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Written only by the controller, through {@code PodSetStore.updateStatus}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodSetStatus(
    Integer replicas, Integer readyReplicas, Long observedGeneration, List<Condition> conditions) {}
