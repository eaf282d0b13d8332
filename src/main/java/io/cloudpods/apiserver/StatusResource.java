package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.auth.Caller;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ControllerState;
import io.cloudpods.store.ControllerStateStore;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** {@code GET /api/v1/status}: convergence summary for dashboards (a tenant token sees its own tenant). */
@Path("/api/v1/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

  public record TenantSummary(int pods, Map<String, Integer> byPhase) {}

  /** A pod whose observed state does not (yet) match its spec, and why. */
  public record NotConverged(
      String tenant, String name, String phase, String reason, String message, long generation, Long observedGeneration) {}

  public record Status(
      int totalPods,
      Map<String, Integer> byPhase,
      Map<String, TenantSummary> byTenant,
      List<NotConverged> notConverged,
      String lastFullResync,
      String proxmoxReachable,
      String proxmoxCheckedAt,
      String controllerMessage) {}

  static final String UNKNOWN = "unknown";

  private final CloudPodStore pods;
  private final ControllerStateStore controller;
  private final RequestSupport req;

  public StatusResource(CloudPodStore pods, ControllerStateStore controller, RequestSupport req) {
    this.pods = pods;
    this.controller = controller;
    this.req = req;
  }

  @GET
  @Transactional
  public Status status() {
    Caller caller = req.caller();
    List<CloudPod> all = pods.list(caller.tenantFilter());
    Map<String, Integer> byPhase = new TreeMap<>();
    Map<String, Map<String, Integer>> tenantPhases = new TreeMap<>();
    List<NotConverged> problems = new ArrayList<>();
    for (CloudPod p : all) {
      String phase = p.status().phase();
      byPhase.merge(phase, 1, Integer::sum);
      tenantPhases.computeIfAbsent(p.metadata().tenant(), t -> new TreeMap<>()).merge(phase, 1, Integer::sum);
      NotConverged nc = notConverged(p);
      if (nc != null) {
        problems.add(nc);
      }
    }
    Map<String, TenantSummary> byTenant = new TreeMap<>();
    tenantPhases.forEach(
        (t, phases) -> byTenant.put(t, new TenantSummary(phases.values().stream().mapToInt(Integer::intValue).sum(), phases)));
    ControllerState cs = controller.get();
    return new Status(
        all.size(),
        byPhase,
        byTenant,
        problems,
        cs.lastFullResync() == null ? UNKNOWN : cs.lastFullResync().toString(),
        cs.proxmoxReachable() == null ? UNKNOWN : cs.proxmoxReachable().toString(),
        cs.proxmoxCheckedAt() == null ? null : cs.proxmoxCheckedAt().toString(),
        cs.message());
  }

  static NotConverged notConverged(CloudPod p) {
    long generation = p.metadata().generation();
    Long observed = p.status().observedGeneration();
    String phase = p.status().phase();
    String tenant = p.metadata().tenant();
    String name = p.metadata().name();
    if (p.metadata().deletionTimestamp() != null) {
      return new NotConverged(tenant, name, phase, "Deleting", "waiting for the container to be removed", generation, observed);
    }
    if (observed == null || observed < generation) {
      return new NotConverged(
          tenant, name, phase, "NotObserved", "the controller has not reconciled generation " + generation + " yet", generation, observed);
    }
    Condition ready =
        p.status().conditions() == null
            ? null
            : p.status().conditions().stream().filter(c -> "Ready".equals(c.type())).findFirst().orElse(null);
    if (ready == null || !"True".equals(ready.status())) {
      return new NotConverged(
          tenant,
          name,
          phase,
          ready == null ? "NoReadyCondition" : Objects.requireNonNullElse(ready.reason(), "NotReady"),
          ready == null ? "no Ready condition reported" : ready.message(),
          generation,
          observed);
    }
    return null;
  }
}
