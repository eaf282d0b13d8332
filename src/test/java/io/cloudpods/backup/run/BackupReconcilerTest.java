package io.cloudpods.backup.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicySpec;
import io.cloudpods.api.v1alpha1.BackupRetention;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.LabelSelector;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.backup.BackupConfig;
import io.cloudpods.backup.BackupMetrics;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.FakeProxmoxClient;
import io.cloudpods.testsupport.MutableClock;
import io.cloudpods.testsupport.RecordingEventSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Backup reconcile's steps against FakeProxmoxClient: plain JUnit, no I/O. */
class BackupReconcilerTest {

  static final String NODE = "pve";
  static final String T = "acme";
  static final long GIB = 1L << 30;

  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T02:00:00Z"));
  final FakeProxmoxClient fake = new FakeProxmoxClient(clock);
  final InMemoryBackups store = new InMemoryBackups(clock);
  final RecordingEventSink events = new RecordingEventSink();
  final Map<String, BackupPods.Pod> pods = new HashMap<>();
  final List<ResourceKey> woken = new ArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  BackupReconciler reconciler;

  static BackupConfig config() {
    return new BackupConfig() {
      public int maxAttempts() {
        return 3;
      }

      public Duration retryBase() {
        return Duration.ofSeconds(30);
      }

      public Duration retryMax() {
        return Duration.ofMinutes(10);
      }

      public Duration finalRetention() {
        return Duration.ofDays(30);
      }

      public int perNode() {
        return 1;
      }

      public Duration pollInitial() {
        return Duration.ofSeconds(1);
      }

      public Duration pollMax() {
        return Duration.ofSeconds(15);
      }

      public Duration lockedRecheck() {
        return Duration.ofSeconds(15);
      }

      public Duration startingDeadline() {
        return Duration.ofMinutes(5);
      }

      public Duration resyncInterval() {
        return Duration.ofSeconds(30);
      }
    };
  }

  @BeforeEach
  void seed() {
    fake.addNode(NODE, 64 * GIB)
        .addStorage(NODE, "clients-main", 1024 * GIB)
        .addStorage(NODE, "vzdump-backups", "dir", 1024 * GIB, "backup")
        .addPool("ClientPods")
        .addTemplate(NODE, 9000, "cloudpod-template");
    BackupPods lookup =
        new BackupPods() {
          public Optional<Pod> pod(String tenant, String name) {
            return Optional.ofNullable(pods.get(name));
          }

          public List<Pod> pods(String tenant) {
            return List.copyOf(pods.values());
          }
        };
    NodeSlots slots = new NodeSlots(1, woken::add);
    reconciler =
        new BackupReconciler(
                store,
                store.policies(),
                lookup,
                fake,
                events,
                new BackupMetrics(registry),
                config(),
                slots,
                new ArchiveIndex(fake, clock, Duration.ofSeconds(15)),
                clock)
            .wakeWith(woken::add, (k, d) -> woken.add(k));
  }

  private void pod(String name, int vmid) {
    fake.finishTask(
        fake.cloneContainer(
            NODE,
            9000,
            CloneRequest.builder(vmid)
                .hostname(name)
                .pool("ClientPods")
                .fullCloneTo("clients-main")
                .build()));
    pods.put(
        name,
        new BackupPods.Pod(
            T, name, "uid-" + name, Map.of(), vmid, NODE, false, clock.instant(), null));
  }

  private ResourceKey backup(
      String name, String pod, String reason, boolean protect, String policy) {
    store.create(
        Backup.of(
            ObjectMeta.named(T, name),
            new BackupSpec(pod, null, null, null, reason, protect, null, policy)));
    return ResourceKey.of(T, name);
  }

  private BackupStatus status(ResourceKey k) {
    return store.get(k).orElseThrow().status();
  }

  private ReconcileResult pass(ResourceKey k) {
    return reconciler.reconcile(k);
  }

  /** Runs the backup's task to its end and reconciles until it rests. */
  private void finish(ResourceKey k) {
    fake.finishTask(Upid.parse(status(k).taskRef()));
    pass(k);
  }

