package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.store.BackupRecords;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.Written;
import java.util.List;
import java.util.Optional;

/**
 * The Backup rows of one cluster's work: a Backup the controller creates (scheduled, final, before
 * a restore), its status, its deletion mark and its removal are written only in the transaction
 * that proves this replica holds the cluster's lease. A replica woken from a pause after its lease
 * moved on is refused ({@link io.cloudpods.proxmox.FencedException}, nothing stored) instead of
 * overwriting what the new holder wrote. Reads are not fenced.
 */
final class FencedBackupRecords implements BackupRecords {

  private final BackupRecords backups;
  private final ClusterLease lease;

  FencedBackupRecords(BackupRecords backups, ClusterLease lease) {
    this.backups = backups;
    this.lease = lease;
  }

  @Override
  public Optional<Backup> get(ResourceKey key) {
    return backups.get(key);
  }

  @Override
  public List<Backup> list(String tenant) {
    return backups.list(tenant);
  }

  @Override
  public List<Backup> listByPod(String tenant, String pod) {
    return backups.listByPod(tenant, pod);
  }

  @Override
  public List<Backup> listByPolicy(String tenant, String policy) {
    return backups.listByPolicy(tenant, policy);
  }

  @Override
  public List<Backup> listActive() {
    return backups.listActive();
  }

  @Override
  public Written<Backup> create(Backup backup) {
    return lease.proven(
        "creation of Backup " + backup.metadata().tenant() + "/" + backup.metadata().name(),
        () -> backups.create(backup));
  }

  @Override
  public boolean updateStatus(ResourceKey key, BackupStatus status) {
    return lease.proven("status write of Backup " + key, () -> backups.updateStatus(key, status));
  }

  @Override
  public boolean updateStatus(
      ResourceKey key, BackupStatus status, String expectedResourceVersion) {
    return lease.proven(
        "status write of Backup " + key,
        () -> backups.updateStatus(key, status, expectedResourceVersion));
  }

  @Override
  public Optional<Backup> markDeleted(ResourceKey key) {
    return lease.proven("deletion of Backup " + key, () -> backups.markDeleted(key));
  }

  @Override
  public boolean finalizeDeletion(ResourceKey key) {
    return lease.proven("removal of deleted Backup " + key, () -> backups.finalizeDeletion(key));
  }

  @Override
  public List<ResourceKey> listKeys() {
    return backups.listKeys();
  }
}
