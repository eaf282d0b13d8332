package io.cloudpods.backup;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scheduled run of a backup policy, planned without I/O: which pods get a {@code Backup} and
 * which are skipped, and why. A pod is selected when its labels contain every {@code matchLabels}
 * pair (an empty selector selects every pod of the tenant). A selected pod is skipped when it is
 * not provisioned yet (no container to back up) or being deleted (its final backup covers it), and
 * when its previous backup by this policy has not finished, so a pod's backups never overlap.
 */
public final class PolicyRun {

  /** A pod of the policy's tenant as the run sees it. */
  public record Pod(
      String name, Map<String, String> labels, boolean provisioned, boolean deleting) {}

  /** A pod left out of this run. */
  public record Skip(String pod, String reason) {}

  /** A Backup to create: {@code name} for {@code pod}. */
  public record Create(String pod, String name) {}

  /** The plan: backups to create (existing names are not repeated) and pods skipped. */
  public record Plan(List<Create> create, List<Skip> skipped, int selected) {}

  /** The previous run's backup was not finished. */
  public static final String SKIP_PREVIOUS_RUNNING = "PreviousBackupRunning";

  /** The pod has no container yet. */
  public static final String SKIP_NOT_PROVISIONED = "PodNotProvisioned";

  /** The pod is being deleted. */
  public static final String SKIP_DELETING = "PodDeleting";

  private PolicyRun() {}

  /** Whether {@code labels} satisfy {@code matchLabels} (empty or null matches everything). */
  public static boolean selects(Map<String, String> matchLabels, Map<String, String> labels) {
    if (matchLabels == null || matchLabels.isEmpty()) {
      return true;
    }
    Map<String, String> have = labels == null ? Map.of() : labels;
    return matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
  }

  /**
   * @param unfinished pods whose latest backup by this policy is not terminal
   * @param existing names of Backups that already exist (a retried run creates nothing twice)
   */
  public static Plan plan(
      String policy,
      Map<String, String> matchLabels,
      List<Pod> pods,
      Set<String> unfinished,
      Set<String> existing,
      Instant scheduled,
      ZoneId zone) {
    List<Create> create = new ArrayList<>();
    List<Skip> skipped = new ArrayList<>();
    int selected = 0;
    for (Pod p : pods) {
      if (!selects(matchLabels, p.labels())) {
        continue;
      }
      selected++;
      String name = BackupNames.scheduled(p.name(), policy, scheduled, zone);
      if (existing.contains(name)) {
        continue; // this run already created it
      }
      if (p.deleting()) {
        skipped.add(new Skip(p.name(), SKIP_DELETING));
      } else if (!p.provisioned()) {
        skipped.add(new Skip(p.name(), SKIP_NOT_PROVISIONED));
      } else if (unfinished.contains(p.name())) {
        skipped.add(new Skip(p.name(), SKIP_PREVIOUS_RUNNING));
      } else {
        create.add(new Create(p.name(), name));
      }
    }
    return new Plan(create, skipped, selected);
  }
}
