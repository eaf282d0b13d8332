package io.cloudpods.dashboard;

import io.cloudpods.store.ControllerState;
import java.net.URI;
import java.time.Instant;

/**
 * One Proxmox cluster on the overview: whether the controller reached it at its last look, and when
 * that was. Today's single-cluster install has one, {@code default}; each configured cluster is a
 * row of its own.
 *
 * @param reachable {@code yes}, {@code no}, or {@code unknown} before the controller looked
 * @param lastContact when the controller last checked it (null before then)
 */
public record ClusterRow(
    String name,
    String region,
    String endpoint,
    String reachable,
    Instant lastContact,
    String message) {

  public static final String DEFAULT = "default";

  /** The row of the single configured cluster, from what the controller last recorded. */
  public static ClusterRow of(String name, String region, String url, ControllerState state) {
    Boolean up = state == null ? null : state.proxmoxReachable();
    return new ClusterRow(
        name,
        region,
        endpoint(url),
        up == null ? "unknown" : up ? "yes" : "no",
        state == null ? null : state.proxmoxCheckedAt(),
        state == null ? null : state.message());
  }

  /** Scheme, host and port of the API address: nothing else of it (no path, no user info). */
  static String endpoint(String url) {
    try {
      URI u = URI.create(url);
      if (u.getHost() == null) {
        return "";
      }
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
