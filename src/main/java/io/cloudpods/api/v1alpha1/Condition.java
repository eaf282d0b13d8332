package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A status condition with apimachinery semantics: {@code lastTransitionTime} changes only when
 * {@code status} flips between {@code True}, {@code False} and {@code Unknown}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
    String type,
    String status,
    String reason,
    String message,
    Instant lastTransitionTime,
    Long observedGeneration) {}
