package io.cloudpods.proxmox;

import java.util.Set;

/**
 * {@code GET /nodes/{node}/storage}: a storage's status on a node. Sizes in bytes; 0 when inactive.
 */
public record NodeStorage(
    String storage,
    String type,
    Set<String> content,
    boolean enabled,
    boolean active,
    boolean shared,
    long total,
    long used,
    long avail) {

  public NodeStorage {
    content = Set.copyOf(content);
  }
}
