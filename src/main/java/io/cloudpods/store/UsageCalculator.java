package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import io.cloudpods.api.v1alpha1.TenantUsage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    return usageByRegion(tenant, excludeUid).total();
  }

  /** A tenant's usage in total and per region (the {@code region} of each pod and PodSet spec). */
  public record Usage(TenantUsage total, Map<String, TenantUsage> regions) {
    public TenantUsage in(String region) {
      return region == null ? TenantUsage.ZERO : regions.getOrDefault(region, TenantUsage.ZERO);
    }
  }

  /** {@link #usage} with its part in each region. */
  public Usage usageByRegion(String tenant, UUID excludeUid) {
    TenantUsage total = TenantUsage.ZERO;
    Map<String, TenantUsage> regions = new TreeMap<>();
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
      String json = (String) r[1];
      TenantUsage claim;
      String region;
      if ("pod".equals(r[0])) {
        CloudPodSpec spec = defaults.pod(Json.read(json, CloudPodSpec.class));
        claim = TenantUsage.of(1, spec);
        region = spec.region();
      } else {
        PodSetSpec spec = Json.read(json, PodSetSpec.class);
        claim = claim(spec);
        region = spec.template() == null ? null : spec.template().spec().region();
      }
      total = total.plus(claim);
      if (region != null) {
        regions.merge(region, claim, TenantUsage::plus);
      }
    }
    return new Usage(total, regions);
  }

  public TenantUsage claim(PodSetSpec spec) {
    int replicas = spec.replicas() == null ? 0 : spec.replicas();
    CloudPodSpec template = spec.template() == null ? null : spec.template().spec();
    return TenantUsage.of(replicas, defaults.pod(template));
  }
}
