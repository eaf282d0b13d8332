package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Fills spec defaults. Applied at admission (so the stored spec is complete and re-applying the
 * same manifest is a no-op) and again when reading, for rows a control plane inserted by SQL.
 */
@ApplicationScoped
public class Defaults {
  private final PodsConfig pods;
  private final PoolsConfig pools;

  public Defaults(PodsConfig pods, PoolsConfig pools) {
    this.pods = pods;
    this.pools = pools;
  }

  public CloudPodSpec pod(CloudPodSpec s) {
    if (s == null) {
      s =
          new CloudPodSpec(
              null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
    return new CloudPodSpec(
        or(s.cores(), pods.cores()),
        or(s.memoryMb(), pods.memoryMb()),
        or(s.swapMb(), pods.swapMb()),
        or(s.diskGb(), pods.diskGb()),
        or(s.template(), pods.templateVmid()),
        or(s.storage(), pods.storage()),
        or(s.ipPool(), pods.ipPool()),
        s.ip(),
        s.vmid(),
        s.node(),
        or(s.powerState(), pods.powerState()),
        or(s.cloneMode(), pods.cloneMode()),
        or(s.allowRestart(), Boolean.FALSE),
        or(s.finalBackup(), Boolean.TRUE),
        s.restoreFrom(),
        s.adopt(),
        s.network(),
        s.region(),
        s.zone());
  }

  public IpPoolSpec pool(IpPoolSpec s) {
    return new IpPoolSpec(
        s.cidr(),
        s.gateway(),
        s.rangeStart(),
        s.rangeEnd(),
        or(s.bridge(), pools.bridge()),
        s.nameservers() == null ? List.copyOf(pools.nameservers()) : s.nameservers(),
        s.reserved() == null ? List.of() : s.reserved(),
        s.cluster());
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
