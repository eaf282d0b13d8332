package io.cloudpods.cloudpod.pass;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.store.CloudPodRecords;
import io.cloudpods.store.ResourceKey;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The status step: writes the status a pass built, only when it changed. Status writes send no
 * change notification, so a change of readiness or observed generation wakes the owning PodSet,
 * which counts ready pods.
 */
public final class StatusWriter {

  private final CloudPodRecords pods;
  private volatile Consumer<ResourceKey> ownerWake = k -> {};
  private volatile BiConsumer<UUID, Long> readyWritten = (uid, generation) -> {};

  public StatusWriter(CloudPodRecords pods) {
    this.pods = pods;
  }

  /** Called with the owning PodSet's key when a pod's readiness or observed generation changes. */
  public void wakeOwnersWith(Consumer<ResourceKey> wake) {
    this.ownerWake = wake;
  }

  /**
   * Called with a pod's uid and generation when {@code Ready=True} is written for that generation
   * (the convergence-time metric).
   */
  public void onReadyWritten(BiConsumer<UUID, Long> listener) {
    this.readyWritten = listener;
  }

  public void save(Pass p) {
    CloudPodStatus built = p.status.build();
    if (!p.status.changed(built)) {
      return;
    }
    pods.updateStatus(p.key, built);
    CloudPodStatus before = p.pod.status();
    boolean readyBefore =
        before != null && Conditions.isTrue(before.conditions(), CloudPodConditions.READY);
    boolean readyNow = Conditions.isTrue(built.conditions(), CloudPodConditions.READY);
    if (readyBefore != readyNow
        || !Objects.equals(
            before == null ? null : before.observedGeneration(), built.observedGeneration())) {
      p.ownerPodSet().ifPresent(set -> ownerWake.accept(ResourceKey.of(p.key.tenant(), set)));
      if (readyNow && Objects.equals(built.observedGeneration(), p.generation)) {
        readyWritten.accept(p.uid, p.generation);
      }
    }
  }
}
