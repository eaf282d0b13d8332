package io.cloudpods.backup.run;

import io.cloudpods.backup.BackupNotes;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.StorageContent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backup archives of each node's storage, read with {@code storageContent(node, storage,
 * backup)} and kept for a short while, so that the periodic check of every completed Backup costs
 * one Proxmox call per storage, not one per Backup. A write of ours (a backup completed, a prune, a
 * deletion) forgets the storage's list.
 */
public final class ArchiveIndex {

  private record Key(String node, String storage) {}

  private record Entry(Instant read, List<StorageContent> content) {}

  private final ProxmoxClient client;
  private final Clock clock;
  private final Duration ttl;
  private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

  public ArchiveIndex(ProxmoxClient client, Clock clock, Duration ttl) {
    this.client = client;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** The backup volumes on {@code storage} as seen from {@code node}. */
  public List<StorageContent> content(String node, String storage) {
    Key k = new Key(node, storage);
    Entry e = cache.get(k);
    Instant now = clock.instant();
    if (e == null || Duration.between(e.read(), now).compareTo(ttl) >= 0) {
      List<StorageContent> c =
          client.storageContent(node, storage, Optional.of("backup"), Optional.empty());
      e = new Entry(now, List.copyOf(c));
      cache.put(k, e);
    }
    return e.content();
  }

  /** The archive {@code volid}, if the storage holds it. */
  public Optional<StorageContent> find(String node, String storage, String volid) {
    return content(node, storage).stream().filter(c -> volid.equals(c.volid())).findFirst();
  }

  /** The archive {@code volid}, read afresh (it was just written). */
  public Optional<StorageContent> findFresh(String node, String storage, String volid) {
    forget(node, storage);
    return find(node, storage, volid);
  }

  /**
   * The archive whose notes name Backup {@code backup} for guest {@code vmid}, read afresh (the
   * task log did not say, or the task id was lost).
   */
  public Optional<StorageContent> findByNotes(
      String node, String storage, int vmid, String backup) {
    forget(node, storage);
    return content(node, storage).stream()
        .filter(c -> c.vmid().isPresent() && c.vmid().getAsInt() == vmid)
        .filter(
            c -> BackupNotes.backupOf(c.notes().orElse(null)).filter(backup::equals).isPresent())
        .max(java.util.Comparator.comparingLong(StorageContent::ctime));
  }

  public void forget(String node, String storage) {
    cache.remove(new Key(node, storage));
  }
}