  @Test
  void manualBackup_runsVzdumpOnThePodsNode_andCompletesWithTheVolidFromTheLog() {
    pod("web-0", 9101);
    ResourceKey k = backup("web-0-1", "web-0", "Manual", false, null);

    pass(k);
    BackupStatus running = status(k);
    assertThat(running.phase()).isEqualTo("Running");
    assertThat(running.node()).isEqualTo(NODE);
    assertThat(running.taskRef()).contains(":vzdump:9101:");
    var wire =
        fake.mutations().stream()
            .filter(m -> m.method().equals("vzdump"))
            .findFirst()
            .orElseThrow();
    assertThat(wire.params())
        .containsEntry("storage", "vzdump-backups")
        .containsEntry("mode", "snapshot");
    assertThat(wire.params().get("notes-template"))
        .contains("backup=web-0-1")
        .contains("tenant=acme");

    finish(k);
    BackupStatus done = status(k);
    assertThat(done.phase()).isEqualTo("Completed");
    assertThat(done.volid()).isEqualTo(fake.archives(NODE, "vzdump-backups").get(0));
    assertThat(done.sizeBytes()).isPositive();
    assertThat(done.completionTime()).isNotNull();
    assertThat(Conditions.isTrue(done.conditions(), BackupConditions.SUCCEEDED)).isTrue();
    assertThat(events.reasons()).contains("BackupStarting", "BackupCompleted");
  }

  @Test
  void finalBackup_isProtected_andExpiresAfterTheRetention() {
    pod("web-0", 9101);
    ResourceKey k = backup("web-0-final", "web-0", "Final", true, null);
    pass(k);
    finish(k);
    assertThat(fake.storageContent(NODE, "vzdump-backups", Optional.of("backup"), Optional.empty()))
        .singleElement()
        .satisfies(c -> assertThat(c.isProtected()).isTrue());
    assertThat(status(k).expiresAt())
        .isEqualTo(status(k).completionTime().plus(Duration.ofDays(30)));

    clock.advance(Duration.ofDays(31));
    pass(k); // expire: marked for deletion
    pass(k); // unprotect, imgdel
    fake.finishTask(Upid.parse(status(k).taskRef()));
    pass(k);
    assertThat(store.get(k)).isEmpty();
    assertThat(fake.archives(NODE, "vzdump-backups")).isEmpty();
  }

  @Test
  void oneVzdumpPerNode_theSecondWaitsPending_andIsWokenWhenTheFirstEnds() {
    pod("a", 9101);
    pod("b", 9102);
    ResourceKey a = backup("a-1", "a", "Manual", false, null);
    ResourceKey b = backup("b-1", "b", "Manual", false, null);

    pass(a);
    ReconcileResult waiting = pass(b);
    assertThat(status(b).phase()).isEqualTo("Pending");
    assertThat(
            Conditions.hasReason(
                status(b).conditions(), BackupConditions.SUCCEEDED, "WaitingForNode"))
        .isTrue();
    assertThat(status(b).message()).contains("a-1");
    assertThat(waiting.requeueAfter()).isPresent();
    assertThat(fake.runningTasks()).hasSize(1);

    finish(a);
    assertThat(woken).contains(b);
    pass(b);
    assertThat(status(b).phase()).isEqualTo("Running");
  }

  @Test
  void guestLock_isAWait_notAFailedAttempt() {
    pod("web-0", 9101);
    ResourceKey k = backup("web-0-1", "web-0", "Manual", false, null);
    pass(k);
    fake.setLock(9101, "snapshot");
    finish(k);
    BackupStatus s = status(k);
    assertThat(s.phase()).isEqualTo("Pending");
    assertThat(s.attempts()).isZero();
    assertThat(Conditions.hasReason(s.conditions(), BackupConditions.SUCCEEDED, "GuestLocked"))
        .isTrue();
    assertThat(events.reasons()).doesNotContain("BackupAttemptFailed");
  }

