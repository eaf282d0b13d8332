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

  /** The row of an added ProxmoxCluster, from its last probe. */
  public static ClusterRow of(io.cloudpods.api.v1alpha1.ProxmoxCluster c) {
    var st = c.status();
    var reachable =
        st == null
            ? java.util.Optional.<io.cloudpods.api.v1alpha1.Condition>empty()
            : io.cloudpods.api.v1alpha1.Conditions.find(
                st.conditions(), io.cloudpods.api.v1alpha1.ProxmoxClusterStatus.REACHABLE);
    return new ClusterRow(
        c.metadata().name(),
        c.spec().region(),
        endpoint(c.spec().url()),
        reachable.map(r -> "True".equals(r.status()) ? "yes" : "no").orElse("unknown"),
        st == null ? null : st.lastProbe(),
        reachable.filter(r -> !"True".equals(r.status())).map(r -> r.message()).orElse(null));
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
