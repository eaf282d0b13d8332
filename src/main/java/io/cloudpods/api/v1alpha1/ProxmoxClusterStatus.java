package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What the last probe of the cluster found: the {@code Reachable} condition, when the cluster last
 * answered, the Proxmox version it reported and its nodes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProxmoxClusterStatus(
    List<Condition> conditions,
    Instant lastContact,
    Instant lastProbe,
    String version,
    List<Node> nodes,
    Long observedGeneration) {

  /** One node as {@code /nodes} reports it, with the free space of its storages. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Node(
      String name, boolean online, Long memoryBytes, Long memoryUsedBytes, Long storageFreeBytes) {}

  public static final String REACHABLE = "Reachable";
}
