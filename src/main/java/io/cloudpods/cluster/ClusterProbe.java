package io.cloudpods.cluster;

import io.cloudpods.api.v1alpha1.ProxmoxClusterStatus;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ProxmoxAuthException;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxPermissionException;
import io.cloudpods.proxmox.ProxmoxTlsException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.proxmox.VersionInfo;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One probe: {@code GET /version}, then {@code GET /cluster/resources} for the nodes and their
 * storages. The nodes' free storage counts the storages that hold container volumes ({@code
 * rootdir} or {@code images}), a shared storage once per node it is visible on.
 */
public final class ClusterProbe {

  static final String UNREACHABLE = "Unreachable";
  static final String AUTH_FAILED = "AuthenticationFailed";
  static final String PERMISSION_DENIED = "PermissionDenied";
  static final String TLS_FAILED = "TlsFailed";
  static final String PROBE_FAILED = "ProbeFailed";

  private static final Set<String> VOLUME_CONTENT = Set.of("rootdir", "images");

  private ClusterProbe() {}

  public static ProbeResult probe(ProxmoxClient client) {
    try {
      VersionInfo v = client.version();
      List<ClusterResource> resources = client.clusterResources();
      return new ProbeResult.Answered(v.version(), nodes(resources));
    } catch (ProxmoxUnavailableException e) {
      return new ProbeResult.Failed(UNREACHABLE, e.getMessage());
    } catch (ProxmoxAuthException e) {
      return new ProbeResult.Failed(AUTH_FAILED, e.getMessage());
    } catch (ProxmoxPermissionException e) {
      return new ProbeResult.Failed(PERMISSION_DENIED, e.getMessage());
    } catch (ProxmoxTlsException e) {
      return new ProbeResult.Failed(TLS_FAILED, e.getMessage());
    } catch (ProxmoxException | IllegalStateException e) {
      return new ProbeResult.Failed(PROBE_FAILED, e.getMessage());
    }
  }

  static List<ProxmoxClusterStatus.Node> nodes(List<ClusterResource> resources) {
    Map<String, Long> free = new HashMap<>();
    for (ClusterResource r : resources) {
      if (r instanceof ClusterResource.Storage s
          && "available".equals(s.status())
          && s.content().stream().anyMatch(VOLUME_CONTENT::contains)) {
        free.merge(s.node(), Math.max(0, s.maxDisk() - s.disk()), Long::sum);
      }
    }
    return resources.stream()
        .filter(ClusterResource.Node.class::isInstance)
        .map(ClusterResource.Node.class::cast)
        .sorted(Comparator.comparing(ClusterResource.Node::node))
        .map(
            n ->
                new ProxmoxClusterStatus.Node(
                    n.node(),
                    "online".equals(n.status()),
                    n.maxMem(),
                    n.mem(),
                    free.getOrDefault(n.node(), 0L)))
        .toList();
  }
}
