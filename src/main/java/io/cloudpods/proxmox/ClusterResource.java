package io.cloudpods.proxmox;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An entry of {@code GET /cluster/resources} (also used for pool members). Entry types the client
 * does not know are skipped when reading, so new server versions do not break callers.
 *
 * <p>Guest names, status, {@code template} and usage figures come from a cache the server refreshes
 * every 10 s: a guest created moments ago shows {@link PowerState#UNKNOWN} and no name. {@code
 * lock}, {@code tags} and {@code pool} are current.
 */
public sealed interface ClusterResource {

  /** The server's id, e.g. {@code lxc/9101}, {@code node/pve}, {@code storage/pve/local}. */
  String id();

  /** Guest kinds. */
  enum GuestType {
    LXC,
    QEMU
  }

  /** A container or VM. {@code name} is empty until the server's statistics cache has seen it. */
  record Guest(
      String id,
      GuestType type,
      int vmid,
      String node,
      PowerState status,
      Optional<String> name,
      boolean template,
      Optional<String> pool,
      Optional<String> lock,
      List<String> tags,
      double cpu,
      int maxCpu,
      long mem,
      long maxMem,
      long disk,
      long maxDisk,
      long uptime)
      implements ClusterResource {
    public Guest {
      tags = List.copyOf(tags);
    }
  }

  /** A cluster node. */
  record Node(
      String id,
      String node,
      String status,
      double cpu,
      int maxCpu,
      long mem,
      long maxMem,
      long disk,
      long maxDisk,
      long uptime)
      implements ClusterResource {}

  /** A storage as seen on one node (one entry per node where it is enabled). */
  record Storage(
      String id,
      String storage,
      String node,
      String pluginType,
      String status,
      boolean shared,
      Set<String> content,
      long disk,
      long maxDisk)
      implements ClusterResource {
    public Storage {
      content = Set.copyOf(content);
    }
  }

  /** A resource pool (only listed when no type filter is given). */
  record Pool(String id, String pool) implements ClusterResource {}

  /** An SDN zone/vnet entry. */
  record Sdn(String id, String sdn, String node, String status) implements ClusterResource {}
}
