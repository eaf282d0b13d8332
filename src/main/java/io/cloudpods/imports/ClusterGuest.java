package io.cloudpods.imports;

import java.util.Objects;
import java.util.Set;

/**
 * A guest of the cluster as the import sees it: the list entry and, for containers, the config keys
 * it compares. Nullable fields are unknown (a VM has no {@code net0}; a guest on no node has none).
 *
 * @param type {@code lxc} or {@code qemu}
 * @param node the node it is on, null when the cluster lists it on no node
 * @param diskGb the root disk's size in GiB, rounded up
 * @param status {@code running} or {@code stopped} as the cluster list shows it
 */
public record ClusterGuest(
    int vmid,
    String type,
    String node,
    boolean template,
    String pool,
    Set<String> tags,
    String hostname,
    String net0,
    Integer cores,
    Integer memoryMb,
    Integer swapMb,
    Integer diskGb,
    String digest,
    String status) {

  public ClusterGuest {
    Objects.requireNonNull(type, "type");
    tags = Set.copyOf(tags);
  }
}
