package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.Restore;
import io.cloudpods.api.v1alpha1.RestoreSpec;
import io.cloudpods.api.v1alpha1.RestoreStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;

/**
 * Restores. The API writes spec (immutable after creation) through {@link #put}; the controller
 * writes status only. Deleting a Restore that has not started or has ended removes it at once; one
 * in progress is marked, and the controller removes it ({@link #finalizeDeletion}) when it has
 * stopped working on it. What a Restore made (a new pod) stays.
 */
@ApplicationScoped
public class RestoreStore extends ResourceStore<RestoreEntity, Restore> implements RestoreRecords {
  private final BackupDefaults defaults;

  public RestoreStore(EntityManager em, BackupDefaults defaults) {
    super(em);
    this.defaults = defaults;
  }

  @Override
  protected Class<RestoreEntity> type() {
    return RestoreEntity.class;
  }

  @Override
  protected String table() {
    return "restore";
  }

  @Override
  protected boolean tenantScoped() {
    return true;
  }

  @Override
  protected RestoreEntity newEntity(ResourceKey key) {
    RestoreEntity e = new RestoreEntity();
    e.tenant = key.tenant();
    return e;
  }

  @Override
  protected Restore toApi(RestoreEntity e) {
    RestoreStatus status = Json.read(e.status, RestoreStatus.class);
    if (status == null) {
      status =
          new RestoreStatus(
              RestoreStatus.PHASE_PENDING, null, null, null, null, null, null, null, null, null);
    }
    return new Restore(
        ApiVersion.V1ALPHA1,
        "Restore",
        meta(e, e.tenant, null),
        defaults.restore(Json.read(e.spec, RestoreSpec.class), e.name),
        status);
  }

  /** Spec write from the API; the spec must already be defaulted and validated. */
  public Written<Restore> put(Restore restore, String expectedVersion) {
    ResourceKey key = ResourceKey.of(restore.metadata().tenant(), restore.metadata().name());
    return putSpec(key, restore.metadata().labels(), restore.spec(), expectedVersion, null);
  }

  @Override
  public List<Restore> listActive() {
    @SuppressWarnings("unchecked")
    List<RestoreEntity> rows =
        em.createNativeQuery(
                "SELECT * FROM restore WHERE deletion_timestamp IS NOT NULL"
                    + " OR coalesce(status->>'phase', 'Pending') NOT IN ('Completed', 'Failed')"
                    + " ORDER BY creation_timestamp, name",
                RestoreEntity.class)
            .getResultList();
    return rows.stream().map(this::toApi).toList();
  }

  @Override
  public boolean updateStatus(ResourceKey key, RestoreStatus status) {
    return writeStatus(key, status);
  }

  @Override
  public boolean updateStatus(
      ResourceKey key, RestoreStatus status, String expectedResourceVersion) {
    return writeStatusIf(key, status, expectedResourceVersion);
  }

  /** What a deletion asked through the API did. */
  public record Deleted(Restore restore, boolean removed) {}

  /**
   * Removes a Restore that is not in progress (no status yet, Completed or Failed); marks one that
   * is. Empty if there is no such Restore.
   */
  public Optional<Deleted> delete(ResourceKey key) {
    Optional<RestoreEntity> found = findEntity(key, true);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    RestoreEntity e = found.get();
    RestoreStatus status = Json.read(e.status, RestoreStatus.class);
    if (status == null
        || status.phase() == null
        || status.terminal()
        || RestoreStatus.PHASE_PENDING.equals(status.phase())
            && status.taskRef() == null
            && status.beforeRestoreBackup() == null
            && status.pod() == null) {
      Restore before = toApi(e);
      em.remove(e);
      em.flush();
      return Optional.of(new Deleted(before, true));
    }
    return super.markDeleted(key).map(r -> new Deleted(r, false));
  }
}
