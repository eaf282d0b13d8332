package io.cloudpods.api.v1alpha1;

/**
 * Reasons of a PodSet's {@code Ready} condition (type {@link CloudPodConditions#READY}): the
 * vocabulary dashboards read. {@link CloudPodConditions#CONVERGED} means every pod is ready.
 */
public final class PodSetConditions {

  private PodSetConditions() {}

  // ---- reasons ------------------------------------------------------------------------------

  /** Pods are being created, updated or removed, or are not ready yet. */
  public static final String SCALING = "Scaling";

  /** A pod {@code <name>-<ordinal>} exists that the PodSet does not own; it is never touched. */
  public static final String POD_NAME_CONFLICT = "PodNameConflict";

  /** The PodSet is marked for deletion and its pods are being removed. */
  public static final String DELETING = "Deleting";
}
