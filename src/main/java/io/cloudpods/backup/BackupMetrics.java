package io.cloudpods.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backup figures, labelled by tenant (and policy), never by pod:
 *
 * <ul>
 *   <li>{@code cloudpods_backups_total{tenant,reason,result}}: finished backups, result {@code
 *       Completed} or {@code Failed}; every reason/result pair of a tenant starts at 0, so rates
 *       and alerts see the first failure;
 *   <li>{@code cloudpods_backup_duration_seconds{tenant}}: start to completion of completed ones;
 *   <li>{@code cloudpods_backup_last_success_timestamp_seconds{tenant,policy}};
 *   <li>{@code cloudpods_backup_max_age_seconds{tenant}}: over the pods a policy of the tenant
 *       selects, the longest time since a pod's last completed backup (since the pod or the policy
 *       was created, whichever is later, for a pod never backed up).
 * </ul>
 */
public final class BackupMetrics {

  static final List<String> REASONS = List.of("Manual", "Scheduled", "Final", "BeforeRestore");
  static final List<String> RESULTS = List.of(BackupPhase.COMPLETED, BackupPhase.FAILED);

  private final MeterRegistry registry;
  private final Set<String> tenants = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> maxAge = new ConcurrentHashMap<>();

  public BackupMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the tenant's counters at 0 (idempotent). */
  public void knowTenant(String tenant) {
    if (!tenants.add(tenant)) {
      return;
    }
    for (String reason : REASONS) {
      for (String result : RESULTS) {
        total(tenant, reason, result);
      }
    }
    duration(tenant);
  }

  /** A backup finished with {@code result} ({@code Completed} or {@code Failed}). */
  public void finished(String tenant, String reason, String result, Duration took) {
    knowTenant(tenant);
    total(tenant, reason == null ? "Manual" : reason, result).increment();
    if (BackupPhase.COMPLETED.equals(result) && took != null && !took.isNegative()) {
      duration(tenant).record(took);
    }
  }

  /** The policy's latest completed backup. */
  public void lastSuccess(String tenant, String policy, Instant at) {
    AtomicLong v =
        lastSuccess.computeIfAbsent(
            tenant + "\u0000" + policy,
            k -> {
              AtomicLong a = new AtomicLong();
              Gauge.builder("cloudpods_backup_last_success_timestamp_seconds", a, AtomicLong::get)
                  .description("When the policy's latest backup completed")
                  .tags("tenant", tenant, "policy", policy)
                  .register(registry);
              return a;
            });
    v.accumulateAndGet(at.getEpochSecond(), Math::max);
  }

  /** The tenant's staleness: the longest time any selected pod has gone without a backup. */
  public void maxAge(String tenant, Duration age) {
    maxAge
        .computeIfAbsent(
            tenant,
            k -> {
              AtomicLong a = new AtomicLong();
              Gauge.builder("cloudpods_backup_max_age_seconds", a, AtomicLong::get)
                  .description(
                      "Longest time since a policy-selected pod of the tenant was last backed up")
                  .tags("tenant", tenant)
                  .register(registry);
              return a;
            })
        .set(Math.max(0, age.toSeconds()));
  }

  private Counter total(String tenant, String reason, String result) {
    return Counter.builder("cloudpods_backups")
        .description("Backups finished, by tenant, reason and result")
        .tags("tenant", tenant, "reason", reason, "result", result)
        .register(registry);
  }

  private Timer duration(String tenant) {
    return Timer.builder("cloudpods_backup_duration")
        .description("Time from a backup's start to its completion")
        .tags("tenant", tenant)
        .serviceLevelObjectives(
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofMinutes(2),
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            Duration.ofMinutes(30),
            Duration.ofHours(1))
        .register(registry);
  }
}
