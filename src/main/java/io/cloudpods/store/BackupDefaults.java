package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.BackupPolicySpec;
import io.cloudpods.api.v1alpha1.BackupRetention;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.LabelSelector;
import io.cloudpods.api.v1alpha1.RestoreSpec;
import io.cloudpods.api.v1alpha1.RestoreSpec.RestoreTarget;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Fills the defaults of BackupPolicy, Backup and Restore specs: at admission (so re-applying the
 * same manifest changes nothing) and again when reading rows a control plane inserted by SQL.
 */
@ApplicationScoped
public class BackupDefaults {
  private final BackupsConfig cfg;

  public BackupDefaults(BackupsConfig cfg) {
    this.cfg = cfg;
  }

  public BackupsConfig config() {
    return cfg;
  }

  /**
   * Retention absent: {@code keepLast} from the config, nothing else; present: the options left out
   * are 0 (not set).
   */
  public BackupPolicySpec policy(BackupPolicySpec s) {
    BackupRetention r = s.retention();
    BackupRetention retention =
        r == null
            ? new BackupRetention(cfg.keepLast(), 0, 0, 0, 0, 0)
            : new BackupRetention(
                zero(r.keepLast()),
                zero(r.keepHourly()),
                zero(r.keepDaily()),
                zero(r.keepWeekly()),
                zero(r.keepMonthly()),
                zero(r.keepYearly()));
    LabelSelector selector =
        s.selector() == null || s.selector().matchLabels() == null
            ? new LabelSelector(Map.of())
            : s.selector();
    return new BackupPolicySpec(
        s.schedule(),
        or(s.timeZone(), cfg.timeZone()),
        selector,
        or(s.storage(), cfg.storage()),
        or(s.mode(), cfg.mode()),
        or(s.compress(), cfg.compress()),
        retention,
        or(s.catchUp(), BackupPolicySpec.CATCH_UP_SKIP),
        or(s.suspend(), Boolean.FALSE));
  }

  public BackupSpec backup(BackupSpec s) {
    return new BackupSpec(
        s.pod(),
        or(s.storage(), cfg.storage()),
        or(s.mode(), cfg.mode()),
        or(s.compress(), cfg.compress()),
        or(s.reason(), BackupSpec.REASON_MANUAL),
        or(s.protect(), Boolean.FALSE),
        s.notes(),
        s.policy());
  }

  /** Without a target, a new pod named like the Restore itself ({@code restoreName}). */
  public RestoreSpec restore(RestoreSpec s, String restoreName) {
    RestoreTarget t = s.target();
    if (t == null || (t.podName() == null && !t.isInPlace())) {
      t = new RestoreTarget(restoreName, null);
    }
    return new RestoreSpec(s.backup(), t);
  }

  private static int zero(Integer v) {
    return v == null ? 0 : v;
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
