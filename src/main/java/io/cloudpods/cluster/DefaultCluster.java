package io.cloudpods.cluster;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.proxmox.ProxmoxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The cluster {@code default} as an object: the {@code cloudpods.proxmox.*} settings (without the
 * secret, which stays in the configuration) in the region {@code cloudpods.region}, with the zones
 * of {@code cloudpods.zones.*} and the status of its last probe. It has no row and cannot be
 * written or deleted.
 */
@ApplicationScoped
public class DefaultCluster {
  private final ProxmoxConfig proxmox;
  private final String region;
  private final ClusterProber prober;
  private final List<ProxmoxClusterSpec.Zone> zones;

  public DefaultCluster(
      ProxmoxConfig proxmox,
      @ConfigProperty(name = "cloudpods.region", defaultValue = "default") String region,
      DefaultZonesConfig zones,
      ClusterProber prober) {
    this.proxmox = proxmox;
    this.region = region;
    this.prober = prober;
    this.zones = zones(zones.nodes());
  }

  /**
   * The configured zones, checked as a ProxmoxCluster's are: a zone needs a node, and no node is in
   * two zones. A mistake stops the start naming the key.
   */
  static List<ProxmoxClusterSpec.Zone> zones(Map<String, List<String>> byZone) {
    if (byZone.isEmpty()) {
      return null;
    }
    Map<String, String> zoneOf = new java.util.HashMap<>();
    List<ProxmoxClusterSpec.Zone> out = new java.util.ArrayList<>();
    new java.util.TreeMap<>(byZone)
        .forEach(
            (zone, nodes) -> {
              String key = "cloudpods.zones." + zone;
              if (!zone.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || zone.length() > 63) {
                throw new IllegalArgumentException(
                    key + ": a zone name is lowercase letters, digits and inner '-'");
              }
              List<String> clean =
                  nodes.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
              if (clean.isEmpty()) {
                throw new IllegalArgumentException(key + ": a zone needs at least one node");
              }
              for (String n : clean) {
                String other = zoneOf.putIfAbsent(n, zone);
                if (other != null) {
                  throw new IllegalArgumentException(
                      key + ": node " + n + " is already in zone " + other);
                }
              }
              out.add(new ProxmoxClusterSpec.Zone(zone, clean));
            });
    return List.copyOf(out);
  }

  /** {@code cloudpods.region}. */
  public String region() {
    return region;
  }

  public ProxmoxCluster get() {
    ProxmoxClusterSpec spec =
        new ProxmoxClusterSpec(
            region,
            zones,
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
