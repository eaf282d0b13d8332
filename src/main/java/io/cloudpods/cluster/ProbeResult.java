package io.cloudpods.cluster;

import io.cloudpods.api.v1alpha1.ProxmoxClusterStatus;
import java.util.List;

/** What one probe of a cluster found. */
public sealed interface ProbeResult {

  /** The cluster answered: its version and nodes. */
  record Answered(String version, List<ProxmoxClusterStatus.Node> nodes) implements ProbeResult {
    public Answered {
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * The cluster could not be used: {@code reason} is the {@code Reachable} condition's reason
   * ({@code Unreachable}, {@code AuthenticationFailed}, {@code PermissionDenied}, {@code
   * TlsFailed}, {@code SecretUnavailable}, {@code InvalidSettings}, {@code ProbeFailed}).
   */
  record Failed(String reason, String message) implements ProbeResult {}
}
