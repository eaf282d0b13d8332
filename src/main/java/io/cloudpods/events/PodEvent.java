package io.cloudpods.events;

/**
 * Something the controller did or saw, about one object.
 *
 * @param level {@code info}, {@code warn} or {@code error}
 * @param reason CamelCase, e.g. {@code Cloning}
 */
public record PodEvent(
    String level,
    String reason,
    String message,
    String kind,
    String tenant,
    String name,
    Integer vmid,
    String hostname,
    String ip) {

  public static PodEvent info(String reason, String message, String kind, String tenant, String name) {
    return new PodEvent("info", reason, message, kind, tenant, name, null, null, null);
  }

  public PodEvent with(Integer vmid, String hostname, String ip) {
    return new PodEvent(level, reason, message, kind, tenant, name, vmid, hostname, ip);
  }

  public PodEvent level(String newLevel) {
    return new PodEvent(newLevel, reason, message, kind, tenant, name, vmid, hostname, ip);
  }
}
