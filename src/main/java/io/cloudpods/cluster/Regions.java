package io.cloudpods.cluster;

import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.store.ControllerStateStore;
import io.cloudpods.store.ProxmoxClusterStore;
import io.cloudpods.store.ResourceKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Which cluster serves which region: the configured cluster {@code default} (region {@code
 * cloudpods.region}) and every {@code ProxmoxCluster}, one cluster per region. Read when a pod is
 * admitted and placed.
 */
@ApplicationScoped
public class Regions {

  private static final Logger LOG = Logger.getLogger(Regions.class);

  private final DefaultCluster configured;
  private final ProxmoxClusterStore stored;
  private final ControllerStateStore state;

  public Regions(
      DefaultCluster configured, ProxmoxClusterStore stored, ControllerStateStore state) {
    this.configured = configured;
    this.stored = stored;
    this.state = state;
  }

  /** The database places pods naming the configured cluster's region (migration V13). */
  void onStart(@Observes @Priority(1) StartupEvent event) {
    try {
      state.recordDefaultRegion(defaultRegion());
    } catch (RuntimeException e) {
      LOG.warnf("could not record the region of cluster 'default': %s", e.getMessage());
    }
  }

  /** The region of the cluster {@code default}. */
  public String defaultRegion() {
    return configured.region();
  }

  /** Every cluster: {@code default} first, then the stored ones by name. */
  public List<ProxmoxCluster> all() {
    List<ProxmoxCluster> out = new ArrayList<>();
    out.add(configured.get());
    out.addAll(stored.list(null));
    return out;
  }

  /** The cluster serving {@code region}. */
  public Optional<ProxmoxCluster> ofRegion(String region) {
    if (region == null) {
      return Optional.empty();
    }
    if (region.equals(defaultRegion())) {
      return Optional.of(configured.get());
    }
    return stored.list(null).stream().filter(c -> region.equals(c.spec().region())).findFirst();
  }

  /** The cluster called {@code name} ({@code default} included). */
  public Optional<ProxmoxCluster> named(String name) {
    if (ProxmoxCluster.DEFAULT.equals(name)) {
      return Optional.of(configured.get());
    }
    return stored.get(ResourceKey.cluster(name));
  }

  /** The regions served, sorted, for messages. */
  public String known() {
    return all().stream().map(c -> c.spec().region()).sorted().collect(Collectors.joining(", "));
  }

  /** The zone {@code node} belongs to in {@code spec}, if the cluster has zones and lists it. */
  public static Optional<String> zoneOf(ProxmoxClusterSpec spec, String node) {
    if (spec == null || spec.zones() == null || node == null) {
      return Optional.empty();
    }
    return spec.zones().stream()
        .filter(z -> z.nodes() != null && z.nodes().contains(node))
        .map(ProxmoxClusterSpec.Zone::name)
        .findFirst();
  }

  /** The nodes of zone {@code zone} in {@code spec}, or empty when the cluster has no such zone. */
  public static Optional<List<String>> nodesOf(ProxmoxClusterSpec spec, String zone) {
    if (spec == null || spec.zones() == null || zone == null) {
      return Optional.empty();
    }
    return spec.zones().stream()
        .filter(z -> zone.equals(z.name()))
        .map(z -> z.nodes() == null ? List.<String>of() : z.nodes())
        .findFirst();
  }
}
