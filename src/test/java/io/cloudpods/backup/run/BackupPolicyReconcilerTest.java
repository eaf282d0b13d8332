package io.cloudpods.backup.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicySpec;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus;
import io.cloudpods.api.v1alpha1.BackupRetention;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.LabelSelector;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.MutableClock;
import io.cloudpods.testsupport.RecordingEventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The policy reconcile: when runs happen, what they create, what the status says. Plain JUnit. */
class BackupPolicyReconcilerTest {

  static final String T = "acme";
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T01:59:30Z"));
  final InMemoryBackups store = new InMemoryBackups(clock);
  final RecordingEventSink events = new RecordingEventSink();
  final Map<String, BackupPods.Pod> pods = new LinkedHashMap<>();
  final ResourceKey key = ResourceKey.of(T, "nightly");
  final BackupPolicyReconciler reconciler =
      new BackupPolicyReconciler(
          store.policies(),
          store,
          new BackupPods() {
            public Optional<Pod> pod(String tenant, String name) {
              return Optional.ofNullable(pods.get(name));
            }

            public List<Pod> pods(String tenant) {
              return List.copyOf(pods.values());
            }
          },
          events,
          Duration.ofMinutes(5),
          clock);

  private void pod(String name, String tier, boolean provisioned) {
    pods.put(
        name,
        new BackupPods.Pod(
            T,
            name,
            "u-" + name,
            Map.of("tier", tier),
            provisioned ? 9100 + pods.size() : null,
            provisioned ? "pve" : null,
            false,
            clock.instant(),
            null));
  }

  private void policy(String catchUp, boolean suspend, Instant created) {
    store.putPolicy(
        new BackupPolicy(
            "cloudpods.io/v1alpha1",
            "BackupPolicy",
            new ObjectMeta("nightly", T, Map.of(), null, null, null, created, null, null),
            new BackupPolicySpec(
                "0 2 * * *",
                "UTC",
                new LabelSelector(Map.of("tier", "db")),
                "vzdump-backups",
                "snapshot",
                "zstd",
                new BackupRetention(7, 0, 0, 0, 0, 0),
                catchUp,
                suspend),
            null));
  }

  private BackupPolicyStatus status() {
    return store.policy(key).orElseThrow().status();
  }

  private void complete(Backup b, String phase) {
    BackupStatus s = BackupStatus.pending();
    store.updateStatus(
        ResourceKey.of(T, b.metadata().name()),
        new BackupStatus(
            phase,
            "vzdump-backups:backup/x",
            1L,
            "pve",
            9101,
            null,
            clock.instant(),
            clock.instant(),
            null,
            1,
            null,
            phase.equals("Failed") ? "tar failed" : null,
            "snapshot",
            null,
            null,
            1L,
            s.conditions(),
            null));
  }

  @Test
  void beforeTheDueTime_waits_requeuedForTheDueTime_notPolling() {
    pod("db-0", "db", true);
    policy("Skip", false, clock.instant());
    ReconcileResult r = reconciler.reconcile(key);
    assertThat(status().nextScheduleTime()).isEqualTo(Instant.parse("2026-03-01T02:00:00Z"));
    assertThat(r.requeueAfter()).isPresent();
    assertThat(r.requeueAfter().get()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(31));
    assertThat(store.list(T)).isEmpty();
  }

