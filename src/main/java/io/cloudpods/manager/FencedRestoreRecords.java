package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.Restore;
import io.cloudpods.api.v1alpha1.RestoreStatus;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.RestoreRecords;
import java.util.List;
import java.util.Optional;

/**
 * The Restore rows of one cluster's work: their status and the removal of a deleted one are written
 * only in the transaction that proves this replica holds the cluster's lease; refused otherwise
 * ({@link io.cloudpods.proxmox.FencedException}, nothing stored).
 */
final class FencedRestoreRecords implements RestoreRecords {

  private final RestoreRecords restores;
  private final ClusterLease lease;

  FencedRestoreRecords(RestoreRecords restores, ClusterLease lease) {
    this.restores = restores;
    this.lease = lease;
  }

  @Override
  public Optional<Restore> get(ResourceKey key) {
    return restores.get(key);
  }

  @Override
  public List<Restore> list(String tenant) {
    return restores.list(tenant);
  }

  @Override
  public List<Restore> listActive() {
    return restores.listActive();
  }

  @Override
  public boolean updateStatus(ResourceKey key, RestoreStatus status) {
    return lease.proven("status write of Restore " + key, () -> restores.updateStatus(key, status));
  }

  @Override
  public boolean updateStatus(
      ResourceKey key, RestoreStatus status, String expectedResourceVersion) {
    return lease.proven(
        "status write of Restore " + key,
        () -> restores.updateStatus(key, status, expectedResourceVersion));
  }

  @Override
  public boolean finalizeDeletion(ResourceKey key) {
    return lease.proven("removal of deleted Restore " + key, () -> restores.finalizeDeletion(key));
  }

  @Override
  public List<ResourceKey> listKeys() {
    return restores.listKeys();
  }
}
