package io.cloudpods.cloudpod.observe;

import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ClusterResource.Guest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One cluster-wide view of Proxmox, taken from a single {@code GET /cluster/resources}: every guest
 * by VMID, the nodes and their storages. Resyncs read observed state from here instead of asking
 * per pod, so a steady state with thousands of pods costs one request per cycle.
 *
 * <p>Names, power state and usage in this list lag real changes by up to the server's statistics
 * interval (10 s on a real cluster); locks, tags and pools are current.
 */
public final class ClusterSnapshot {

  private final Instant takenAt;
  private final Map<Integer, Guest> guests;
  private final Map<String, ClusterResource.Node> nodes;
  private final Map<String, List<ClusterResource.Storage>> storagesByNode;

  private ClusterSnapshot(
      Instant takenAt,
      Map<Integer, Guest> guests,
      Map<String, ClusterResource.Node> nodes,
      Map<String, List<ClusterResource.Storage>> storagesByNode) {
    this.takenAt = takenAt;
    this.guests = guests;
    this.nodes = nodes;
    this.storagesByNode = storagesByNode;
  }

  public static ClusterSnapshot of(Instant takenAt, List<ClusterResource> resources) {
    Map<Integer, Guest> guests = new HashMap<>();
    Map<String, ClusterResource.Node> nodes = new HashMap<>();
    Map<String, List<ClusterResource.Storage>> storages = new HashMap<>();
    for (ClusterResource r : resources) {
      if (r instanceof Guest g) {
        guests.put(g.vmid(), g);
      } else if (r instanceof ClusterResource.Node n) {
        nodes.put(n.node(), n);
      } else if (r instanceof ClusterResource.Storage s) {
        storages.computeIfAbsent(s.node(), k -> new ArrayList<>()).add(s);
      }
    }
    return new ClusterSnapshot(
        takenAt,
        Collections.unmodifiableMap(guests),
        Collections.unmodifiableMap(nodes),
        Collections.unmodifiableMap(storages));
  }

  public static ClusterSnapshot empty() {
    return new ClusterSnapshot(Instant.EPOCH, Map.of(), Map.of(), Map.of());
  }

  public Instant takenAt() {
    return takenAt;
  }

  public Optional<Guest> guest(int vmid) {
    return Optional.ofNullable(guests.get(vmid));
  }

  public Map<Integer, Guest> guests() {
    return guests;
  }

  public Map<String, ClusterResource.Node> nodes() {
    return nodes;
  }

  public List<ClusterResource.Storage> storages(String node) {
    return storagesByNode.getOrDefault(node, List.of());
  }

  public Optional<ClusterResource.Storage> storage(String node, String storage) {
    return storages(node).stream().filter(s -> s.storage().equals(storage)).findFirst();
  }
}
