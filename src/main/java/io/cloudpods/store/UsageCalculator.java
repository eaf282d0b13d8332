package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import io.cloudpods.api.v1alpha1.TenantUsage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;

/**
 * What a tenant claims: every pod not owned by a PodSet, plus {@code replicas ×} template of every
 * PodSet (owned pods are counted through their PodSet, never twice). Objects being deleted still
 * count until they are gone.
 */
@ApplicationScoped
public class UsageCalculator {
  private final EntityManager em;
  private final Defaults defaults;

  public UsageCalculator(EntityManager em, Defaults defaults) {
    this.em = em;
    this.defaults = defaults;
  }

  /**
   * Usage of {@code tenant}, leaving out the object {@code excludeUid} (may be null). Reads the
   * specs with a plain query, so no entity is loaded into (and dirty-checked by) the caller's
   * transaction.
   */
  public TenantUsage usage(String tenant, UUID excludeUid) {
    TenantUsage total = TenantUsage.ZERO;
    String exclude = excludeUid == null ? "" : excludeUid.toString();
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT 'pod', CAST(spec AS text) FROM cloud_pod WHERE tenant = ?1 AND owner_uid IS NULL AND CAST(uid AS text) <> ?2"
                    + " UNION ALL SELECT 'set', CAST(spec AS text) FROM pod_set WHERE tenant = ?1 AND CAST(uid AS text) <> ?2")
            .setParameter(1, tenant)
            .setParameter(2, exclude)
            .getResultList();
    for (Object[] r : rows) {
      String spec = (String) r[1];
      total =
          total.plus(
              "pod".equals(r[0])
                  ? TenantUsage.of(1, defaults.pod(Json.read(spec, CloudPodSpec.class)))
                  : claim(Json.read(spec, PodSetSpec.class)));
    }
    return total;
  }

  public TenantUsage claim(PodSetSpec spec) {
    int replicas = spec.replicas() == null ? 0 : spec.replicas();
    CloudPodSpec template = spec.template() == null ? null : spec.template().spec();
    return TenantUsage.of(replicas, defaults.pod(template));
  }
}
