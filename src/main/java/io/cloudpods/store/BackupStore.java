package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;

/**
 * Backups. The API writes spec through {@link #put} (admission keeps all but {@code protected} and
 * {@code notes} immutable); the controller creates its own through {@link #create}, writes status
 * through {@link #updateStatus} and removes a deleted Backup with {@link #finalizeDeletion} once
 * its archive is dealt with. A DELETE of the row while an archive may exist becomes a deletion mark
 * (migration V7), whoever issues it.
 */
@ApplicationScoped
public class BackupStore extends ResourceStore<BackupEntity, Backup> implements BackupRecords {
  private final BackupDefaults defaults;

  public BackupStore(EntityManager em, BackupDefaults defaults) {
    super(em);
    this.defaults = defaults;
  }

  @Override
  protected Class<BackupEntity> type() {
    return BackupEntity.class;
  }

  @Override
  protected String table() {
    return "backup";
  }

  @Override
  protected boolean tenantScoped() {
    return true;
  }

  @Override
  protected BackupEntity newEntity(ResourceKey key) {
    BackupEntity e = new BackupEntity();
    e.tenant = key.tenant();
    return e;
  }

  @Override
  protected Backup toApi(BackupEntity e) {
    BackupStatus status = Json.read(e.status, BackupStatus.class);
    return new Backup(
        ApiVersion.V1ALPHA1,
        "Backup",
        meta(e, e.tenant, null),
        defaults.backup(Json.read(e.spec, BackupSpec.class)),
        status == null ? BackupStatus.pending() : status);
  }

  /** Spec write from the API; the spec must already be defaulted and validated. */
  public Written<Backup> put(Backup backup, String expectedVersion) {
    ResourceKey key = ResourceKey.of(backup.metadata().tenant(), backup.metadata().name());
    return putSpec(key, backup.metadata().labels(), backup.spec(), expectedVersion, null);
  }

  @Override
  public Written<Backup> create(Backup backup) {
    ResourceKey key = ResourceKey.of(backup.metadata().tenant(), backup.metadata().name());
    Optional<Backup> existing = get(key);
    if (existing.isPresent()) {
      return new Written<>(WriteOutcome.unchanged, existing.get());
    }
    return putSpec(key, backup.metadata().labels(), defaults.backup(backup.spec()), null, null);
  }

  @Override
  public List<Backup> listByPod(String tenant, String pod) {
    return byQuery("SELECT * FROM backup WHERE tenant = ?1 AND spec->>'pod' = ?2", tenant, pod);
  }

  @Override
  public List<Backup> listByPolicy(String tenant, String policy) {
    return byQuery(
        "SELECT * FROM backup WHERE tenant = ?1 AND spec->>'policy' = ?2", tenant, policy);
  }

  @Override
  public List<Backup> listActive() {
    return byQuery(
        "SELECT * FROM backup WHERE deletion_timestamp IS NOT NULL"
            + " OR coalesce(status->>'phase', 'Pending') IN ('Pending', 'Running')");
  }

  private List<Backup> byQuery(String where, Object... params) {
    var q = em.createNativeQuery(where + " ORDER BY creation_timestamp, name", BackupEntity.class);
    for (int i = 0; i < params.length; i++) {
      q.setParameter(i + 1, params[i]);
    }
    @SuppressWarnings("unchecked")
    List<BackupEntity> rows = q.getResultList();
    return rows.stream().map(this::toApi).toList();
  }

  @Override
  public boolean updateStatus(ResourceKey key, BackupStatus status) {
    return writeStatus(key, status);
  }

  @Override
  public boolean updateStatus(
      ResourceKey key, BackupStatus status, String expectedResourceVersion) {
    return writeStatusIf(key, status, expectedResourceVersion);
  }

  /** What a deletion asked through the API did. */
  public record Deleted(Backup backup, boolean removed) {}

  /**
   * A deletion asked through the API (or by the controller for an expired backup): removes the row
   * at once when there is no archive to deal with, else marks it (the V7 trigger decides, as for a
   * DELETE by SQL). Empty if there is no such Backup.
   */
  public Optional<Deleted> delete(ResourceKey key) {
    Optional<Backup> before = get(key);
    if (before.isEmpty()) {
      return Optional.empty();
    }
    em.flush();
    int n =
        em.createNativeQuery("DELETE FROM backup WHERE tenant = ?1 AND name = ?2")
            .setParameter(1, key.tenant())
            .setParameter(2, key.name())
            .executeUpdate();
    em.clear();
    if (n > 0) {
      return Optional.of(new Deleted(before.get(), true));
    }
    return get(key).map(b -> new Deleted(b, false));
  }

  @Override
  public Optional<Backup> markDeleted(ResourceKey key) {
    return super.markDeleted(key);
  }

  @Override
  public boolean finalizeDeletion(ResourceKey key) {
    em.flush();
    archiveDone(em, true);
    try {
      int n =
          em.createNativeQuery(
                  "DELETE FROM backup WHERE tenant = ?1 AND name = ?2 AND deletion_timestamp IS NOT NULL")
              .setParameter(1, key.tenant())
              .setParameter(2, key.name())
              .executeUpdate();
      em.clear();
      return n > 0;
    } finally {
      archiveDone(em, false);
    }
  }

  /** The transaction-local declaration the V7 delete trigger honours. */
  static void archiveDone(EntityManager em, boolean done) {
    em.createNativeQuery("SELECT set_config('cloudpods.backup_archive_done', ?1, true)")
        .setParameter(1, done ? "on" : "off")
        .getSingleResult();
  }
}
