package io.cloudpods.cluster;

import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.ProxmoxClusterStatus;
import java.time.Instant;
import java.util.List;

/**
 * The status a probe leaves: {@code Reachable} from its result (its transition time kept while it
 * does not flip); a failed probe keeps the version and nodes last seen, and {@code lastContact}
 * stays the time of the last answer.
 */
public final class ProbeStatus {

  static final String ANSWERED = "Answered";

  private ProbeStatus() {}

  public static ProxmoxClusterStatus next(
      ProxmoxClusterStatus old, ProbeResult result, long generation, Instant now) {
    List<io.cloudpods.api.v1alpha1.Condition> conditions = old == null ? null : old.conditions();
    if (result instanceof ProbeResult.Answered a) {
      return new ProxmoxClusterStatus(
          Conditions.set(
              conditions,
              ProxmoxClusterStatus.REACHABLE,
              Conditions.TRUE,
              ANSWERED,
              "Proxmox VE "
                  + a.version()
                  + " answered; "
                  + a.nodes().stream().filter(ProxmoxClusterStatus.Node::online).count()
                  + " of "
                  + a.nodes().size()
                  + " nodes online",
              generation,
              now),
          now,
          now,
          a.version(),
          a.nodes(),
          generation);
    }
    ProbeResult.Failed f = (ProbeResult.Failed) result;
    return new ProxmoxClusterStatus(
        Conditions.set(
            conditions,
            ProxmoxClusterStatus.REACHABLE,
            Conditions.FALSE,
            f.reason(),
            f.message(),
            generation,
            now),
        old == null ? null : old.lastContact(),
        now,
        old == null ? null : old.version(),
        old == null ? null : old.nodes(),
        generation);
  }

  /** Did {@code Reachable} change its status from {@code before} to {@code after}? */
  public static boolean flipped(ProxmoxClusterStatus before, ProxmoxClusterStatus after) {
    String b =
        before == null
            ? Conditions.UNKNOWN
            : Conditions.find(before.conditions(), ProxmoxClusterStatus.REACHABLE)
                .map(io.cloudpods.api.v1alpha1.Condition::status)
                .orElse(Conditions.UNKNOWN);
    String a =
        Conditions.find(after.conditions(), ProxmoxClusterStatus.REACHABLE)
            .map(io.cloudpods.api.v1alpha1.Condition::status)
            .orElse(Conditions.UNKNOWN);
    return !a.equals(b);
  }

  public static boolean reachable(ProxmoxClusterStatus s) {
    return s != null && Conditions.isTrue(s.conditions(), ProxmoxClusterStatus.REACHABLE);
  }
}
