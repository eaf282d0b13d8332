package io.cloudpods.cloudpod.gate;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import java.util.List;

/**
 * What a pod that found slots of the {@link ConcurrencyGate} full says it waits for: {@link
 * CloudPodConditions#WAITING_FOR_CLONE_SLOT} when the clone slot of its template is full (another
 * clone of it is running), {@link CloudPodConditions#WAITING_FOR_CAPACITY} when only a storage or
 * node slot is.
 *
 * @param reason the {@code Ready} condition's reason
 * @param message its message, naming the full slots
 */
public record SlotWait(String reason, String message) {

  /** The wait on {@code full}, the slots found full (at least one). */
  public static SlotWait on(List<String> full) {
    List<String> clone = full.stream().filter(ConcurrencyGate::isCloneSource).toList();
    List<String> others = full.stream().filter(s -> !ConcurrencyGate.isCloneSource(s)).toList();
    if (clone.isEmpty()) {
      return new SlotWait(
          CloudPodConditions.WAITING_FOR_CAPACITY,
          "waiting for a free slot: " + String.join(", ", others));
    }
    String slot = clone.get(0);
    String source = slot.substring(slot.indexOf(':') + 1); // node/vmid
    int slash = source.lastIndexOf('/');
    String message =
        "waiting for the clone slot of template "
            + source.substring(slash + 1)
            + " on "
            + source.substring(0, slash)
            + ": another clone of it is running ("
            + slot
            + ")";
    if (!others.isEmpty()) {
      message += "; also full: " + String.join(", ", others);
    }
    return new SlotWait(CloudPodConditions.WAITING_FOR_CLONE_SLOT, message);
  }
}