  @Test
  void atTheDueTime_createsOneScheduledBackupPerSelectedPod_andRecordsTheRun() {
    pod("db-0", "db", true);
    pod("db-1", "db", false);
    pod("web-0", "web", true);
    policy("Skip", false, clock.instant());
    reconciler.reconcile(key);
    clock.advance(Duration.ofSeconds(31));

    reconciler.reconcile(key);

    List<Backup> made = store.listByPolicy(T, "nightly");
    assertThat(made)
        .extracting(b -> b.metadata().name())
        .containsExactly("db-0-nightly-202603010200");
    assertThat(made.get(0).spec().reason()).isEqualTo("Scheduled");
    assertThat(status().lastScheduleTime()).isEqualTo(Instant.parse("2026-03-01T02:00:00Z"));
    assertThat(status().nextScheduleTime()).isEqualTo(Instant.parse("2026-03-02T02:00:00Z"));
    assertThat(status().lastRunResult().result()).isEqualTo("Running");
    assertThat(events.events())
        .anySatisfy(e -> assertThat(e.message()).contains("db-1 (PodNotProvisioned)"));

    // a second pass creates nothing twice
    reconciler.reconcile(key);
    assertThat(store.listByPolicy(T, "nightly")).hasSize(1);

    complete(made.get(0), "Completed");
    reconciler.reconcile(key);
    assertThat(status().lastRunResult().result()).isEqualTo("Succeeded");
    assertThat(status().lastSuccessfulTime()).isNotNull();
    assertThat(Conditions.isTrue(status().conditions(), BackupConditions.LAST_RUN_SUCCEEDED))
        .isTrue();
  }

  @Test
  void aFailedBackup_showsOnThePolicy() {
    pod("db-0", "db", true);
    policy("Skip", false, clock.instant());
    clock.advance(Duration.ofSeconds(31));
    reconciler.reconcile(key);
    complete(store.listByPolicy(T, "nightly").get(0), "Failed");
    reconciler.reconcile(key);
    assertThat(status().lastRunResult().result()).isEqualTo("Failed");
    assertThat(
            Conditions.hasReason(
                status().conditions(), BackupConditions.LAST_RUN_SUCCEEDED, "BackupFailed"))
        .isTrue();
    assertThat(events.reasons()).contains("RunFailed");
  }

  @Test
  void aPodsBackupNeverOverlapsItsPrevious() {
    pod("db-0", "db", true);
    policy("Skip", false, clock.instant());
    clock.advance(Duration.ofSeconds(31));
    reconciler.reconcile(key); // 02:00 run, backup stays Running
    clock.advance(Duration.ofDays(1));
    reconciler.reconcile(key); // next day's run
    assertThat(store.listByPolicy(T, "nightly")).hasSize(1);
    assertThat(events.events())
        .anySatisfy(e -> assertThat(e.message()).contains("db-0 (PreviousBackupRunning)"));
  }

  @Test
  void missedWhileDown_catchUpOnce_runsOnce_andSaysSo() {
    pod("db-0", "db", true);
    policy("Once", false, Instant.parse("2026-02-20T00:00:00Z"));
    reconciler.reconcile(key);
    assertThat(store.listByPolicy(T, "nightly")).hasSize(1);
    assertThat(
            Conditions.hasReason(status().conditions(), BackupConditions.SCHEDULED, "CaughtUpOnce"))
        .isTrue();
    assertThat(status().skippedRuns().count()).isEqualTo(8);
  }

  @Test
  void missedWhileDown_catchUpSkip_runsNothing_andCountsThem() {
    pod("db-0", "db", true);
    policy("Skip", false, Instant.parse("2026-02-20T00:00:00Z"));
    reconciler.reconcile(key);
    assertThat(store.listByPolicy(T, "nightly")).isEmpty();
    assertThat(status().skippedRuns().count()).isEqualTo(9);
    assertThat(status().skippedRuns().lastReason()).isEqualTo("MissedWhileDown");
    assertThat(status().nextScheduleTime()).isEqualTo(Instant.parse("2026-03-01T02:00:00Z"));
  }

  @Test
  void suspended_runsNothing_andHasNoNextTime() {
    pod("db-0", "db", true);
    policy("Skip", true, clock.instant());
    clock.advance(Duration.ofMinutes(1));
    assertThat(reconciler.reconcile(key).requeueAfter()).isEmpty();
    assertThat(store.list(T)).isEmpty();
    assertThat(status().nextScheduleTime()).isNull();
    assertThat(Conditions.hasReason(status().conditions(), BackupConditions.SCHEDULED, "Suspended"))
        .isTrue();
  }
}
