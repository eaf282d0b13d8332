package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What a PodSet does with its pods; {@link CloudPodStore} in production. */
public interface OwnedPods {

  /**
   * What a PodSet needs to know about one of its pods; {@code ready}: Ready is True for its
   * generation.
   */
  record OwnedPod(String name, boolean deleting, long generation, boolean ready) {}

  /** The pods owned by the PodSet with this uid, by name. */
  List<OwnedPod> ownedSummary(UUID podSetUid);

  /**
   * Creates or updates the pod {@code <podset>-<ordinal>}, owned by the PodSet. Its generation
   * rises only if its spec changed.
   *
   * @throws StoreConflictException if a pod of that name exists that the PodSet does not own, or
   *     the pod is marked for deletion
   */
  Written<CloudPod> upsertOwned(
      ResourceKey podSet,
      UUID podSetUid,
      int ordinal,
      CloudPodSpec spec,
      Map<String, String> labels);

  /** Marks the pod for deletion (once; a second mark keeps the first timestamp). */
  Optional<CloudPod> markDeleted(ResourceKey key);
}
