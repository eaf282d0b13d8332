package io.cloudpods.cloudpod.placement;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Chooses the node for a new pod: among online nodes that have the template and room for the pod
 * (memory and storage), the one with the fewest pods of the same PodSet (spread), then the most
 * free memory (headroom), then by name so the choice is stable.
 */
public final class Placement {

  private Placement() {}

  /** The outcome: a node, or why none fits. */
  public record Decision(Optional<String> node, String reason) {}

  public static Decision choose(List<NodeCandidate> nodes, long memoryBytes, long diskBytes) {
    List<NodeCandidate> fitting =
        nodes.stream()
            .filter(NodeCandidate::online)
            .filter(n -> n.templateVmid().isPresent())
            .filter(n -> n.memFreeBytes() >= memoryBytes)
            .filter(n -> n.storageFreeBytes() >= diskBytes)
            .collect(Collectors.toList());
    if (fitting.isEmpty()) {
      return new Decision(Optional.empty(), whyNone(nodes, memoryBytes, diskBytes));
    }
    NodeCandidate best =
        fitting.stream()
            .min(
                Comparator.comparingInt(NodeCandidate::podsOfSet)
                    .thenComparing(Comparator.comparingLong(NodeCandidate::memFreeBytes).reversed())
                    .thenComparing(NodeCandidate::node))
            .orElseThrow();
    return new Decision(Optional.of(best.node()), "most headroom");
  }

  private static String whyNone(List<NodeCandidate> nodes, long memoryBytes, long diskBytes) {
    if (nodes.isEmpty()) {
      return "Proxmox reports no nodes";
    }
    StringBuilder b = new StringBuilder("no node fits:");
    for (NodeCandidate n : nodes) {
      b.append(' ').append(n.node()).append(" (");
      if (!n.online()) {
        b.append("offline");
      } else if (n.templateVmid().isEmpty()) {
        b.append("no template");
      } else if (n.memFreeBytes() < memoryBytes) {
        b.append("memory: ")
            .append(mib(n.memFreeBytes()))
            .append(" MiB free, ")
            .append(mib(memoryBytes))
            .append(" MiB needed");
      } else {
        b.append("storage: ")
            .append(gib(n.storageFreeBytes()))
            .append(" GiB free, ")
            .append(gib(diskBytes))
            .append(" GiB needed");
      }
      b.append(')');
    }
    return b.toString();
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  private static long gib(long bytes) {
    return bytes / (1024L * 1024 * 1024);
  }
}
