package io.cloudpods.cluster;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.proxmox.ProxmoxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The cluster {@code default} as an object: the {@code cloudpods.proxmox.*} settings (without the
 * secret, which stays in the configuration) in the region {@code cloudpods.region}, with the status
 * of its last probe. It has no row and cannot be written or deleted.
 */
@ApplicationScoped
public class DefaultCluster {
  private final ProxmoxConfig proxmox;
  private final String region;
  private final ClusterProber prober;

  public DefaultCluster(
      ProxmoxConfig proxmox,
      @ConfigProperty(name = "cloudpods.region", defaultValue = "default") String region,
      ClusterProber prober) {
    this.proxmox = proxmox;
    this.region = region;
    this.prober = prober;
  }

  /** {@code cloudpods.region}. */
  public String region() {
    return region;
  }

  public ProxmoxCluster get() {
    ProxmoxClusterSpec spec =
        new ProxmoxClusterSpec(
            region,
            null,
            proxmox.url(),
            proxmox.tokenId().orElse(null),
            null,
            null,
            proxmox.fingerprint().orElse(null),
            null, // a CA file of the configuration, not PEM text
            proxmox.verifyTls(),
            new ProxmoxClusterSpec.ClusterDefaults(null, null, proxmox.pool(), null),
            null);
    return new ProxmoxCluster(
        ApiVersion.V1ALPHA1,
        "ProxmoxCluster",
        new ObjectMeta(
            ProxmoxCluster.DEFAULT,
            null,
            Map.of("cloudpods.io/source", "config"),
            null,
            null,
            null,
            null,
            null,
            null),
        spec,
        prober.defaultStatus());
  }
}
