package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import java.util.Optional;

/**
 * What a CloudPod reconcile reads and writes of its pod's row: the pod as stored, its status (the
 * reconciler's only write to it) and, once the container is gone, the removal of a deleted pod.
 * {@link CloudPodStore} in production.
 */
public interface CloudPodRecords {

  Optional<CloudPod> get(ResourceKey key);

  /** Replaces the status only; false if the pod does not exist (any more). */
  boolean updateStatus(ResourceKey key, CloudPodStatus status);

  /** Removes a pod marked for deletion; false if it is absent or not marked. */
  boolean finalizeDeletion(ResourceKey key);
}
