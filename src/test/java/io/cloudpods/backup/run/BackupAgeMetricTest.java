package io.cloudpods.backup.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicySpec;
import io.cloudpods.api.v1alpha1.BackupRetention;
import io.cloudpods.api.v1alpha1.LabelSelector;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.backup.BackupConfig;
import io.cloudpods.testsupport.FakeProxmoxClient;
import io.cloudpods.testsupport.MutableClock;
import io.cloudpods.testsupport.RecordingEventSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cloudpods_backup_max_age_seconds}: a policy applied between two resyncs shows in its
 * tenant's backup age as soon as the policy is reconciled, and only while the controller runs
 * backups (holds the lease).
 */
class BackupAgeMetricTest {

  static final String T = "acme";

  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T02:00:00Z"));
  final FakeProxmoxClient fake = new FakeProxmoxClient(clock);
  final InMemoryBackups store = new InMemoryBackups(clock);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AtomicBoolean active = new AtomicBoolean(true);
  final BackupPods.Pod db =
      new BackupPods.Pod(
          T,
          "db-1",
          "uid-db-1",
          Map.of("tier", "db"),
          9101,
          "pve",
          false,
          clock.instant().minus(Duration.ofHours(5)),
          null);
  BackupController controller;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.stop();
    }
  }

  @Test
  void aPolicyAppliedBetweenResyncs_showsInTheTenantsBackupAge_withoutWaitingForTheResync()
      throws Exception {
    controller = start(); // its first resync runs now and finds no policy; the next is in an hour
    Thread.sleep(200);
    assertThat(age()).isEmpty();

    clock.advance(Duration.ofMinutes(90));
    applyPolicy(clock.instant().minus(Duration.ofMinutes(30)));

    assertThat(awaitAge()).contains(30.0 * 60);
  }

  @Test
  void aReplicaThatDoesNotRunBackups_reportsNoBackupAge() throws Exception {
    active.set(false);
    controller = start();
    applyPolicy(clock.instant());

    Thread.sleep(1_000);
    assertThat(age()).isEmpty();
  }

  private BackupController start() {
    BackupPods pods =
        new BackupPods() {
          public Optional<Pod> pod(String tenant, String name) {
            return name.equals(db.name()) ? Optional.of(db) : Optional.empty();
          }

          public List<Pod> pods(String tenant) {
            return T.equals(tenant) ? List.of(db) : List.of();
          }
        };
    BackupController c =
        new BackupController(
            hourlyResync(),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            fake,
            store,
            store.policies(),
            pods,
            new RecordingEventSink(),
            registry,
            clock,
            active::get);
    c.start();
    return c;
  }

  private void applyPolicy(Instant created) {
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
                null,
                false),
            null));
    controller.onChange("BackupPolicy", T, "nightly");
  }

  private Optional<Double> age() {
    Gauge g = registry.find("cloudpods_backup_max_age_seconds").tag("tenant", T).gauge();
    return g == null ? Optional.empty() : Optional.of(g.value());
  }

  private Optional<Double> awaitAge() throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (age().isEmpty() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    return age();
  }

  private static BackupConfig hourlyResync() {
    BackupConfig base = BackupReconcilerTest.config();
    return new BackupConfig() {
      public int maxAttempts() {
        return base.maxAttempts();
      }

      public Duration retryBase() {
        return base.retryBase();
      }

      public Duration retryMax() {
        return base.retryMax();
      }

      public Duration finalRetention() {
        return base.finalRetention();
      }

      public int perNode() {
        return base.perNode();
      }

      public Duration pollInitial() {
        return base.pollInitial();
      }

      public Duration pollMax() {
        return base.pollMax();
      }

      public Duration lockedRecheck() {
        return base.lockedRecheck();
      }

      public Duration startingDeadline() {
        return base.startingDeadline();
      }

      public Duration resyncInterval() {
        return Duration.ofHours(1);
      }
    };
  }
}
