package io.cloudpods.cloudpod.backup;

import io.cloudpods.proxmox.StorageConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Which storages every node can read ({@code shared} in {@code GET /storage}), read at most once
 * per {@code ttl}. A storage the list does not name, or a list that cannot be read, counts as not
 * shared: the pod is then placed on the backup's node, which can always read it.
 */
public final class SharedStorages implements Predicate<String> {

  private final Supplier<List<StorageConfig>> read;
  private final Clock clock;
  private final Duration ttl;
  private Map<String, Boolean> shared = Map.of();
  private Instant readAt = Instant.MIN;

  public SharedStorages(Supplier<List<StorageConfig>> read, Clock clock, Duration ttl) {
    this.read = read;
    this.clock = clock;
    this.ttl = ttl;
  }

  @Override
  public synchronized boolean test(String storage) {
    Instant now = clock.instant();
    if (readAt.plus(ttl).isBefore(now)) {
      try {
        shared =
            read.get().stream()
                .collect(
                    Collectors.toMap(StorageConfig::storage, StorageConfig::shared, (a, b) -> a));
      } catch (RuntimeException e) {
        shared = Map.of(); // unreadable: the backup's own node is the safe choice
      }
      readAt = now;
    }
    return Boolean.TRUE.equals(shared.get(storage));
  }
}
