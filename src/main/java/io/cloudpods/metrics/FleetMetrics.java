package io.cloudpods.metrics;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.IpPool;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantQuota;
import io.cloudpods.api.v1alpha1.TenantUsage;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.OrphanStore;
import io.cloudpods.store.TenantStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The fleet as gauges, read from PostgreSQL every {@code cloudpods.metrics.refresh-interval} with a
 * few grouped queries (a scrape reads the last figures and costs the same at any pod count):
 *
 * <ul>
 *   <li>{@code cloudpods_pods{tenant,phase}}, {@code cloudpods_pods_ready{tenant}};
 *   <li>{@code cloudpods_tenant_quota{tenant,resource}} and {@code
 *       cloudpods_tenant_usage{tenant,resource}} with resource {@code pods}, {@code cores}, {@code
 *       memory_mb}, {@code disk_gb} (a quota without a limit has no series);
 *   <li>{@code cloudpods_tenant_region_quota{tenant,region,resource}} and {@code
 *       cloudpods_tenant_region_usage{tenant,region,resource}}: the same within each region a
 *       tenant has objects or a limit in ({@code status.regions}, {@code spec.quota.regions});
 *   <li>{@code cloudpods_ippool_addresses{pool,state}} with state {@code allocated}, {@code
 *       reserved}, {@code free}, and {@code cloudpods_ippool_size{pool}};
 *   <li>{@code cloudpods_orphan_containers};
 *   <li>{@code cloudpods_pod_info{tenant,pod,phase,vmid,node}} = 1, only with {@code
 *       cloudpods.metrics.per-pod=true};
 *   <li>{@code cloudpods_metrics_refresh_timestamp_seconds}: when the figures were read.
 * </ul>
 *
 * Labels are tenants, pools, phases and resources: they grow with tenants, never with pods.
 */
@ApplicationScoped
public class FleetMetrics {

  private static final Logger LOG = Logger.getLogger(FleetMetrics.class);

  /**
   * The configured Proxmox cluster, the only one of a single-cluster install: its series exist from
   * the start. The pod, IP pool and orphan series carry the cluster they are in as {@code cluster},
   * and every stored ProxmoxCluster has its zeros too.
   */
  public static final String CLUSTER = "default";

  /** Phases that always have a series (0 when no pod is in them) for every tenant. */
  static final List<String> PHASES =
      List.of(
          CloudPodConditions.PHASE_PENDING,
          CloudPodConditions.PHASE_PROVISIONING,
          CloudPodConditions.PHASE_RUNNING,
          CloudPodConditions.PHASE_STOPPED,
          CloudPodConditions.PHASE_FAILED,
          CloudPodConditions.PHASE_DELETING);

  private final CloudPodStore pods;
  private final TenantStore tenants;
  private final IpPoolStore pools;
  private final OrphanStore orphans;
  private final io.cloudpods.store.ProxmoxClusterStore clusters;
  private final MetricsConfig config;
  private final GaugeRows podsByPhase;
  private final GaugeRows ready;
  private final GaugeRows quota;
  private final GaugeRows usage;
  private final GaugeRows regionQuota;
  private final GaugeRows regionUsage;
  private final GaugeRows poolAddresses;
  private final GaugeRows poolSize;
  private final GaugeRows podInfo;
  private final GaugeRows orphanCount;
  private final AtomicLong refreshedAt = new AtomicLong();

  public FleetMetrics(
      CloudPodStore pods,
      TenantStore tenants,
      IpPoolStore pools,
      OrphanStore orphans,
      io.cloudpods.store.ProxmoxClusterStore clusters,
      MetricsConfig config,
      MeterRegistry registry) {
    this.clusters = clusters;
    this.pods = pods;
    this.tenants = tenants;
    this.pools = pools;
    this.orphans = orphans;
    this.config = config;
    podsByPhase = gauge(registry, "cloudpods_pods", "CloudPods by tenant and phase");
    ready = gauge(registry, "cloudpods_pods_ready", "CloudPods whose Ready condition is True");
    quota = gauge(registry, "cloudpods_tenant_quota", "Tenant quota limit per resource");
    usage = gauge(registry, "cloudpods_tenant_usage", "What a tenant's objects claim");
    regionQuota = gauge(registry, "cloudpods_tenant_region_quota", "Tenant quota limit per region");
    regionUsage =
        gauge(
            registry, "cloudpods_tenant_region_usage", "What a tenant's objects claim per region");
    poolAddresses = gauge(registry, "cloudpods_ippool_addresses", "IP pool addresses by state");
    poolSize = gauge(registry, "cloudpods_ippool_size", "Addresses in an IP pool's range");
    podInfo = gauge(registry, "cloudpods_pod_info", "One series per pod (opt-in)");
    orphanCount =
        gauge(
            registry,
            "cloudpods_orphan_containers",
            "Containers with our marker whose pod is not stored");
    orphanCount.update(Map.of(Tags.of("cluster", CLUSTER), 0));
    Gauge.builder("cloudpods_metrics_refresh_timestamp_seconds", refreshedAt, AtomicLong::get)
        .description("When the fleet gauges were last read from PostgreSQL")
        .register(registry);
  }

