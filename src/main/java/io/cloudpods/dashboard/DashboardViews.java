package io.cloudpods.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.auth.Caller;
import io.cloudpods.dashboard.Views.FilterForm;
import io.cloudpods.dashboard.Views.Overview;
import io.cloudpods.dashboard.Views.PodList;
import io.cloudpods.dashboard.Views.PodPage;
import io.cloudpods.dashboard.Views.PodSetRow;
import io.cloudpods.dashboard.Views.TenantRow;
import io.cloudpods.proxmox.ProxmoxConfig;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ControllerStateStore;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.Json;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.ProxmoxClusterStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.TenantStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds what each dashboard page shows from the stores, read-only, always within what {@code
 * caller} may read: a tenant token's views hold its own tenant and nothing else.
 */
@ApplicationScoped
public class DashboardViews {
  private final CloudPodStore pods;
  private final TenantStore tenants;
  private final PodSetStore podSets;
  private final EventStore events;
  private final ControllerStateStore controller;
  private final ProxmoxConfig proxmox;
  private final ProxmoxClusterStore clusters;
  private final DashboardConfig config;
  private final Optional<String> region;

  public DashboardViews(
      CloudPodStore pods,
      TenantStore tenants,
      PodSetStore podSets,
      EventStore events,
      ControllerStateStore controller,
      ProxmoxConfig proxmox,
      DashboardConfig config,
      @ConfigProperty(name = "cloudpods.region") Optional<String> region,
      ProxmoxClusterStore clusters) {
    this.clusters = clusters;
    this.pods = pods;
    this.tenants = tenants;
    this.podSets = podSets;
    this.events = events;
    this.controller = controller;
    this.proxmox = proxmox;
    this.config = config;
    this.region = region;
  }

  @Transactional
  public Overview overview(Caller caller) {
    String tenant = caller.tenantFilter();
    Map<String, Integer> byPhase = new TreeMap<>();
    int total = 0;
    for (CloudPodStore.PhaseCount c : pods.phaseCounts(tenant)) {
      total += c.pods();
      byPhase.merge(c.phase(), c.pods(), Integer::sum);
    }
    int ready =
        pods.readyCounts().entrySet().stream()
            .filter(e -> tenant == null || tenant.equals(e.getKey()))
            .mapToInt(Map.Entry::getValue)
            .sum();
    CloudPodStore.UnconvergedPage unconverged = pods.unconverged(tenant, 10);
    int tenantCount = tenant == null ? tenants.list(null).size() : 1;
    return new Overview(
        clusterRows(),
        total,
        ready,
        Views.ordered(byPhase),
        tenantCount,
        unconverged.pods(),
        unconverged.total());
  }

  /** The cluster {@code default}, then every added ProxmoxCluster with its last probe. */
  private List<ClusterRow> clusterRows() {
    List<ClusterRow> rows = new java.util.ArrayList<>();
    rows.add(
        ClusterRow.of(ClusterRow.DEFAULT, region.orElse(null), proxmox.url(), controller.get()));
    for (ProxmoxCluster c : clusters.list(null)) {
      rows.add(ClusterRow.of(c));
    }
    return rows;
  }

  @Transactional
  public List<TenantRow> tenants(Caller caller) {
    String only = caller.tenantFilter();
    Map<String, Integer> ready = pods.readyCounts();
    return tenants.list(null).stream()
        .filter(t -> only == null || only.equals(t.metadata().name()))
        .map(t -> tenantRow(t, ready.getOrDefault(t.metadata().name(), 0)))
        .toList();
  }

  private static TenantRow tenantRow(Tenant t, int ready) {
    return new TenantRow(
        t.metadata().name(),
        t.spec() == null ? null : t.spec().displayName(),
        t.status() == null ? null : t.status().phase(),
        ready,
        QuotaBar.of(t));
  }

  /** The pods the caller may see that match {@code filter}, at most {@code max-pod-rows}. */
  @Transactional
  public PodList pods(Caller caller, PodFilter filter) {
    PodFilter f = filter.within(caller.tenantFilter());
    List<PodRow> all = pods.list(f.tenant()).stream().map(PodRow::of).toList();
    List<PodRow> matched = all.stream().filter(f::matches).toList();
    int max = config.maxPodRows();
    boolean truncated = matched.size() > max;
    return new PodList(
        truncated ? matched.subList(0, max) : matched, matched.size(), all.size(), truncated, f);
  }

  /** The filter form's choices: the tenants the caller may see and the phases pods are in. */
  @Transactional
  public FilterForm filterForm(Caller caller, PodFilter filter) {
    String only = caller.tenantFilter();
    List<String> names =
        only != null
            ? List.of(only)
            : tenants.list(null).stream().map(t -> t.metadata().name()).toList();
    TreeSet<String> phases =
        pods.phaseCounts(only).stream()
            .map(CloudPodStore.PhaseCount::phase)
            .collect(Collectors.toCollection(TreeSet::new));
    if (filter.phase() != null) {
      phases.add(filter.phase());
    }
    return new FilterForm(filter.within(only), names, List.copyOf(phases));
  }

  /**
   * A pod's page, or empty when there is no such pod or the caller may not see it (the same answer
   * for both: a tenant token learns nothing of another tenant's pods).
   */
  @Transactional
  public Optional<PodPage> pod(Caller caller, String tenant, String name) {
    String only = caller.tenantFilter();
    if (only != null && !only.equals(tenant)) {
      return Optional.empty();
    }
    return pods.get(new ResourceKey(tenant, name)).map(this::podPage);
  }

  private PodPage podPage(CloudPod p) {
    List<Condition> conditions =
        p.status() == null || p.status().conditions() == null ? List.of() : p.status().conditions();
    String labels =
        p.metadata().labels() == null
            ? ""
            : p.metadata().labels().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    return new PodPage(
        p,
        PodRow.of(p),
        pretty(p.spec()),
        labels,
        conditions,
        events.query(
            -1, config.podEvents(), p.metadata().tenant(), "CloudPod", p.metadata().name()));
  }

  @Transactional
  public List<PodSetRow> podSets(Caller caller) {
    return podSets.list(caller.tenantFilter()).stream().map(DashboardViews::podSetRow).toList();
  }

  private static PodSetRow podSetRow(PodSet s) {
    Condition ready =
        s.status() == null
            ? null
            : Conditions.find(s.status().conditions(), CloudPodConditions.READY).orElse(null);
    return new PodSetRow(
        s.metadata().tenant(),
        s.metadata().name(),
        s.spec() == null || s.spec().replicas() == null ? 0 : s.spec().replicas(),
        s.status() == null || s.status().readyReplicas() == null ? 0 : s.status().readyReplicas(),
        ready == null ? Conditions.UNKNOWN : ready.status(),
        ready == null ? null : ready.reason());
  }

  private static String pretty(Object value) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot show " + value, e);
    }
  }
}
