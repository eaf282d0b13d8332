package io.cloudpods.backup.run;

import io.cloudpods.store.ResourceKey;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The vzdump slots of each node: Proxmox runs one vzdump job per node at a time (a second one waits
 * on {@code /var/run/vzdump.lock}), so the controller starts at most {@code perNode} per node and
 * keeps the others Pending. A Backup holds its node's slot from the persisted intent until its task
 * has finished; the Backups that found the node full are woken, oldest first, when a slot is
 * released.
 */
public final class NodeSlots {

  private final int perNode;
  private final Consumer<ResourceKey> wake;
  private final Map<String, Set<ResourceKey>> holders = new HashMap<>();
  private final Map<String, Set<ResourceKey>> waiting = new HashMap<>();

  public NodeSlots(int perNode, Consumer<ResourceKey> wake) {
    if (perNode < 1) {
      throw new IllegalArgumentException("cloudpods.backups.per-node: must be 1 or more");
    }
    this.perNode = perNode;
    this.wake = wake;
  }

  /**
   * Takes a slot of {@code node} for {@code key} (true also if it holds one already); false, and
   * {@code key} is woken on the next release, if the node is full.
   */
  public synchronized boolean tryAcquire(String node, ResourceKey key) {
    Set<ResourceKey> h = holders.computeIfAbsent(node, n -> new LinkedHashSet<>());
    if (h.contains(key)) {
      return true;
    }
    if (h.size() >= perNode) {
      waiting.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(key);
      return false;
    }
    h.add(key);
    Set<ResourceKey> w = waiting.get(node);
    if (w != null) {
      w.remove(key);
    }
    return true;
  }

  /**
   * Records that {@code key} holds a slot of {@code node} whatever the count (a vzdump found
   * running, say after a restart of the controller).
   */
  public synchronized void hold(String node, ResourceKey key) {
    holders.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(key);
  }

  /** Gives back {@code key}'s slot, if it held one, and wakes the node's waiting Backups. */
  public void release(ResourceKey key) {
    List<ResourceKey> toWake;
    synchronized (this) {
      Optional<String> node =
          holders.entrySet().stream()
              .filter(e -> e.getValue().remove(key))
              .map(Map.Entry::getKey)
              .findFirst();
      if (node.isEmpty()) {
        return;
      }
      Set<ResourceKey> w = waiting.remove(node.get());
      toWake = w == null ? List.of() : List.copyOf(w);
    }
    toWake.forEach(wake);
  }

  /** Who holds {@code node}'s slots now, for the waiting message. */
  public synchronized List<ResourceKey> holders(String node) {
    return List.copyOf(holders.getOrDefault(node, Set.of()));
  }

  /** Backups running on {@code node} as the controller counts them. */
  public synchronized int running(String node) {
    return holders.getOrDefault(node, Set.of()).size();
  }
}
