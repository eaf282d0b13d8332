package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.store.BackupPolicyRecords;
import io.cloudpods.store.ResourceKey;
import java.util.List;
import java.util.Optional;

/**
 * The BackupPolicy rows the controller writes (their status), written only in the transaction that
 * proves this replica holds the lease of the cluster whose controller runs the policies ({@code
 * default}); refused otherwise ({@link io.cloudpods.proxmox.FencedException}, nothing stored).
 */
final class FencedBackupPolicyRecords implements BackupPolicyRecords {

  private final BackupPolicyRecords policies;
  private final ClusterLease lease;

  FencedBackupPolicyRecords(BackupPolicyRecords policies, ClusterLease lease) {
    this.policies = policies;
    this.lease = lease;
  }

  @Override
  public Optional<BackupPolicy> get(ResourceKey key) {
    return policies.get(key);
  }

  @Override
  public List<BackupPolicy> list(String tenant) {
    return policies.list(tenant);
  }

  @Override
  public boolean updateStatus(ResourceKey key, BackupPolicyStatus status) {
    return lease.proven(
        "status write of BackupPolicy " + key, () -> policies.updateStatus(key, status));
  }

  @Override
  public boolean updateStatus(
      ResourceKey key, BackupPolicyStatus status, String expectedResourceVersion) {
    return lease.proven(
        "status write of BackupPolicy " + key,
        () -> policies.updateStatus(key, status, expectedResourceVersion));
  }

  @Override
  public List<ResourceKey> listKeys() {
    return policies.listKeys();
  }
}
