package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Something the controller or the API server did or saw, about one object: the one shape of an
 * event, from the moment it is recorded to the event stream ({@code GET /api/v1/events}) and the
 * JSON log file. It follows the seed scripts' JSON log lines ({@code ts}, {@code level}, {@code
 * message}, {@code vmid}, {@code hostname}, {@code ip}) plus the object it concerns. An event not
 * stored yet has {@code id} 0 and no {@code ts}; the store assigns both.
 *
 * @param level {@code info}, {@code warn} or {@code error}
 * @param reason CamelCase, e.g. {@code Cloning}
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
    Map<String, Object> extra) {

  public static final String INFO = "info";
  public static final String WARN = "warn";
  public static final String ERROR = "error";

  /** A new event about {@code kind} {@code tenant/name} (tenant and name may be null). */
  public static Event of(
      String level, String reason, String message, String kind, String tenant, String name) {
    return new Event(0, null, level, reason, message, kind, tenant, name, null, null, null, null);
  }

  public static Event info(String reason, String message, String kind, String tenant, String name) {
    return of(INFO, reason, message, kind, tenant, name);
  }

  /** The same event with the seed log's container fields. */
  public Event about(Integer vmid, String hostname, String ip) {
    return new Event(id, ts, level, reason, message, kind, tenant, name, vmid, hostname, ip, extra);
  }
}
