package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicySpec;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.Optional;

/**
 * BackupPolicies. The API writes spec through {@link #put}; the controller writes status only. A
 * policy owns nothing outside the database (the Backups it made are objects of their own and stay),
 * so deleting one removes its row at once.
 */
@ApplicationScoped
public class BackupPolicyStore extends ResourceStore<BackupPolicyEntity, BackupPolicy>
    implements BackupPolicyRecords {
  private final BackupDefaults defaults;

  public BackupPolicyStore(EntityManager em, BackupDefaults defaults) {
    super(em);
    this.defaults = defaults;
  }

  @Override
  protected Class<BackupPolicyEntity> type() {
    return BackupPolicyEntity.class;
  }

  @Override
  protected String table() {
    return "backup_policy";
  }

  @Override
  protected boolean tenantScoped() {
    return true;
  }

  @Override
  protected BackupPolicyEntity newEntity(ResourceKey key) {
    BackupPolicyEntity e = new BackupPolicyEntity();
    e.tenant = key.tenant();
    return e;
  }

  @Override
  protected BackupPolicy toApi(BackupPolicyEntity e) {
    return new BackupPolicy(
        ApiVersion.V1ALPHA1,
        "BackupPolicy",
        meta(e, e.tenant, null),
        defaults.policy(Json.read(e.spec, BackupPolicySpec.class)),
        Json.read(e.status, BackupPolicyStatus.class));
  }

  /** Spec write from the API; the spec must already be defaulted and validated. */
  public Written<BackupPolicy> put(BackupPolicy policy, String expectedVersion) {
    ResourceKey key = ResourceKey.of(policy.metadata().tenant(), policy.metadata().name());
    return putSpec(key, policy.metadata().labels(), policy.spec(), expectedVersion, null);
  }

  @Override
  public boolean updateStatus(ResourceKey key, BackupPolicyStatus status) {
    return writeStatus(key, status);
  }

  @Override
  public boolean updateStatus(
      ResourceKey key, BackupPolicyStatus status, String expectedResourceVersion) {
    return writeStatusIf(key, status, expectedResourceVersion);
  }

  /** Removes the policy at once; the object as it was, or empty if there was none. */
  public Optional<BackupPolicy> delete(ResourceKey key) {
    Optional<BackupPolicyEntity> found = findEntity(key, true);
    found.ifPresent(
        e -> {
          em.remove(e);
          em.flush();
        });
    return found.map(this::toApi);
  }
}
