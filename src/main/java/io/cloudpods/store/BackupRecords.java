package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupStatus;
import java.util.List;
import java.util.Optional;

/**
 * What the backup reconciles read and write of Backups: status (never the spec the API wrote), the
 * Backups the controller itself creates (Scheduled, Final, BeforeRestore), and the removal of a
 * deleted Backup once its archive is dealt with. {@link BackupStore} in production.
 */
public interface BackupRecords {

  Optional<Backup> get(ResourceKey key);

  /** Every Backup of {@code tenant} (all tenants when null), by tenant and name. */
  List<Backup> list(String tenant);

  /** The Backups of one pod (by {@code spec.pod}), oldest first. */
  List<Backup> listByPod(String tenant, String pod);

  /** The Backups a policy created (by {@code spec.policy}), oldest first. */
  List<Backup> listByPolicy(String tenant, String policy);

  /**
   * Backups the controller still has work with: not terminal (no status, Pending or Running), or
   * marked for deletion; oldest first.
   */
  List<Backup> listActive();

  /**
   * Creates a Backup the controller decided on (a scheduled run, a final backup, the backup before
   * an in-place restore), bypassing admission; the spec is defaulted. If one of that name exists,
   * nothing is written and the stored one is returned ({@link WriteOutcome#unchanged}), so a
   * repeated pass after a crash does not create a second.
   */
  Written<Backup> create(Backup backup);

  /**
   * Replaces the status; spec and generation stay, the controller is not woken.
   *
   * @return false if the Backup does not exist (any more)
   */
  boolean updateStatus(ResourceKey key, BackupStatus status);

  /**
   * Like {@link #updateStatus(ResourceKey, BackupStatus)}, but only if the row is still at {@code
   * expectedResourceVersion}.
   *
   * @throws StoreConflictException if it is at another version (read again, decide again)
   */
  boolean updateStatus(ResourceKey key, BackupStatus status, String expectedResourceVersion);

  /** Marks a Backup for deletion (the expiry of a Final backup, say); empty if absent. */
  Optional<Backup> markDeleted(ResourceKey key);

  /**
   * Removes a Backup marked for deletion once its archive has been deleted (or found gone). Does
   * nothing (false) if it is absent or not marked.
   */
  boolean finalizeDeletion(ResourceKey key);

  /** Keys of every Backup, for the periodic resync. */
  List<ResourceKey> listKeys();
}
