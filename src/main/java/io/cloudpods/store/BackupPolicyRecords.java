package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus;
import java.util.List;
import java.util.Optional;

/**
 * What the policy reconcile reads and writes of BackupPolicies: their status only. {@link
 * BackupPolicyStore} in production.
 */
public interface BackupPolicyRecords {

  Optional<BackupPolicy> get(ResourceKey key);

  /** Every policy of {@code tenant} (all tenants when null), by tenant and name. */
  List<BackupPolicy> list(String tenant);

  /**
   * Replaces the status; spec and generation stay, the controller is not woken.
   *
   * @return false if the policy does not exist (any more)
   */
  boolean updateStatus(ResourceKey key, BackupPolicyStatus status);

  /**
   * Like {@link #updateStatus(ResourceKey, BackupPolicyStatus)}, but only if the row is still at
   * {@code expectedResourceVersion}.
   *
   * @throws StoreConflictException if it is at another version
   */
  boolean updateStatus(ResourceKey key, BackupPolicyStatus status, String expectedResourceVersion);

  /** Keys of every policy, for the periodic resync. */
  List<ResourceKey> listKeys();
}
