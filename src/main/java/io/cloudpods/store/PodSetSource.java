package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import java.util.Optional;

/** What the controller reads of PodSets; {@link PodSetStore} in production. */
public interface PodSetSource {

  /** Key, generation and deletion mark of one PodSet: what the periodic resync decides on. */
  record ResyncRow(ResourceKey key, long generation, boolean deleting) {}

  /** The PodSet as stored (spec defaulted), or empty once it is gone. */
  Optional<PodSet> get(ResourceKey key);

  /** The spec with its pod template defaulted. */
  PodSetSpec withDefaults(PodSetSpec spec);
}
