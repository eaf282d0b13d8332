package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import io.cloudpods.api.v1alpha1.TenantUsage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
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

  /** Usage of {@code tenant}, leaving out the object {@code excludeUid} (may be null). */
  public TenantUsage usage(String tenant, UUID excludeUid) {
    TenantUsage total = TenantUsage.ZERO;
    for (CloudPodEntity p :
        em.createQuery("from CloudPodEntity e where e.tenant = :t and e.ownerUid is null", CloudPodEntity.class)
            .setParameter("t", tenant)
            .getResultList()) {
      if (!p.uid.equals(excludeUid)) {
        total = total.plus(TenantUsage.of(1, defaults.pod(Json.read(p.spec, CloudPodSpec.class))));
      }
    }
    for (PodSetEntity s :
        em.createQuery("from PodSetEntity e where e.tenant = :t", PodSetEntity.class)
            .setParameter("t", tenant)
            .getResultList()) {
      if (!s.uid.equals(excludeUid)) {
        total = total.plus(claim(Json.read(s.spec, PodSetSpec.class)));
      }
    }
    return total;
  }

  public TenantUsage claim(PodSetSpec spec) {
    int replicas = spec.replicas() == null ? 0 : spec.replicas();
    CloudPodSpec template = spec.template() == null ? null : spec.template().spec();
    return TenantUsage.of(replicas, defaults.pod(template));
  }
}
