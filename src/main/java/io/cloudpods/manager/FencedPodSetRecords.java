package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.PodSetStatus;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.store.OwnedPods;
import io.cloudpods.store.PodSetWriter;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.Written;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the PodSet controller writes (a PodSet's status and removal, the pods it creates, updates
 * and marks for deletion), written only in the transaction that proves this replica holds the lease
 * of {@code default}, whose holder runs the PodSets; refused otherwise ({@link
 * io.cloudpods.proxmox.FencedException}, nothing stored). Reads are not fenced.
 */
final class FencedPodSetRecords implements PodSetWriter, OwnedPods {

  private final PodSetWriter sets;
  private final OwnedPods pods;
  private final ClusterLease lease;

  FencedPodSetRecords(PodSetWriter sets, OwnedPods pods, ClusterLease lease) {
    this.sets = sets;
    this.pods = pods;
    this.lease = lease;
  }

  @Override
  public boolean updateStatus(ResourceKey key, PodSetStatus status) {
    return lease.proven("status write of PodSet " + key, () -> sets.updateStatus(key, status));
  }

  @Override
  public boolean finalizeDeletion(ResourceKey key) {
    return lease.proven("removal of deleted PodSet " + key, () -> sets.finalizeDeletion(key));
  }

  @Override
  public List<OwnedPod> ownedSummary(UUID podSetUid) {
    return pods.ownedSummary(podSetUid);
  }

  @Override
  public Written<CloudPod> upsertOwned(
      ResourceKey podSet,
      UUID podSetUid,
      int ordinal,
      CloudPodSpec spec,
      Map<String, String> labels) {
    return lease.proven(
        "write of pod " + ordinal + " of PodSet " + podSet,
        () -> pods.upsertOwned(podSet, podSetUid, ordinal, spec, labels));
  }

  @Override
  public Optional<CloudPod> markDeleted(ResourceKey key) {
    return lease.proven("deletion of CloudPod " + key, () -> pods.markDeleted(key));
  }
}
