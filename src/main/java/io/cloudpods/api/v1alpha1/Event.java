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
 * <p>A stored event is a <em>series</em>: occurrences identical to it (same kind, tenant, name,
 * level, reason, message and vmid) within the series window are counted on the same row rather than
 * stored again, like Kubernetes' event series. {@code ts} and {@code firstSeen} are the first
 * occurrence, {@code lastSeen} the latest, {@code count} how many there were; each occurrence gives
 * the row a new {@code id}, so readers by id see it again.
 *
 * @param level {@code info}, {@code warn} or {@code error}
 * @param reason CamelCase, e.g. {@code Cloning}
 * @param count occurrences in the series (1 for a single event); null before it is stored
 * @param firstSeen the first occurrence (the same instant as {@code ts})
 * @param lastSeen the latest occurrence
 * @param actor who caused the event: {@code controller}, or the API token's name (null for events
 *     stored before actors were recorded)
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
    Map<String, Object> extra,
    Integer count,
    Instant firstSeen,
    Instant lastSeen,
    String actor) {

  public static final String INFO = "info";
  public static final String WARN = "warn";
  public static final String ERROR = "error";

  /** The actor of every event the controller records. */
  public static final String CONTROLLER = "controller";

  /** An event without series fields or actor (as built before it is stored). */
  public Event(
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
    this(
        id, ts, level, reason, message, kind, tenant, name, vmid, hostname, ip, extra, null, null,
        null, null);
  }

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
    return new Event(
        id, ts, level, reason, message, kind, tenant, name, vmid, hostname, ip, extra, count,
        firstSeen, lastSeen, actor);
  }

  /**
   * The same event with {@code extra} details: what varies between occurrences of one failure
   * (attempt numbers, delays) goes here, so that the message, and with it the series, stays the
   * same.
   */
  public Event withExtra(Map<String, Object> extra) {
    return new Event(
        id, ts, level, reason, message, kind, tenant, name, vmid, hostname, ip, extra, count,
        firstSeen, lastSeen, actor);
  }

  /** The same event caused by {@code actor} (a token name, or {@link #CONTROLLER}). */
  public Event by(String actor) {
    return new Event(
        id, ts, level, reason, message, kind, tenant, name, vmid, hostname, ip, extra, count,
        firstSeen, lastSeen, actor);
  }
}
