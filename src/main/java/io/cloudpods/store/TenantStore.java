package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantSpec;
import io.cloudpods.api.v1alpha1.TenantStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.Optional;

/**
 * Tenants. Their status (usage against quota) is computed when read. A tenant is removed at once by
 * {@link #delete} but only while it owns no CloudPods or PodSets (the foreign keys enforce the same
 * for direct SQL).
 */
@ApplicationScoped
public class TenantStore extends ResourceStore<TenantEntity, Tenant> {
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
    return new Tenant(
        ApiVersion.V1ALPHA1,
        "Tenant",
        meta(e, null, null),
        spec,
        new TenantStatus(usage.usage(e.name, null), spec.quota(), e.generation, null));
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

  /** Deletes a tenant that owns nothing. */
  public Optional<Tenant> delete(ResourceKey key, String expectedVersion) {
    Optional<TenantEntity> found = findEntity(key, true);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    checkVersion(found.get(), expectedVersion);
    long owned =
        ((Number)
                em.createNativeQuery(
                        "SELECT (SELECT count(*) FROM cloud_pod WHERE tenant = ?1) + (SELECT count(*) FROM pod_set WHERE tenant = ?1)")
                    .setParameter(1, key.name())
                    .getSingleResult())
            .longValue();
    if (owned > 0) {
      throw new StoreConflictException(
          "metadata.name",
          "tenant " + key.name() + " still has " + owned + " CloudPods/PodSets; delete them first");
    }
    Tenant before = toApi(found.get());
    em.remove(found.get());
    em.flush();
    return Optional.of(before);
  }
}
