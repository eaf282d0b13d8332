package io.cloudpods.apiserver;

import io.cloudpods.replica.LeaseConfig;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ControllerState;
import io.cloudpods.store.ControllerStateStore;
import io.cloudpods.store.LeaseStore;
import io.cloudpods.store.OrphanContainer;
import io.cloudpods.store.OrphanStore;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/status}: convergence summary for dashboards (a tenant token sees its own
 * tenant).
 */
@Path("/api/v1/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

  public record TenantSummary(int pods, Map<String, Integer> byPhase) {}

  /** A pod whose observed state does not (yet) match its spec, and why. */
  public record NotConverged(
      String tenant,
      String name,
      String phase,
      String reason,
      String message,
      long generation,
      Long observedGeneration) {}

  /**
   * A container carrying our marker for a pod that is not stored. The controller never modifies or
   * destroys it; its address and memory stay counted as taken. {@code cluster} is the Proxmox
   * cluster it is on (VMIDs are unique per cluster).
   */
  public record Orphan(
      int vmid,
      String node,
      String name,
      String ownerUid,
      String status,
      List<String> tags,
      String since,
      String cluster) {}

  public record Status(
      int totalPods,
      Map<String, Integer> byPhase,
      Map<String, TenantSummary> byTenant,
      List<NotConverged> notConverged,
      int notConvergedTotal,
      List<Orphan> orphans,
      int orphansTotal,
      String lastFullResync,
      String proxmoxReachable,
      String proxmoxCheckedAt,
      String controllerMessage,
      Controllers controllers) {}

  /**
   * The controller replicas on this database and the clusters' leases (admin only: null for a
   * tenant's token).
   */
  public record Controllers(List<ReplicaView> replicas, List<LeaseStore.Lease> leases) {}

  public record ReplicaView(
      String id,
      String host,
      long pid,
      String startedAt,
      String lastSeen,
      double seenSecondsAgo,
      boolean live,
      List<String> clusters) {}

  static final String UNKNOWN = "unknown";

  private final CloudPodStore pods;
  private final ControllerStateStore controller;
  private final OrphanStore orphans;
  private final RequestSupport req;
  private final LeaseStore leases;
  private final LeaseConfig leaseConfig;

  public StatusResource(
      CloudPodStore pods,
      ControllerStateStore controller,
      OrphanStore orphans,
      RequestSupport req,
      LeaseStore leases,
      LeaseConfig leaseConfig) {
    this.leases = leases;
    this.leaseConfig = leaseConfig;
    this.pods = pods;
    this.controller = controller;
    this.orphans = orphans;
    this.req = req;
  }

  /** Default and largest number of pods listed in {@code notConverged}, and of {@code orphans}. */
  static final int DEFAULT_LIMIT = 100;

  static final int MAX_LIMIT = 10_000;

  @GET
  @Transactional
  public Status status(@QueryParam("limit") String limitParam) {
    int limit = limit(limitParam);
    String tenant = req.caller().tenantFilter();
    Map<String, Integer> byPhase = new TreeMap<>();
    Map<String, Map<String, Integer>> tenantPhases = new TreeMap<>();
    int total = 0;
    for (CloudPodStore.PhaseCount c : pods.phaseCounts(tenant)) {
      total += c.pods();
      byPhase.merge(c.phase(), c.pods(), Integer::sum);
      tenantPhases
          .computeIfAbsent(c.tenant(), t -> new TreeMap<>())
          .merge(c.phase(), c.pods(), Integer::sum);
    }
    Map<String, TenantSummary> byTenant = new TreeMap<>();
    tenantPhases.forEach(
        (t, phases) ->
            byTenant.put(
                t,
                new TenantSummary(
                    phases.values().stream().mapToInt(Integer::intValue).sum(), phases)));
    CloudPodStore.UnconvergedPage page = pods.unconverged(tenant, limit);
    List<NotConverged> problems = page.pods().stream().map(StatusResource::notConverged).toList();
    OrphanStore.Page orphanPage =
        orphans.page(tenant == null ? null : OrphanContainer.tenantTagOf(tenant), limit);
    ControllerState cs = controller.get();
    return new Status(
        total,
        byPhase,
        byTenant,
        problems,
        page.total(),
        orphanPage.orphans().stream().map(StatusResource::orphan).toList(),
        orphanPage.total(),
        cs.lastFullResync() == null ? UNKNOWN : cs.lastFullResync().toString(),
        cs.proxmoxReachable() == null ? UNKNOWN : cs.proxmoxReachable().toString(),
        cs.proxmoxCheckedAt() == null ? null : cs.proxmoxCheckedAt().toString(),
        cs.message(),
        tenant == null ? controllers() : null);
  }

  /** Replicas (live: seen within a lease duration) with the clusters whose leases they hold. */
  private Controllers controllers() {
    List<LeaseStore.Lease> all = leases.leases();
    double liveWithin = leaseConfig.duration().toMillis() / 1000.0;
    List<ReplicaView> replicas =
        leases.replicas().stream()
            .map(
                r ->
                    new ReplicaView(
                        r.id(),
                        r.host(),
                        r.pid(),
                        r.startedAt().toString(),
                        r.seenAt().toString(),
                        r.seenSecondsAgo(),
                        r.seenSecondsAgo() < liveWithin,
                        all.stream()
                            .filter(l -> r.id().equals(l.holder()) && l.expiresInSeconds() > 0)
                            .map(LeaseStore.Lease::cluster)
                            .toList()))
            .toList();
    return new Controllers(replicas, all);
  }

  private static int limit(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "limit", "limit must be a whole number from 0 to " + MAX_LIMIT + ", got '" + value + "'");
  }

  static Orphan orphan(OrphanContainer o) {
    return new Orphan(
        o.vmid(),
        o.node(),
        o.name(),
        o.ownerUid(),
        o.status(),
        o.tags(),
        o.since().toString(),
        o.cluster());
  }

  static NotConverged notConverged(CloudPodStore.Unconverged p) {
    long generation = p.generation();
    Long observed = p.observedGeneration();
    if (p.deleting() && p.readyReason() != null && p.readyReason().startsWith("FinalBackup")) {
      // held by its Final backup (running, or failed and kept): say which, not just "Deleting"
      return new NotConverged(
          p.tenant(), p.name(), p.phase(), p.readyReason(), p.readyMessage(), generation, observed);
    }
    if (p.deleting()) {
      return new NotConverged(
          p.tenant(),
          p.name(),
          p.phase(),
          "Deleting",
          "waiting for the container to be removed",
          generation,
          observed);
    }
    if (observed == null || observed < generation) {
      return new NotConverged(
          p.tenant(),
          p.name(),
          p.phase(),
          "NotObserved",
          "the controller has not reconciled generation " + generation + " yet",
          generation,
          observed);
    }
    if (!p.hasReady()) {
      return new NotConverged(
          p.tenant(),
          p.name(),
          p.phase(),
          "NoReadyCondition",
          "no Ready condition reported",
          generation,
          observed);
    }
    return new NotConverged(
        p.tenant(),
        p.name(),
        p.phase(),
        Objects.requireNonNullElse(p.readyReason(), "NotReady"),
        p.readyMessage(),
        generation,
        observed);
  }
}
