package io.cloudpods.cloudpod.pass;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.store.PodAllocation;
import io.cloudpods.store.ResourceKey;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The state of one CloudPod reconcile, shared by its steps: the pod as loaded (spec with defaults
 * applied), the status being built, and the pod's allocation as last read or written.
 */
public final class Pass {

  public static final String KIND = "CloudPod";

  public final ResourceKey key;
  public final CloudPod pod;
  public final UUID uid;
  public final CloudPodSpec spec;
  public final long generation;
  public final PodStatusBuilder status;

  /** The pod's {@code pod_allocation} row; null until something is reserved. */
  public PodAllocation alloc;

  /** Set when the pass found the container converged and planned nothing. */
  public boolean converged;

  /**
   * The node a pod restored from an archive on a node's local storage must be placed on (null when
   * it is not restored, or the storage is shared).
   */
  public String restoreNode;

  /** Set when the pass found the pod's task failed (the failure is thrown for backoff). */
  public boolean taskFailed;

  /**
   * @param spec the pod's spec with defaults applied
   */
  public Pass(ResourceKey key, CloudPod pod, CloudPodSpec spec, Instant now) {
    this.key = key;
    this.pod = pod;
    this.uid = UUID.fromString(pod.metadata().uid());
    this.spec = spec;
    this.generation = pod.metadata().generation() == null ? 1 : pod.metadata().generation();
    this.status = new PodStatusBuilder(pod.status(), generation, now);
  }

  public String hostname() {
    return pod.metadata().name();
  }

  /** The name of the PodSet that owns the pod, if any. */
  public Optional<String> ownerPodSet() {
    return pod.metadata().ownerReference() == null
        ? Optional.empty()
        : Optional.ofNullable(pod.metadata().ownerReference().name());
  }

  /** The uid of the PodSet that owns the pod, or null. */
  public UUID ownerUid() {
    return pod.metadata().ownerReference() == null || pod.metadata().ownerReference().uid() == null
        ? null
        : UUID.fromString(pod.metadata().ownerReference().uid());
  }

  public boolean wantsRunning() {
    return !"stopped".equalsIgnoreCase(spec.powerState());
  }

  public boolean allowRestart() {
    return Boolean.TRUE.equals(spec.allowRestart());
  }

  /**
   * Deleting the pod first takes a protected Final backup ({@code spec.finalBackup}, default true).
   */
  public boolean wantsFinalBackup() {
    return !Boolean.FALSE.equals(spec.finalBackup());
  }

  /**
   * The Backup the pod's container is restored from instead of cloned ({@code spec.restoreFrom}).
   */
  public String restoreFrom() {
    return null;
  }

  /**
   * The label naming the orphan an adopting pod was created for ({@code cloudpods orphans adopt}):
   * the uid in the orphan's marker.
   */
  public static final String ADOPT_ORPHAN_LABEL =
      io.cloudpods.cloudpod.plan.Ownership.ADOPT_ORPHAN_LABEL;

  /**
   * The uid of the orphan this pod may take over, when it adopts one and that uid is confirmed to
   * belong to no stored pod ({@link #orphanConfirmed}).
   */
  public Optional<String> orphanToAdopt() {
    if (!orphanConfirmed || pod.metadata().labels() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(pod.metadata().labels().get(ADOPT_ORPHAN_LABEL));
  }

  /** Set by the reconciler once it checked that the orphan's uid holds no pod's allocation. */
  public boolean orphanConfirmed;

  /** An event about this pod, with its VMID and address when reserved. */
  public Event event(String level, String reason, String message) {
    return Event.of(level, reason, message, KIND, key.tenant(), key.name())
        .about(alloc == null ? null : alloc.vmid(), hostname(), alloc == null ? null : alloc.ip());
  }
}
