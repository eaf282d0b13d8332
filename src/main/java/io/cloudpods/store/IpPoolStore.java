package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.IpPool;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.api.v1alpha1.IpPoolStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * IP pools. Status (size/allocated/free) is computed when read. A pool is removed at once by {@link
 * #delete} but only while no CloudPod or PodSet refers to it and no address is allocated.
 */
@ApplicationScoped
public class IpPoolStore extends ResourceStore<IpPoolEntity, IpPool> implements PoolSpecs {
  private final Defaults defaults;

  public IpPoolStore(EntityManager em, Defaults defaults) {
    super(em);
    this.defaults = defaults;
  }

  @Override
  protected Class<IpPoolEntity> type() {
    return IpPoolEntity.class;
  }

  @Override
  protected String table() {
    return "ip_pool";
  }

  @Override
  protected IpPoolEntity newEntity(ResourceKey key) {
    return new IpPoolEntity();
  }

  @Override
  protected IpPool toApi(IpPoolEntity e) {
    IpPoolSpec spec = defaults.pool(Json.read(e.spec, IpPoolSpec.class));
    return new IpPool(
        ApiVersion.V1ALPHA1,
        "IpPool",
        meta(e, null, null),
        spec,
        status(e.name, spec, e.generation));
  }

  private IpPoolStatus status(String pool, IpPoolSpec spec, long generation) {
    try {
      long start = Ipv4.parse(spec.rangeStart());
      long end = Ipv4.parse(spec.rangeEnd());
      int size = (int) Math.max(0, end - start + 1);
      Set<Long> reserved = new HashSet<>();
      for (String r : spec.reserved()) {
        reserved.add(Ipv4.parse(r));
      }
      reserved.add(Ipv4.parse(spec.gateway()));
      int reservedInRange = (int) reserved.stream().filter(a -> a >= start && a <= end).count();
      int allocated =
          ((Number)
                  em.createNativeQuery(
                          "SELECT count(*) FROM pod_allocation WHERE pool = ?1 AND ip IS NOT NULL")
                      .setParameter(1, pool)
                      .getSingleResult())
              .intValue();
      return new IpPoolStatus(
          size,
          allocated,
          reservedInRange,
          Math.max(0, size - reservedInRange - allocated),
          generation,
          null);
    } catch (IllegalArgumentException e) {
      // a row written by SQL with a broken range: show the spec, no counts
      return null;
    }
  }

  public Written<IpPool> put(IpPool p, String expectedVersion) {
    return putSpec(
        ResourceKey.cluster(p.metadata().name()),
        p.metadata().labels(),
        defaults.pool(p.spec()),
        expectedVersion,
        null);
  }

  @Override
  public Optional<IpPoolSpec> spec(String name) {
    return findEntity(ResourceKey.cluster(name), false)
        .map(e -> defaults.pool(Json.read(e.spec, IpPoolSpec.class)));
  }

  /** Deletes a pool nobody uses. */
  public Optional<IpPool> delete(ResourceKey key, String expectedVersion) {
    Optional<IpPoolEntity> found = findEntity(key, true);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    checkVersion(found.get(), expectedVersion);
    long users =
        ((Number)
                em.createNativeQuery(
                        "SELECT (SELECT count(*) FROM pod_allocation WHERE pool = ?1)"
                            + " + (SELECT count(*) FROM cloud_pod WHERE coalesce(spec->>'ipPool', ?2) = ?1)"
                            + " + (SELECT count(*) FROM pod_set WHERE coalesce(spec->'template'->'spec'->>'ipPool', ?2) = ?1)")
                    .setParameter(1, key.name())
                    .setParameter(2, defaults.pod(null).ipPool())
                    .getSingleResult())
            .longValue();
    if (users > 0) {
      throw new StoreConflictException(
          "metadata.name", "ip pool " + key.name() + " is still used by " + users + " objects");
    }
    IpPool before = toApi(found.get());
    em.remove(found.get());
    em.flush();
    return Optional.of(before);
  }
}
