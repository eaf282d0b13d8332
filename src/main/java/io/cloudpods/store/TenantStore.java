package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantSpec;
import io.cloudpods.api.v1alpha1.TenantStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tenants. Their usage against quota is computed when read; their conditions are the controller's.
 * A tenant is deleted like a Kubernetes namespace: {@link #markDeleted} marks it and everything it
 * owns in one transaction (it then takes no new CloudPods or PodSets, migration V5), the controller
 * deletes its pods and PodSets the normal way, and removes the tenant with {@link
 * #finalizeDeletion} once it owns nothing.
 */
@ApplicationScoped
public class TenantStore extends ResourceStore<TenantEntity, Tenant> implements TenantRecords {
  private final UsageCalculator usage;

  public TenantStore(EntityManager em, UsageCalculator usage) {
    super(em);
    this.usage = usage;
  }

  @Override
  protected Class<TenantEntity> type() {
    return TenantEntity.class;
  }

  @Override
  protected String table() {
    return "tenant";
  }

  @Override
  protected TenantEntity newEntity(ResourceKey key) {
    return new TenantEntity();
  }

  @Override
  protected Tenant toApi(TenantEntity e) {
    TenantSpec spec = Json.read(e.spec, TenantSpec.class);
    TenantStatus stored = Json.read(e.status, TenantStatus.class);
    UsageCalculator.Usage used = usage.usageByRegion(e.name, null);
    return new Tenant(
        ApiVersion.V1ALPHA1,
        "Tenant",
        meta(e, null, null),
        spec,
        new TenantStatus(
            e.deletionTimestamp == null ? TenantStatus.PHASE_ACTIVE : TenantStatus.PHASE_DELETING,
            used.total(),
            spec.quota(),
            e.generation,
            stored == null ? null : stored.conditions(),
            used.regions().isEmpty() ? null : used.regions()));
  }

  public Written<Tenant> put(Tenant t, String expectedVersion) {
    return putSpec(
        ResourceKey.cluster(t.metadata().name()),
        t.metadata().labels(),
        t.spec(),
        expectedVersion,
        null);
  }

  /**
   * Locks the tenant row until the end of the transaction. Every admission that changes what a
   * tenant claims takes this lock first, so two concurrent writes cannot both pass the quota.
   */
  public Optional<Tenant> lock(String name) {
    return findEntity(ResourceKey.cluster(name), true).map(this::toApi);
  }

  @Override
  public Optional<Tenant> get(String name) {
    return get(ResourceKey.cluster(name));
  }

  /**
   * A tenant marked for deletion, what the marking marked with it, whether this call set the
   * tenant's mark (false: it was marked before), and whether the tenant is gone already (it owned
   * nothing, so there was nothing to wait for).
   */
  public record Marked(Tenant tenant, Counts marked, boolean first, boolean removed) {}

  /**
   * Marks the tenant for deletion (once; a repeated call keeps the first timestamp) and, in the
   * same transaction, every PodSet and CloudPod it owns. A tenant that owns nothing is removed at
   * once (as a {@code DELETE FROM tenant} of it would be). Empty if there is no such tenant.
   *
   * @param expectedVersion the caller's {@code resourceVersion}, or null for an unconditional mark
   */
  public Optional<Marked> markDeleted(String name, String expectedVersion) {
    Optional<TenantEntity> found = findEntity(ResourceKey.cluster(name), true);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    checkVersion(found.get(), expectedVersion);
    boolean first = found.get().deletionTimestamp == null;
    if (first) {
      found.get().deletionTimestamp = Instant.now();
      em.flush();
    }
    Counts marked = markContents(name);
    Tenant tenant = findEntity(ResourceKey.cluster(name), false).map(this::toApi).orElseThrow();
    boolean removed = remaining(name, 0).counts().total() == 0 && finalizeDeletion(name);
    return Optional.of(new Marked(tenant, marked, first, removed));
  }

  @Override
  public Counts markContents(String tenant) {
    em.flush();
    int sets =
        em.createNativeQuery(
                "UPDATE pod_set SET deletion_timestamp = now() WHERE tenant = ?1 AND deletion_timestamp IS NULL")
            .setParameter(1, tenant)
            .executeUpdate();
    int pods =
        em.createNativeQuery(
                "UPDATE cloud_pod SET deletion_timestamp = now() WHERE tenant = ?1 AND deletion_timestamp IS NULL")
            .setParameter(1, tenant)
            .executeUpdate();
    // policies and restores go with the tenant at once: no new scheduled backup or restore starts
    // while its pods are being deleted (what a restore already made is a pod, marked above)
    int backupKinds =
        em.createNativeQuery("DELETE FROM backup_policy WHERE tenant = ?1")
                .setParameter(1, tenant)
                .executeUpdate()
            + em.createNativeQuery("DELETE FROM restore WHERE tenant = ?1")
                .setParameter(1, tenant)
                .executeUpdate();
    if (sets + pods + backupKinds > 0) {
      em.clear(); // entities loaded earlier no longer match their rows
    }
    return new Counts(sets, pods);
  }

  @Override
  public Remaining remaining(String tenant, int sample) {
    Object[] counts =
        (Object[])
            em.createNativeQuery(
                    "SELECT (SELECT count(*) FROM pod_set WHERE tenant = ?1), (SELECT count(*) FROM cloud_pod WHERE tenant = ?1)")
                .setParameter(1, tenant)
                .getSingleResult();
    @SuppressWarnings("unchecked")
    List<Object[]> pods =
        em.createNativeQuery(
                "SELECT p.name, (SELECT c->>'reason' FROM jsonb_array_elements("
                    + " CASE WHEN jsonb_typeof(p.status->'conditions') = 'array' THEN p.status->'conditions' ELSE '[]'::jsonb END) c"
                    + " WHERE c->>'type' = 'Ready' LIMIT 1)"
                    + " FROM cloud_pod p WHERE p.tenant = ?1 ORDER BY p.name LIMIT ?2")
            .setParameter(1, tenant)
            .setParameter(2, Math.max(0, sample))
            .getResultList();
    @SuppressWarnings("unchecked")
    List<Object> sets =
        em.createNativeQuery("SELECT name FROM pod_set WHERE tenant = ?1 ORDER BY name LIMIT ?2")
            .setParameter(1, tenant)
            .setParameter(2, Math.max(0, sample))
            .getResultList();
    return new Remaining(
        new Counts(((Number) counts[0]).intValue(), ((Number) counts[1]).intValue()),
        pods.stream().map(r -> r[1] == null ? (String) r[0] : r[0] + " (" + r[1] + ")").toList(),
        sets.stream().map(String.class::cast).toList());
  }

  @Override
  public boolean updateConditions(String tenant, List<Condition> conditions) {
    return writeStatus(
        ResourceKey.cluster(tenant), new TenantStatus(null, null, null, null, conditions));
  }

  @Override
  public boolean finalizeDeletion(String tenant) {
    em.flush();
    removeBackupRows(tenant);
    // the V5 trigger turns this into a no-op (0 rows) while the tenant still owns anything
    int n =
        em.createNativeQuery(
                "DELETE FROM tenant WHERE name = ?1 AND deletion_timestamp IS NOT NULL")
            .setParameter(1, tenant)
            .executeUpdate();
    em.clear();
    return n > 0;
  }

  /**
   * Removes the Backup rows of a marked tenant whose pods and PodSets are all gone, policies and
   * restores too (migration V7). The archives stay on the storage: they are Proxmox's, listed by
   * {@code GET /nodes/{node}/storage/{storage}/content}, and a pod's Final backup is protected.
   */
  private void removeBackupRows(String tenant) {
    String gone =
        " AND EXISTS (SELECT 1 FROM tenant t WHERE t.name = ?1 AND t.deletion_timestamp IS NOT NULL)"
            + " AND NOT EXISTS (SELECT 1 FROM cloud_pod WHERE tenant = ?1)"
            + " AND NOT EXISTS (SELECT 1 FROM pod_set WHERE tenant = ?1)";
    BackupStore.archiveDone(em, true);
    try {
      for (String table : List.of("backup", "backup_policy", "restore")) {
        em.createNativeQuery("DELETE FROM " + table + " WHERE tenant = ?1" + gone)
            .setParameter(1, tenant)
            .executeUpdate();
      }
    } finally {
      BackupStore.archiveDone(em, false);
    }
  }

  @Override
  public List<String> deleting() {
    @SuppressWarnings("unchecked")
    List<Object> names =
        em.createNativeQuery(
                "SELECT name FROM tenant WHERE deletion_timestamp IS NOT NULL ORDER BY name")
            .getResultList();
    return names.stream().map(String.class::cast).toList();
  }
}
