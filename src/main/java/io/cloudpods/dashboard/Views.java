package io.cloudpods.dashboard;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.auth.Caller;
import io.cloudpods.store.CloudPodStore;
import java.util.List;
import java.util.Map;

/** What the dashboard's templates show: plain records, built by {@link DashboardViews}. */
public final class Views {
  private Views() {}

  /** Who is signed in, for the page header. */
  public record Header(String actor, String role, String tenant) {
    static Header of(Caller c) {
      return new Header(c.tokenName(), c.role().name(), c.tenant());
    }
  }

  public record PhaseCount(String phase, int pods) {}

  public record Overview(
      List<ClusterRow> clusters,
      int totalPods,
      int readyPods,
      List<PhaseCount> byPhase,
      int tenants,
      List<CloudPodStore.Unconverged> notConverged,
      int notConvergedTotal) {}

  public record TenantRow(
      String name, String displayName, String phase, int readyPods, List<QuotaBar> bars) {}

  /**
   * @param matched pods the filter matched (more than {@code rows} when truncated)
   * @param total pods the caller may see
   */
  public record PodList(
      List<PodRow> rows, int matched, int total, boolean truncated, PodFilter filter) {}

  /** The pod list's filter form: the current filter and the choices it offers. */
  public record FilterForm(PodFilter filter, List<String> tenants, List<String> phases) {}

  public record PodPage(
      CloudPod pod,
      PodRow row,
      String specJson,
      String labelsText,
      List<Condition> conditions,
      List<Event> events) {}

  public record PodSetRow(
      String tenant, String name, int replicas, int readyReplicas, String ready, String reason) {}

  /** Counts by phase in a stable order: the usual lifecycle first, anything else after. */
  static List<PhaseCount> ordered(Map<String, Integer> byPhase) {
    List<String> order =
        List.of(
            CloudPodConditions.PHASE_PENDING,
            CloudPodConditions.PHASE_PROVISIONING,
            CloudPodConditions.PHASE_RUNNING,
            CloudPodConditions.PHASE_STOPPED,
            CloudPodConditions.PHASE_FAILED,
            CloudPodConditions.PHASE_DELETING);
    List<PhaseCount> out = new java.util.ArrayList<>();
    for (String p : order) {
      if (byPhase.containsKey(p)) {
        out.add(new PhaseCount(p, byPhase.get(p)));
      }
    }
    byPhase.forEach(
        (p, n) -> {
          if (!order.contains(p)) {
            out.add(new PhaseCount(p, n));
          }
        });
    return out;
  }
}
