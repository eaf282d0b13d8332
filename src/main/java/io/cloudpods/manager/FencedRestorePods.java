package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.restore.RestoreReconciler;
import io.cloudpods.store.ResourceKey;
import java.util.Optional;

/**
 * The pod a Restore creates (restore as a new pod), stored only in the transaction that proves this
 * replica holds the cluster's lease; refused otherwise ({@link
 * io.cloudpods.proxmox.FencedException}, nothing stored).
 */
final class FencedRestorePods implements RestoreReconciler.PodWriter {

  private final RestoreReconciler.PodWriter pods;
  private final ClusterLease lease;

  FencedRestorePods(RestoreReconciler.PodWriter pods, ClusterLease lease) {
    this.pods = pods;
    this.lease = lease;
  }

  @Override
  public Optional<CloudPod> get(ResourceKey key) {
    return pods.get(key);
  }

  @Override
  public void create(CloudPod pod) {
    lease.proveThen(
        "creation of CloudPod " + pod.metadata().tenant() + "/" + pod.metadata().name(),
        () -> pods.create(pod));
  }
}
