package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.PodSetStatus;

/**
 * What the controller writes of PodSets: their status, and the row's removal once a deleted
 * PodSet's last pod is gone. Never their spec, which is the API's ({@link PodSetStore#put}). {@link
 * PodSetStore} in production.
 */
public interface PodSetWriter {

  /**
   * Replaces the status; spec and generation stay as they are and the controller is not woken.
   *
   * @return false if the PodSet does not exist
   */
  boolean updateStatus(ResourceKey key, PodSetStatus status);

  /**
   * Removes a PodSet that is marked for deletion. Does nothing (returns false) if it is absent or
   * not marked.
   */
  boolean finalizeDeletion(ResourceKey key);
}
