package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Tenant;
import java.util.List;
import java.util.Optional;

/**
 * What the tenant reconcile reads and writes: the tenant, the deletion marks of what it owns, its
 * conditions, and the removal of a deleted tenant that owns nothing any more. {@link TenantStore}
 * in production.
 */
public interface TenantRecords {

  /** How many PodSets and CloudPods a call marked (or, for {@link #remaining}, are left). */
  record Counts(int podSets, int pods) {
    public int total() {
      return podSets + pods;
    }
  }

  /**
   * What a tenant being deleted still owns, and a few of its pods that are left (by name, with the
   * reason of their Ready condition if they have one, such as {@code web-0 (ProxmoxError)}).
   */
  record Remaining(Counts counts, List<String> samplePods, List<String> samplePodSets) {}

  Optional<Tenant> get(String name);

  /**
   * Marks every PodSet of the tenant and every CloudPod (PodSet-owned or not) that is not marked
   * yet, for deletion along the normal deletion path.
   */
  Counts markContents(String tenant);

  /** What the tenant still owns, with up to {@code sample} names of each kind. */
  Remaining remaining(String tenant, int sample);

  /** Replaces the tenant's stored conditions; false if the tenant does not exist (any more). */
  boolean updateConditions(String tenant, List<Condition> conditions);

  /**
   * Removes a tenant that is marked for deletion and owns nothing; false (nothing removed) if it is
   * absent, not marked, or still owns something.
   */
  boolean finalizeDeletion(String tenant);

  /** Names of the tenants marked for deletion, for the periodic resync. */
  List<String> deleting();
}
