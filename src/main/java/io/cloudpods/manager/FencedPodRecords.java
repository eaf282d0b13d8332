package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.store.CloudPodRecords;
import io.cloudpods.store.ResourceKey;
import java.util.Optional;

/**
 * The pod rows of one cluster's work: a pass writes its pod's status, and removes a deleted pod,
 * only in the transaction that proves this replica still holds the cluster's lease. A replica that
 * wakes from a pause after its lease moved on cannot overwrite what the new holder wrote; the write
 * is refused ({@link io.cloudpods.proxmox.FencedException}, nothing stored), as if the replica had
 * stopped just before it, which the next holder's pass recovers from like any crash.
 */
final class FencedPodRecords implements CloudPodRecords {

  private final CloudPodRecords pods;
  private final ClusterLease lease;

  FencedPodRecords(CloudPodRecords pods, ClusterLease lease) {
    this.pods = pods;
    this.lease = lease;
  }

  @Override
  public Optional<CloudPod> get(ResourceKey key) {
    return pods.get(key);
  }

  @Override
  public boolean updateStatus(ResourceKey key, CloudPodStatus status) {
    return lease.proven("status write of CloudPod " + key, () -> pods.updateStatus(key, status));
  }

  @Override
  public boolean finalizeDeletion(ResourceKey key) {
    return lease.proven("removal of deleted CloudPod " + key, () -> pods.finalizeDeletion(key));
  }
}
