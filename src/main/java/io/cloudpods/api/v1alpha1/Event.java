package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One entry of the event stream ({@code GET /api/v1/events}), in the shape of the seed scripts'
 * JSON log lines ({@code ts}, {@code level}, {@code message}, {@code vmid}, {@code hostname},
 * {@code ip}) plus the object it concerns.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
    long id,
    Instant ts,
    String level,
    String reason,
    String message,
    String kind,
    String tenant,
    String name,
    Integer vmid,
    String hostname,
    String ip,
    Map<String, Object> extra) {}