  @Test
  void proxmoxNotAnsweringTheVzdumpRequest_isAWait_notAFailedAttempt() {
    pod("web-0", 9101);
    ResourceKey k = backup("web-0-1", "web-0", "Final", false, null);
    for (int i = 0; i < 4; i++) { // more times than max-attempts: none of them counts
      fake.failNext(
          "vzdump",
          i % 2 == 0
              ? FakeProxmoxClient.unavailable()
              : FakeProxmoxClient.httpError(
                  595, "Errors during connection establishment, proxy handshake"));
      assertThat(pass(k).requeueAfter()).contains(Duration.ofSeconds(30));
      BackupStatus s = status(k);
      assertThat(s.phase()).isEqualTo("Pending");
      assertThat(s.attempts()).isZero();
      assertThat(
              Conditions.hasReason(
                  s.conditions(), BackupConditions.SUCCEEDED, "ProxmoxUnavailable"))
          .isTrue();
      clock.advance(Duration.ofSeconds(30));
    }
    pass(k);
    finish(k);
    assertThat(status(k).phase()).isEqualTo("Completed");
    assertThat(events.reasons()).contains("ProxmoxUnavailable").doesNotContain("BackupFailed");
  }

  @Test
  void failedAttempts_areRetriedWithBackoff_thenFailed_visibleOnBackupAndPod() {
    pod("web-0", 9101);
    fake.failNextBackups(9101, 3, "tar: write error (injected)");
    ResourceKey k = backup("web-0-1", "web-0", "Scheduled", false, null);

    pass(k);
    finish(k);
    assertThat(status(k).phase()).isEqualTo("Pending");
    assertThat(status(k).retryAfter()).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(pass(k).requeueAfter()).contains(Duration.ofSeconds(30)); // waits
    clock.advance(Duration.ofSeconds(30));
    pass(k);
    finish(k);
    assertThat(status(k).retryAfter()).isEqualTo(clock.instant().plusSeconds(60)); // doubled
    clock.advance(Duration.ofSeconds(60));
    pass(k);
    finish(k);

    BackupStatus s = status(k);
    assertThat(s.phase()).isEqualTo("Failed");
    assertThat(s.attempts()).isEqualTo(3);
    assertThat(s.message()).contains("tar: write error (injected)");
    assertThat(Conditions.hasReason(s.conditions(), BackupConditions.SUCCEEDED, "BackupFailed"))
        .isTrue();
    assertThat(events.events())
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo("CloudPod");
              assertThat(e.name()).isEqualTo("web-0");
              assertThat(e.reason()).isEqualTo("BackupFailed");
            });
    assertThat(
            registry
                .get("cloudpods_backups")
                .tags("tenant", T, "reason", "Scheduled", "result", "Failed")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void snapshotFallbackToSuspend_isReported() {
    pod("web-0", 9101);
    fake.snapshotUnsupported(9101);
    ResourceKey k = backup("web-0-1", "web-0", "Manual", false, null);
    pass(k);
    finish(k);
    assertThat(status(k).effectiveMode()).isEqualTo("suspend");
    assertThat(Conditions.isTrue(status(k).conditions(), BackupConditions.MODE_FALLBACK)).isTrue();
    assertThat(events.reasons()).contains("SnapshotFellBackToSuspend");
  }

  @Test
  void
      scheduledBackup_prunesTheGuestWithThePolicysRetention_sparingProtected_andPrunedShowMissing() {
    pod("web-0", 9101);
    store.putPolicy(
        new BackupPolicy(
            "cloudpods.io/v1alpha1",
            "BackupPolicy",
            ObjectMeta.named(T, "nightly"),
            new BackupPolicySpec(
                "0 2 * * *",
                "UTC",
                new LabelSelector(Map.of()),
                "vzdump-backups",
                "snapshot",
                "zstd",
                new BackupRetention(1, 0, 0, 0, 0, 0),
                "Skip",
                false),
            null));
    ResourceKey kept = backup("kept", "web-0", "Manual", true, null);
    pass(kept);
    finish(kept);
    clock.advance(Duration.ofMinutes(1));
    ResourceKey first = backup("first", "web-0", "Scheduled", false, "nightly");
    pass(first);
    finish(first);
    clock.advance(Duration.ofMinutes(1));
    ResourceKey second = backup("second", "web-0", "Scheduled", false, "nightly");
    pass(second);
    finish(second);

    fake.finishAllTasks(); // the prune task
    assertThat(fake.archives(NODE, "vzdump-backups"))
        .containsExactlyInAnyOrder(status(kept).volid(), status(second).volid());
    assertThat(events.reasons()).contains("Pruned");
    assertThat(woken).contains(first);
    clock.advance(Duration.ofSeconds(20));
    pass(first);
    assertThat(status(first).phase()).isEqualTo("Missing");
    assertThat(
            Conditions.hasReason(
                status(first).conditions(), BackupConditions.ARCHIVE_AVAILABLE, "Pruned"))
        .isTrue();
    pass(kept);
    assertThat(status(kept).phase()).isEqualTo("Completed");
  }

  @Test
  void archiveRemovedByHand_showsMissing() {
    pod("web-0", 9101);
    ResourceKey k = backup("web-0-1", "web-0", "Manual", false, null);
    pass(k);
    finish(k);
    fake.removeArchiveByHand(NODE, "vzdump-backups", status(k).volid());
    clock.advance(Duration.ofSeconds(20));
    pass(k);
    assertThat(status(k).phase()).isEqualTo("Missing");
    assertThat(
            Conditions.hasReason(
                status(k).conditions(), BackupConditions.ARCHIVE_AVAILABLE, "ArchiveGone"))
        .isTrue();
    assertThat(events.reasons()).contains("ArchiveMissing");
  }

  @Test
  void deletion_deletesTheArchiveThenTheRow_protectedIsRefusedUntilUnprotected() {
    pod("web-0", 9101);
    ResourceKey k = backup("web-0-1", "web-0", "Manual", true, null);
    pass(k);
    finish(k);
    String volid = status(k).volid();

    assertThat(store.delete(k)).isFalse(); // marked: it has an archive
    pass(k);
    assertThat(
            Conditions.hasReason(
                status(k).conditions(), BackupConditions.DELETION_BLOCKED, "Protected"))
        .isTrue();
    assertThat(events.reasons()).contains("DeletionRefused");
    assertThat(fake.archives(NODE, "vzdump-backups")).contains(volid);

    store.setProtected(k, false);
    pass(k); // unprotects the archive, starts imgdel
    fake.finishTask(Upid.parse(status(k).taskRef()));
    pass(k);
    assertThat(store.get(k)).isEmpty();
    assertThat(fake.archives(NODE, "vzdump-backups")).doesNotContain(volid);
  }

  @Test
  void podNotProvisioned_waitsPending_podGone_fails() {
    pods.put(
        "new",
        new BackupPods.Pod(T, "new", "u", Map.of(), null, null, false, clock.instant(), null));
    ResourceKey waiting = backup("new-1", "new", "Manual", false, null);
    pass(waiting);
    assertThat(status(waiting).phase()).isEqualTo("Pending");
    assertThat(
            Conditions.hasReason(
                status(waiting).conditions(), BackupConditions.SUCCEEDED, "PodNotProvisioned"))
        .isTrue();

    ResourceKey gone = backup("gone-1", "gone", "Manual", false, null);
    pass(gone);
    assertThat(status(gone).phase()).isEqualTo("Failed");
    assertThat(
            Conditions.hasReason(
                status(gone).conditions(), BackupConditions.SUCCEEDED, "PodNotFound"))
        .isTrue();
  }

  @Test
  void lostTaskId_afterACrash_findsTheArchiveByItsNotes() {
    pod("web-0", 9101);
    ResourceKey k = backup("web-0-1", "web-0", "Manual", false, null);
    pass(k);
    Upid upid = Upid.parse(status(k).taskRef());
    fake.finishTask(upid);
    // the process died after the intent, before the task id was stored
    BackupStatus s = status(k);
    store.updateStatus(
        k,
        new BackupStatus(
            s.phase(),
            null,
            null,
            s.node(),
            s.vmid(),
            s.podUid(),
            s.startTime(),
            null,
            null,
            s.attempts(),
            null,
            s.message(),
            null,
            null,
            null,
            s.observedGeneration(),
            s.conditions(),
            s.cluster()));
    pass(k);
    assertThat(status(k).phase()).isEqualTo("Completed");
    assertThat(status(k).volid()).isEqualTo(fake.archives(NODE, "vzdump-backups").get(0));
  }
}
