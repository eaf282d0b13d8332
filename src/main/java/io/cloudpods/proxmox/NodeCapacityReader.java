package io.cloudpods.proxmox;

import java.util.List;

/** Per-node capacity figures, for placement and admission decisions. Implemented by every {@link ProxmoxClient}. */
public interface NodeCapacityReader {

  /** {@code GET /nodes/{node}/status}: CPU, memory, swap and root filesystem of the node. */
  NodeStatus nodeStatus(String node);

  /** {@code GET /nodes/{node}/storage}: storages enabled on the node with their usage. */
  List<NodeStorage> nodeStorages(String node);
}