  private static GaugeRows gauge(MeterRegistry registry, String name, String help) {
    return new GaugeRows(registry, name, help);
  }

  void onStart(@Observes StartupEvent event) {
    refreshSafely();
  }

  @Scheduled(
      every = "${cloudpods.metrics.refresh-interval:15s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledRefresh() {
    refreshSafely();
  }

  private void refreshSafely() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // the figures stay as they were; the refresh timestamp shows their age
      LOG.debugf("fleet metrics not refreshed: %s", e.getMessage());
    }
  }

  /** Reads the fleet's figures now. */
  @Transactional
  public void refresh() {
    List<Tenant> allTenants = tenants.list(null);
    java.util.Set<String> clusterNames = new java.util.TreeSet<>();
    clusterNames.add(CLUSTER);
    clusters.list(null).forEach(c -> clusterNames.add(c.metadata().name()));
    // every tenant has every phase in every cluster (0 when empty); a pod's cluster is its row's
    Map<Tags, Number> phaseRows = new java.util.LinkedHashMap<>();
    Map<Tags, Number> readyRows = new java.util.LinkedHashMap<>();
    java.util.Set<String> tenantNames = new java.util.TreeSet<>();
    allTenants.forEach(t -> tenantNames.add(t.metadata().name()));
    List<CloudPodStore.ClusterPhaseCount> counts = pods.clusterPhaseCounts();
    counts.forEach(c -> tenantNames.add(c.tenant()));
    for (String tenant : tenantNames) {
      for (String cluster : clusterNames) {
        for (String phase : PHASES) {
          phaseRows.put(Tags.of("cluster", cluster, "tenant", tenant, "phase", phase), 0);
        }
        readyRows.put(Tags.of("cluster", cluster, "tenant", tenant), 0);
      }
    }
    for (CloudPodStore.ClusterPhaseCount c : counts) {
      phaseRows.merge(
          Tags.of("cluster", c.cluster(), "tenant", c.tenant(), "phase", c.phase()),
          c.pods(),
          (a, b) -> a.intValue() + b.intValue());
      readyRows.merge(
          Tags.of("cluster", c.cluster(), "tenant", c.tenant()),
          c.ready(),
          (a, b) -> a.intValue() + b.intValue());
    }
    podsByPhase.update(phaseRows);
    ready.update(readyRows);

    Map<Tags, Number> quotaRows = new java.util.LinkedHashMap<>();
    Map<Tags, Number> usageRows = new java.util.LinkedHashMap<>();
    for (Tenant t : allTenants) {
      String name = t.metadata().name();
      TenantQuota q = t.status() == null ? null : t.status().quota();
      TenantUsage u = t.status() == null ? null : t.status().usage();
      if (q != null) {
        addIf(quotaRows, name, "pods", q.maxPods());
        addIf(quotaRows, name, "cores", q.maxCores());
        addIf(quotaRows, name, "memory_mb", q.maxMemoryMb());
        addIf(quotaRows, name, "disk_gb", q.maxDiskGb());
      }
      if (u != null) {
        row(usageRows, name, "pods", u.pods());
        row(usageRows, name, "cores", u.cores());
        row(usageRows, name, "memory_mb", u.memoryMb());
        row(usageRows, name, "disk_gb", u.diskGb());
      }
    }
    quota.update(quotaRows);
    usage.update(usageRows);
    regionRows(allTenants);

    Map<Tags, Number> addressRows = new java.util.LinkedHashMap<>();
    Map<Tags, Number> sizeRows = new java.util.LinkedHashMap<>();
    for (IpPool p : pools.list(null)) {
      if (p.status() == null) {
        continue;
      }
      String name = p.metadata().name();
      String cluster = p.spec().clusterOrDefault();
      addAddresses(addressRows, cluster, name, "allocated", p.status().allocated());
      addAddresses(addressRows, cluster, name, "reserved", p.status().reserved());
      addAddresses(addressRows, cluster, name, "free", p.status().free());
      if (p.status().size() != null) {
        sizeRows.put(
            Tags.of("cluster", p.spec().clusterOrDefault(), "pool", name), p.status().size());
      }
    }
    poolAddresses.update(addressRows);
    poolSize.update(sizeRows);

    Map<Tags, Number> orphanRows = new java.util.LinkedHashMap<>();
    clusterNames.forEach(c -> orphanRows.put(Tags.of("cluster", c), 0));
    orphans.countByCluster().forEach((c, n) -> orphanRows.put(Tags.of("cluster", c), n));
    orphanCount.update(orphanRows);

    Map<Tags, Number> infoRows = new java.util.LinkedHashMap<>();
    if (config.perPod()) {
      for (CloudPodStore.PodInfo i : pods.podInfos()) {
        infoRows.put(
            Tags.of(
                "cluster",
                i.cluster(),
                "tenant",
                i.tenant(),
                "pod",
                i.name(),
                "phase",
                i.phase(),
                "vmid",
                i.vmid() == null ? "" : i.vmid().toString(),
                "node",
                i.node() == null ? "" : i.node()),
            1);
      }
    }
    podInfo.update(infoRows);
    refreshedAt.set(System.currentTimeMillis() / 1000);
  }

  /**
   * Every region a tenant has a limit in or objects in; the usage is 0 where it has a limit only.
   */
  private void regionRows(List<Tenant> allTenants) {
    Map<Tags, Number> quotaRows = new java.util.LinkedHashMap<>();
    Map<Tags, Number> usageRows = new java.util.LinkedHashMap<>();
    for (Tenant t : allTenants) {
      String name = t.metadata().name();
      TenantQuota q = t.spec() == null ? null : t.spec().quota();
      Map<String, TenantUsage> used =
          t.status() == null || t.status().regions() == null ? Map.of() : t.status().regions();
      java.util.Set<String> regions = new java.util.TreeSet<>(used.keySet());
      if (q != null && q.regions() != null) {
        regions.addAll(q.regions().keySet());
        q.regions()
            .forEach(
                (region, r) -> {
                  regionIf(quotaRows, name, region, "pods", r.maxPods());
                  regionIf(quotaRows, name, region, "cores", r.maxCores());
                  regionIf(quotaRows, name, region, "memory_mb", r.maxMemoryMb());
                  regionIf(quotaRows, name, region, "disk_gb", r.maxDiskGb());
                });
      }
      for (String region : regions) {
        TenantUsage u = used.getOrDefault(region, TenantUsage.ZERO);
        regionRow(usageRows, name, region, "pods", u.pods());
        regionRow(usageRows, name, region, "cores", u.cores());
        regionRow(usageRows, name, region, "memory_mb", u.memoryMb());
        regionRow(usageRows, name, region, "disk_gb", u.diskGb());
      }
    }
    regionQuota.update(quotaRows);
    regionUsage.update(usageRows);
  }

  private static void regionRow(
      Map<Tags, Number> rows, String tenant, String region, String resource, Number value) {
    rows.put(Tags.of("tenant", tenant, "region", region, "resource", resource), value);
  }

  private static void regionIf(
      Map<Tags, Number> rows, String tenant, String region, String resource, Integer v) {
    if (v != null) {
      regionRow(rows, tenant, region, resource, v);
    }
  }

  private static void row(Map<Tags, Number> rows, String tenant, String resource, Number value) {
    rows.put(Tags.of("tenant", tenant, "resource", resource), value);
  }

  private static void addIf(Map<Tags, Number> rows, String tenant, String resource, Integer v) {
    if (v != null) {
      row(rows, tenant, resource, v);
    }
  }

  private static void addAddresses(
      Map<Tags, Number> rows, String cluster, String pool, String state, Integer v) {
    if (v != null) {
      rows.put(Tags.of("cluster", cluster, "pool", pool, "state", state), v);
    }
  }
}
