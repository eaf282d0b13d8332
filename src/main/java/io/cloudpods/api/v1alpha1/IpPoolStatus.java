package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Address counts; computed by the server from the allocations when read. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpPoolStatus(
    Integer size,
    Integer allocated,
    Integer reserved,
    Integer free,
    Long observedGeneration,
    List<Condition> conditions) {}
