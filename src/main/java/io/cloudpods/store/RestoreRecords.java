package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.Restore;
import io.cloudpods.api.v1alpha1.RestoreStatus;
import java.util.List;
import java.util.Optional;

/**
 * What the restore reconcile reads and writes of Restores: their status, and the removal of one
 * whose deletion was asked while it was in progress. {@link RestoreStore} in production.
 */
public interface RestoreRecords {

  Optional<Restore> get(ResourceKey key);

  /** Every Restore of {@code tenant} (all tenants when null), by tenant and name. */
  List<Restore> list(String tenant);

  /** Restores not Completed or Failed, or marked for deletion; oldest first. */
  List<Restore> listActive();

  /**
   * Replaces the status; spec and generation stay, the controller is not woken.
   *
   * @return false if the Restore does not exist (any more)
   */
  boolean updateStatus(ResourceKey key, RestoreStatus status);

  /**
   * Like {@link #updateStatus(ResourceKey, RestoreStatus)}, but only if the row is still at {@code
   * expectedResourceVersion}.
   *
   * @throws StoreConflictException if it is at another version
   */
  boolean updateStatus(ResourceKey key, RestoreStatus status, String expectedResourceVersion);

  /**
   * Removes a Restore marked for deletion (asked while it was in progress) once the controller has
   * stopped working on it. Does nothing (false) if it is absent or not marked.
   */
  boolean finalizeDeletion(ResourceKey key);

  /** Keys of every Restore, for the periodic resync. */
  List<ResourceKey> listKeys();
}
