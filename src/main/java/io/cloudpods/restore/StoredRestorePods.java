package io.cloudpods.restore;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ResourceKey;
import java.util.Optional;

/**
 * The CloudPods a Restore reads and creates, in the CloudPod store. The new pod's spec is the
 * backed-up pod's (already admitted once) with {@code restoreFrom} set and without its VMID and
 * address, so the normal allocation gives it fresh ones.
 */
public final class StoredRestorePods implements RestoreReconciler.PodWriter {

  private final CloudPodStore pods;

  public StoredRestorePods(CloudPodStore pods) {
    this.pods = pods;
  }

  @Override
  public Optional<CloudPod> get(ResourceKey key) {
    return pods.get(key);
  }

  @Override
  public void create(CloudPod pod) {
    pods.put(pod, null);
  }
}
