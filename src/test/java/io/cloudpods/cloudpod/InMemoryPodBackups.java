package io.cloudpods.cloudpod;

import io.cloudpods.cloudpod.backup.BackupView;
import io.cloudpods.cloudpod.backup.PodBackups;
import io.cloudpods.store.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backups and Restores in memory, moved through their phases by the test (as the Backup reconciler
 * would): {@link #run}, {@link #complete}, {@link #fail}.
 */
final class InMemoryPodBackups implements PodBackups {

  final Map<String, BackupView> backups = new ConcurrentHashMap<>();
  final List<String> requested = new ArrayList<>();
  final Set<ResourceKey> skip = ConcurrentHashMap.newKeySet();
  final Map<ResourceKey, String> inPlace = new ConcurrentHashMap<>();

  @Override
  public Optional<BackupView> find(String tenant, String name) {
    return Optional.ofNullable(backups.get(name));
  }

  @Override
  public synchronized void requestFinal(ResourceKey pod, UUID podUid, String backupName) {
    requested.add(backupName);
    backups.putIfAbsent(
        backupName,
        new BackupView(
            backupName, pod.name(), "Pending", null, null, "vzdump-backups", false, null, false));
  }

  @Override
  public boolean skipsFinalBackup(ResourceKey pod) {
    return skip.contains(pod);
  }

  @Override
  public Optional<String> restoringInPlace(ResourceKey pod) {
    return Optional.ofNullable(inPlace.get(pod));
  }

  void run(String name) {
    backups.computeIfPresent(name, (k, b) -> with(b, "Running", null, null, false));
  }

  void complete(String name, String volid) {
    backups.computeIfPresent(name, (k, b) -> with(b, "Completed", volid, null, false));
  }

  void fail(String name, String message) {
    backups.computeIfPresent(name, (k, b) -> with(b, "Failed", null, message, false));
  }

  /** A Completed backup of {@code pod} on node {@code node}'s local storage. */
  void completed(String name, String pod, String node, String volid) {
    backups.put(
        name,
        new BackupView(name, pod, "Completed", volid, node, "vzdump-backups", false, "", false));
  }

  private static BackupView with(
      BackupView b, String phase, String volid, String message, boolean missing) {
    return new BackupView(
        b.name(), b.pod(), phase, volid, "pve", b.storage(), b.storageShared(), message, missing);
  }
}
