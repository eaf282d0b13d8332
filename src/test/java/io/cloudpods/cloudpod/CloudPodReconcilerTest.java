package io.cloudpods.cloudpod;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.CONFIG_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.POWER_STATE_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.PROVISIONED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.READY;
import static io.cloudpods.cloudpod.PodHarness.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxTaskFailedException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.store.StoreConflictException;
import io.cloudpods.testsupport.FakeProxmoxClient;
import io.cloudpods.testsupport.FakeProxmoxClient.Mutation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CloudPod reconcile pass, step by step, on a fake Proxmox and in-memory stores: provisioning,
 * drift, deletion, task failure, lock retry, the safety rules and crashes between steps.
 */
class CloudPodReconcilerTest {

  private final PodHarness h = new PodHarness();

  // ---- provisioning
  // ------------------------------------------------------------------------------

  @Test
  void newPod_firstPass_reservesBeforeCloningAndRecordsTheTask() throws Exception {
    h.create("web-1");

    ReconcileResult r = h.pass("web-1");

    assertThat(h.allocation("web-1").vmid()).isEqualTo(9001);
    assertThat(h.allocation("web-1").ip()).isEqualTo("10.1.10.50");
    assertThat(h.allocation("web-1").node()).isEqualTo("pve");
    assertThat(h.proxmox.mutations())
        .extracting(Mutation::summary)
        .containsExactly("cloneContainer 9001");
    assertThat(h.allocation("web-1").taskUpid())
        .isEqualTo(h.proxmox.lastTask("vzclone").orElseThrow().toString());
    assertThat(h.events.reasons()).containsExactly("Allocated", "Cloning");
    assertThat(h.status("web-1").phase()).isEqualTo(CloudPodConditions.PHASE_PROVISIONING);
    assertThat(h.reason("web-1", PROVISIONED)).isEqualTo(CloudPodConditions.CREATING);
    assertThat(r.requeueAfter()).contains(Duration.ofMillis(100));
  }

  @Test
  void newPod_converges_cloneConfigStartThenReady() throws Exception {
    h.create("web-1");

    h.converge("web-1");

    assertThat(h.proxmox.mutations())
        .extracting(Mutation::summary)
        .containsExactly(
            "cloneContainer 9001",
            "updateConfig 9001",
            "createIpSet 9001",
            "addIpSetEntry 9001",
            "updateFirewallOptions 9001",
            "start 9001");
    FakeProxmoxClient.GuestState ct = h.proxmox.guest(9001).orElseThrow();
    assertThat(ct.status()).isEqualTo(PowerState.RUNNING);
    assertThat(ct.config())
        .containsEntry("cores", "1")
        .containsEntry("memory", "1024")
        .containsEntry("hostname", "web-1");
    assertThat(ct.ip()).contains("10.1.10.50");
    assertThat(ct.tags())
        .contains("cloudpods", "cp-" + h.pods.pod(TENANT, "web-1").metadata().uid());
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.CONVERGED);
    assertThat(h.status("web-1").phase()).isEqualTo(CloudPodConditions.PHASE_RUNNING);
    assertThat(h.allocation("web-1").taskUpid()).isNull();
  }

  @Test
  void convergedPod_nextPassWithTheSameList_readsNothingFromProxmox() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.pass("web-1"); // the full read that verifies it
    h.proxmox.clearJournal();

    ReconcileResult r = h.pass("web-1");

    assertThat(r.requeueAfter()).isEmpty();
    assertThat(h.proxmox.calls("getConfig")).isZero();
    assertThat(h.proxmox.calls("status")).isZero();
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void convergedPod_whoseSnapshotPredatesItsMarker_staysReady_notAVmidConflict() throws Exception {
    h.create("web-1");
    h.pass("web-1"); // clone
    h.proxmox.finishAllTasks();
    h.cluster.refresh(); // the last list before the marker is written: no tags yet
    for (int i = 0; i < 10 && !CloudPodConditions.CONVERGED.equals(h.reason("web-1", READY)); i++) {
      try {
        h.pass("web-1"); // config and firewall, start, then the full read that verifies it
      } catch (io.cloudpods.controller.RequeueException e) {
        // a lagging list: look again
      }
      h.proxmox.finishAllTasks();
    }
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.CONVERGED);

    h.pass("web-1"); // verified converged, and the list is older than that verification

    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.CONVERGED);
    assertThat(h.status("web-1").phase()).isEqualTo(CloudPodConditions.PHASE_RUNNING);
  }

  // ---- in-flight task
  // ----------------------------------------------------------------------------

  @Test
  void runningTask_passOnlyChecksItAndWaits() throws Exception {
    h.create("web-1");
    h.pass("web-1");
    h.proxmox.clearJournal();
    h.clock.advance(Duration.ofSeconds(5));

    ReconcileResult r = h.pass("web-1");

    assertThat(h.proxmox.callCounts()).containsOnlyKeys("taskStatus");
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.WAITING_FOR_TASK);
    assertThat(r.requeueAfter()).contains(Duration.ofMillis(500)); // a tenth of the 5 s it has run
  }

  @Test
  void failedTask_isRecordedAndRetriedWithBackoff() throws Exception {
    h.create("web-1");
    h.pass("web-1");
    Upid clone = h.proxmox.lastTask("vzclone").orElseThrow();
    h.proxmox.failTask(clone, "clone failed: storage allocation timed out");

    ProxmoxTaskFailedException e = h.failingPass("web-1", ProxmoxTaskFailedException.class);

    assertThat(e.getMessage()).contains("clone failed");
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.TASK_FAILED);
    assertThat(h.events.reasons()).contains("TaskFailed");
    assertThat(h.allocation("web-1").taskUpid()).isNull();
    h.converge("web-1");
    assertThat(h.proxmox.mutations("cloneContainer")).hasSize(2);
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.CONVERGED);
  }

  @Test
  void forgottenTask_noSuchTask_isClearedAndTheContainerObserved() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.ledger.recordTask(
        h.allocation("web-1").podUid(),
        "UPID:pve:0000A1B2:0001C3D4:674C1B00:vzstart:9001:root@pam:");

    h.pass("web-1");

    assertThat(h.allocation("web-1").taskUpid()).isNull();
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.CONVERGED);
  }

  @Test
  void failedGracefulShutdown_turnsIntoAHardStop() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.pods.put(TENANT, "web-1", h.defaults.pod(withPower(PodHarness.spec(), "Stopped")));
    h.pass("web-1");
    h.proxmox.failTask(
        h.proxmox.lastTask("vzshutdown").orElseThrow(), "command 'lxc-stop' failed: timeout");

    h.pass("web-1");

    assertThat(h.proxmox.mutations()).extracting(Mutation::method).endsWith("shutdown", "stop");
    assertThat(h.reason("web-1", POWER_STATE_SYNCED)).isEqualTo(CloudPodConditions.STOPPING);
  }

  // ---- observe, plan, act: drift
  // -----------------------------------------------------------------

  @Test
  void resizedByHand_isPutBack() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.editConfig(9001, "cores", "8");
    h.cluster.refresh();
    h.proxmox.clearJournal();

    h.converge("web-1");

    assertThat(h.proxmox.mutations())
        .extracting(Mutation::summary)
        .containsExactly("updateConfig 9001");
    assertThat(h.proxmox.mutations().get(0).params()).containsEntry("cores", "1");
    assertThat(h.events.reasons()).contains("UpdatingConfig", "ConfigUpdated");
  }

  @Test
  void stoppedByHand_isStartedAgain() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.stopByHand(9001);
    h.cluster.refresh();
    h.proxmox.clearJournal();

    h.converge("web-1");

    assertThat(h.proxmox.mutations()).extracting(Mutation::summary).containsExactly("start 9001");
    assertThat(h.proxmox.guest(9001).orElseThrow().status()).isEqualTo(PowerState.RUNNING);
  }

  @Test
  void deletedByHand_isRecreatedWithTheSameVmidAndAddress() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.deleteByHand(9001);
    h.cluster.refresh();
    h.proxmox.clearJournal();

    h.converge("web-1");

    assertThat(h.proxmox.mutations())
        .extracting(Mutation::summary)
        .startsWith("cloneContainer 9001");
    assertThat(h.proxmox.guest(9001).orElseThrow().ip()).contains("10.1.10.50");
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.CONVERGED);
  }

  @Test
  void restartOnlyChange_withoutAllowRestart_isWrittenAndReportedAsRestartRequired()
      throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.editConfig(9001, "hostname", "renamed-by-hand");
    h.cluster.refresh();

    h.converge("web-1");

    assertThat(h.proxmox.config(9001)).containsEntry("hostname", "web-1");
    assertThat(h.reason("web-1", CONFIG_SYNCED)).isEqualTo(CloudPodConditions.RESTART_REQUIRED);
    assertThat(h.proxmox.mutations())
        .extracting(Mutation::method)
        .doesNotContain("stop", "shutdown");
  }

  @Test
  void lockedContainer_waitsAndLooksAgainWithoutBackoff() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.setLock(9001, "backup");
    h.proxmox.editConfig(9001, "cores", "4");
    h.cluster.refresh();
    h.proxmox.clearJournal();

    ReconcileResult r = h.pass("web-1");

    assertThat(r.requeueAfter()).contains(Duration.ofSeconds(2));
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.LOCKED);
    assertThat(h.proxmox.mutations()).isEmpty();
    h.proxmox.setLock(9001, null);
    h.converge("web-1");
    assertThat(h.proxmox.config(9001)).containsEntry("cores", "1");
  }

  // ---- safety
  // ------------------------------------------------------------------------------------

  @Test
  void foreignGuestAtTheSpecVmid_isNeverTouched_vmidConflict() throws Exception {
    h.proxmox.addForeignContainer("pve", 9005, Map.of("hostname", "customer-db", "cores", "4"));
    h.create("web-1", PodHarness.spec().withIpAndVmid(null, 9005));
    h.cluster.refresh();
    h.proxmox.clearJournal();

    h.converge("web-1");

    assertThat(h.proxmox.mutations()).isEmpty();
    assertThat(h.reason("web-1", PROVISIONED)).isEqualTo(CloudPodConditions.VMID_CONFLICT);
    assertThat(h.status("web-1").phase()).isEqualTo(CloudPodConditions.PHASE_FAILED);
    assertThat(h.events.reasons()).containsOnlyOnce(CloudPodConditions.VMID_CONFLICT);
  }

  @Test
  void addressConfiguredOnAForeignGuest_isSkippedWhenChosen() throws Exception {
    h.proxmox.addForeignContainer(
        "pve",
        300,
        Map.of(
            "hostname", "infra", "net0", "name=eth0,bridge=vmbr0,ip=10.1.10.50/24,gw=10.1.10.1"));
    h.cluster.refresh();
    h.create("web-1");

    h.pass("web-1");

    assertThat(h.allocation("web-1").ip()).isEqualTo("10.1.10.51");
  }

  @Test
  void explicitAddressConfiguredOnAForeignGuest_isAnIpConflict() throws Exception {
    h.proxmox.addForeignContainer(
        "pve",
        300,
        Map.of(
            "hostname", "infra", "net0", "name=eth0,bridge=vmbr0,ip=10.1.10.60/24,gw=10.1.10.1"));
    h.cluster.refresh();
    h.create("web-1", PodHarness.spec().withIpAndVmid("10.1.10.60", null));
    h.proxmox.clearJournal();

    h.pass("web-1");

    assertThat(h.reason("web-1", PROVISIONED)).isEqualTo(CloudPodConditions.IP_CONFLICT);
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void orphansAddress_isNotHandedOut_beforeAnyResyncHasSeenTheOrphan() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    orphan("web-1");
    h.create("web-2");
    h.proxmox.clearJournal();

    h.pass("web-2");

    assertThat(h.allocation("web-2").vmid()).isEqualTo(9002);
    assertThat(h.allocation("web-2").ip()).isEqualTo("10.1.10.51");
    assertThat(h.proxmox.mutations()).extracting(Mutation::vmid).doesNotContain(9001);
  }

  @Test
  void explicitAddressOfAnOrphan_isAnIpConflict_beforeAnyResyncHasSeenTheOrphan() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    orphan("web-1");
    h.create("web-2", PodHarness.spec().withIpAndVmid("10.1.10.50", null));
    h.proxmox.clearJournal();

    h.pass("web-2");

    assertThat(h.reason("web-2", PROVISIONED)).isEqualTo(CloudPodConditions.IP_CONFLICT);
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void specVmidHeldByAnotherPod_isAnAllocationFailure() throws Exception {
    h.create("web-1", PodHarness.spec().withIpAndVmid(null, 9010));
    h.pass("web-1");
    h.create("web-2", PodHarness.spec().withIpAndVmid(null, 9010));

    h.failingPass("web-2", StoreConflictException.class);

    assertThat(h.reason("web-2", READY)).isEqualTo(CloudPodConditions.ALLOCATION_FAILED);
    assertThat(h.status("web-2").phase()).isEqualTo(CloudPodConditions.PHASE_FAILED);
  }

  // ---- capacity
  // ----------------------------------------------------------------------------------

  @Test
  void secondCloneOfOneTemplate_waitsForTheSlotWithoutAskingProxmox() throws Exception {
    h.create("web-1");
    h.create("web-2");
    h.pass("web-1");
    h.cluster.refresh();
    h.proxmox.clearJournal();

    ReconcileResult r = h.pass("web-2");

    assertThat(r.requeueAfter()).isEmpty(); // woken by the gate, not polled
    assertThat(h.reason("web-2", READY)).isEqualTo(CloudPodConditions.WAITING_FOR_CLONE_SLOT);
    assertThat(h.condition("web-2", READY).orElseThrow().message())
        .isEqualTo(
            "waiting for the clone slot of template 9000 on pve: another clone of it is running"
                + " (clone-source:pve/9000)");
    assertThat(h.proxmox.calls("status")).isZero(); // no full read of its VMID
    assertThat(h.proxmox.mutations()).isEmpty();

    h.proxmox.finishAllTasks();
    h.pass("web-1");
    assertThat(h.woken).contains(PodHarness.key("web-2"));
  }

  @Test
  void storageSlotFull_newPodWaitsForCapacity_notForTheCloneSlot() throws Exception {
    String storage = ConcurrencyGate.storage("pve", "clients-main");
    for (int i = 0; i < 4; i++) {
      assertThat(h.gate.tryAcquire(PodHarness.key("disk-task-" + i), List.of(storage))).isTrue();
    }
    h.create("web-1");
    h.cluster.refresh();
    h.proxmox.clearJournal();

    h.pass("web-1");

    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.WAITING_FOR_CAPACITY);
    assertThat(h.condition("web-1", READY).orElseThrow().message())
        .isEqualTo("waiting for a free slot: storage:pve/clients-main");
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void recloneOfAContainerDeletedByHand_whileAnotherCloneRuns_waitsForTheCloneSlot()
      throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.deleteByHand(9001);
    h.cluster.refresh();
    h.create("web-2");
    h.pass("web-2"); // its clone holds the template's slot
    h.proxmox.clearJournal();

    ReconcileResult r = h.pass("web-1");

    assertThat(r.requeueAfter()).isEmpty();
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.WAITING_FOR_CLONE_SLOT);
    assertThat(h.condition("web-1", READY).orElseThrow().message())
        .contains("clone slot of template 9000 on pve");
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void stoppedByHand_whileTheNodesTaskSlotsAreFull_waitsForCapacity() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    for (int i = 0; i < 4; i++) {
      assertThat(
              h.gate.tryAcquire(PodHarness.key("task-" + i), List.of(ConcurrencyGate.node("pve"))))
          .isTrue();
    }
    h.proxmox.stopByHand(9001);
    h.cluster.refresh();
    h.proxmox.clearJournal();

    h.pass("web-1");

    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.WAITING_FOR_CAPACITY);
    assertThat(h.condition("web-1", READY).orElseThrow().message())
        .isEqualTo("waiting for a free slot: node:pve");
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void noNodeWithRoom_looksAgainAfterTheCapacityRecheck() throws Exception {
    h.create(
        "big",
        new CloudPodSpec(
            1,
            128 * 1024,
            0,
            8,
            9000,
            "clients-main",
            "default",
            null,
            null,
            null,
            "Running",
            "full",
            false));

    RequeueException e = h.failingPass("big", RequeueException.class);

    assertThat(e.delay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(h.reason("big", PROVISIONED)).isEqualTo(CloudPodConditions.ALLOCATION_FAILED);
    assertThat(h.status("big").phase()).isEqualTo(CloudPodConditions.PHASE_PENDING);
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void podPinnedToAFullNode_waitsForCapacityLikeAnUnpinnedPod() throws Exception {
    h.create(
        "pinned",
        new CloudPodSpec(
            1,
            128 * 1024,
            0,
            8,
            9000,
            "clients-main",
            "default",
            null,
            null,
            "pve",
            "Running",
            "full",
            false));

    RequeueException e = h.failingPass("pinned", RequeueException.class);

    assertThat(e.getMessage()).contains("pve (memory:");
    assertThat(h.reason("pinned", PROVISIONED)).isEqualTo(CloudPodConditions.ALLOCATION_FAILED);
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void podPinnedToANodeNotInTheCluster_waitsNamingTheNode() throws Exception {
    h.create(
        "pinned",
        new CloudPodSpec(
            1,
            1024,
            0,
            8,
            9000,
            "clients-main",
            "default",
            null,
            null,
            "pve-09",
            "Running",
            "full",
            false));

    RequeueException e = h.failingPass("pinned", RequeueException.class);

    assertThat(e.getMessage()).isEqualTo("node pve-09 (spec.node) is not in the cluster");
    assertThat(h.reason("pinned", PROVISIONED)).isEqualTo(CloudPodConditions.ALLOCATION_FAILED);
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  @Test
  void podPinnedToANodeWithRoom_isPlacedThere() throws Exception {
    h.create(
        "pinned",
        new CloudPodSpec(
            1,
            1024,
            0,
            8,
            9000,
            "clients-main",
            "default",
            null,
            null,
            "pve",
            "Running",
            "full",
            false));

    h.converge("pinned");

    assertThat(h.status("pinned").node()).isEqualTo("pve");
  }

  @Test
  void templateMissingOnTheNode_isInvalidSpecAndLooksAgain() throws Exception {
    h.create(
        "web-1",
        new CloudPodSpec(
            1,
            1024,
            0,
            8,
            9999,
            "clients-main",
            "default",
            null,
            null,
            "pve",
            "Running",
            "full",
            false));

    RequeueException e = h.failingPass("web-1", RequeueException.class);

    assertThat(e.delay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(h.reason("web-1", PROVISIONED)).isEqualTo(CloudPodConditions.INVALID_SPEC);
    assertThat(h.proxmox.mutations()).isEmpty();
  }

  // ---- failures
  // ----------------------------------------------------------------------------------

  @Test
  void proxmoxUnreachable_showsOnThePodAndIsThrownForBackoff() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.editConfig(9001, "cores", "3");
    h.cluster.refresh();
    h.proxmox.failNext("getConfig", FakeProxmoxClient.unavailable());

    h.failingPass("web-1", ProxmoxUnavailableException.class);

    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.PROXMOX_UNREACHABLE);
  }

  @Test
  void recordFailure_showsAttemptsAndRetryTime() throws Exception {
    h.create("web-1");
    h.pass("web-1");

    h.reconciler.recordFailure(
        PodHarness.key("web-1"), new IllegalStateException("boom"), 3, Duration.ofSeconds(4));

    assertThat(h.status("web-1").attempts()).isEqualTo(3);
    assertThat(h.status("web-1").retryAfter()).isEqualTo(h.clock.instant().plusSeconds(4));
    assertThat(h.status("web-1").message()).isEqualTo("boom");
  }

  @Test
  void repeatedProxmoxOutage_recordsTheSameFailureEventEachAttempt_withTheAttemptInExtra()
      throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.events.clear();
    for (int attempt = 1; attempt <= 3; attempt++) {
      h.proxmox.editConfig(9001, "cores", "3");
      h.cluster.refresh();
      h.proxmox.failNext("getConfig", FakeProxmoxClient.unavailable());
      Exception e = h.failingPass("web-1", ProxmoxUnavailableException.class);
      h.reconciler.recordFailure(
          PodHarness.key("web-1"), e, attempt, Duration.ofSeconds(attempt * 2L));
      h.clock.advance(Duration.ofSeconds(attempt * 2L));
    }

    List<Event> failures =
        h.events.events().stream()
            .filter(ev -> ev.reason().equals(CloudPodConditions.PROXMOX_UNREACHABLE))
            .toList();
    assertThat(failures).hasSize(3);
    assertThat(failures)
        .as("identical text, so that the store counts them as one series")
        .extracting(Event::level, Event::message, Event::vmid)
        .containsOnly(tuple(Event.WARN, failures.get(0).message(), 9001));
    assertThat(failures.get(0).message()).doesNotContain("attempt").doesNotContain("retry");
    assertThat(failures).extracting(ev -> ev.extra().get("attempt")).containsExactly(1, 2, 3);
  }

  @Test
  void recordFailure_ofAFailedTask_addsNoSecondEvent() throws Exception {
    h.create("web-1");
    h.pass("web-1");
    h.proxmox.failTask(h.proxmox.lastTask("vzclone").orElseThrow(), "clone failed: no space");
    Exception e = h.failingPass("web-1", ProxmoxTaskFailedException.class);

    h.reconciler.recordFailure(PodHarness.key("web-1"), e, 1, Duration.ofSeconds(1));

    assertThat(h.events.reasons())
        .filteredOn(CloudPodConditions.TASK_FAILED::equals)
        .as("the task's own event only")
        .hasSize(1);
  }

  // ---- crash between steps
  // -----------------------------------------------------------------------

  @Test
  void crashAfterReservingBeforeTheClone_restartClonesOnceWithTheSameReservation()
      throws Exception {
    h.create("web-1");
    h.proxmox.failNext("cloneContainer", FakeProxmoxClient.unavailable());
    h.failingPass("web-1", ProxmoxException.class);
    int vmid = h.vmid("web-1");
    String ip = h.allocation("web-1").ip();

    h.restart().converge("web-1");

    assertThat(h.vmid("web-1")).isEqualTo(vmid);
    assertThat(h.allocation("web-1").ip()).isEqualTo(ip);
    assertThat(h.proxmox.mutations("cloneContainer")).hasSize(1);
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.CONVERGED);
  }

  @Test
  void cloneWhoseAnswerWasLost_isFoundAgainNotClonedTwice() throws Exception {
    h.create("web-1");
    h.proxmox.loseAnswerOfNext("cloneContainer");
    h.failingPass("web-1", ProxmoxException.class);
    assertThat(h.allocation("web-1").taskUpid()).isNull(); // the answer never arrived

    h.restart().converge("web-1");

    assertThat(h.proxmox.mutations("cloneContainer")).hasSize(1);
    assertThat(h.proxmox.guests().stream().filter(g -> !g.template())).hasSize(1);
    assertThat(h.reason("web-1", READY)).isEqualTo(CloudPodConditions.CONVERGED);
  }

  @Test
  void crashWithATaskInFlight_restartPicksTheTaskUpFromTheLedger() throws Exception {
    h.create("web-1");
    h.pass("web-1");

    h.restart();
    h.proxmox.clearJournal();
    h.pass("web-1");

    assertThat(h.proxmox.callCounts()).containsOnlyKeys("taskStatus");
    assertThat(h.gate.holds(PodHarness.key("web-1"))).isTrue();
    h.converge("web-1");
    assertThat(h.proxmox.mutations("cloneContainer")).isEmpty();
  }

  // ---- deletion
  // ----------------------------------------------------------------------------------

  @Test
  void deletion_shutsDownDestroysThenReleasesAndRemovesTheRow() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox.clearJournal();
    h.pods.markDeleted(TENANT, "web-1");

    h.converge("web-1");

    assertThat(h.proxmox.mutations())
        .extracting(Mutation::summary)
        .containsExactly("shutdown 9001", "delete 9001");
    assertThat(h.proxmox.guest(9001)).isEmpty();
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
    assertThat(h.ledger.size()).isZero();
    assertThat(h.events.reasons()).endsWith("Deleted");
  }

  @Test
  void deletion_whenTheVmidHoldsAForeignGuest_leavesItAndFinishes() throws Exception {
    h.create("web-1", PodHarness.spec().withIpAndVmid(null, 9005));
    h.pass("web-1"); // reserved and cloning
    h.proxmox.failTask(h.proxmox.lastTask("vzclone").orElseThrow(), "clone failed");
    h.failingPass("web-1", ProxmoxTaskFailedException.class);
    h.proxmox.addForeignContainer("pve", 9005, Map.of("hostname", "customer-db"));
    h.cluster.refresh();
    h.pods.markDeleted(TENANT, "web-1");
    h.proxmox.clearJournal();

    h.converge("web-1");

    assertThat(h.proxmox.mutations()).isEmpty();
    assertThat(h.proxmox.guest(9005)).isPresent();
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
    assertThat(h.events.reasons()).contains("ForeignContainerKept", "Deleted");
  }

  @Test
  void deletion_ofAContainerMovedToAnotherNode_destroysItThereBeforeReleasingItsAddress()
      throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox
        .addNode("pve2", 64 * FakeProxmoxClient.GIB)
        .addStorage("pve2", "clients-main", 1024 * FakeProxmoxClient.GIB);
    h.proxmox.moveByHand(9001, "pve2"); // the snapshot and the ledger still say pve
    h.pods.markDeleted(TENANT, "web-1");
    h.proxmox.clearJournal();

    h.pass("web-1");

    // pve answers "does not exist"; the fresh list finds it on pve2, where it is shut down
    assertThat(h.pods.exists(TENANT, "web-1")).isTrue();
    assertThat(h.allocation("web-1").ip()).isEqualTo("10.1.10.50");
    assertThat(h.proxmox.mutations())
        .extracting(m -> m.summary() + " on " + m.node())
        .containsExactly("shutdown 9001 on pve2");

    h.converge("web-1");

    assertThat(h.proxmox.mutations())
        .extracting(m -> m.summary() + " on " + m.node())
        .containsExactly("shutdown 9001 on pve2", "delete 9001 on pve2");
    assertThat(h.proxmox.guest(9001)).isEmpty();
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
    assertThat(h.ledger.size()).isZero();
  }

  @Test
  void deletion_ofAContainerGoneByHand_isFinalizedAfterAFreshListConfirmsIt() throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.pods.markDeleted(TENANT, "web-1");
    h.proxmox.deleteByHand(9001); // the snapshot still lists it
    int lists = h.proxmox.calls("clusterResources");

    h.pass("web-1");

    assertThat(h.proxmox.calls("clusterResources")).isEqualTo(lists + 1);
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
    assertThat(h.ledger.size()).isZero();
    assertThat(h.events.reasons()).endsWith("Deleted");
  }

  @Test
  void deletion_whenTheListShowsTheVmidOnANodeThatSaysItIsGone_waitsAndKeepsTheReservation()
      throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.pods.markDeleted(TENANT, "web-1");
    h.proxmox.clearJournal();
    String gone = "Configuration file 'nodes/pve/lxc/9001.conf' does not exist";
    h.proxmox.failNext("getConfig", FakeProxmoxClient.httpError(500, gone));
    h.proxmox.failNext("getConfig", FakeProxmoxClient.httpError(500, gone));

    RequeueException e = h.failingPass("web-1", RequeueException.class);

    assertThat(e.delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(h.pods.exists(TENANT, "web-1")).isTrue();
    assertThat(h.allocation("web-1").vmid()).isEqualTo(9001);
    assertThat(h.proxmox.mutations()).isEmpty();
    h.converge("web-1");
    assertThat(h.proxmox.guest(9001)).isEmpty();
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
  }

  @Test
  void deletion_whenTheVmidNowHoldsAForeignGuestOnAnotherNode_leavesItAndFinishes()
      throws Exception {
    h.create("web-1");
    h.converge("web-1");
    h.proxmox
        .addNode("pve2", 64 * FakeProxmoxClient.GIB)
        .addStorage("pve2", "clients-main", 1024 * FakeProxmoxClient.GIB);
    h.proxmox.deleteByHand(9001);
    h.proxmox.addForeignContainer("pve2", 9001, true, Map.of("hostname", "customer-db"));
    h.pods.markDeleted(TENANT, "web-1"); // the snapshot still shows our container on pve
    h.proxmox.clearJournal();

    h.converge("web-1");

    assertThat(h.proxmox.mutations()).isEmpty();
    assertThat(h.proxmox.guest(9001).orElseThrow().status()).isEqualTo(PowerState.RUNNING);
    assertThat(h.pods.exists(TENANT, "web-1")).isFalse();
    assertThat(h.events.reasons()).contains("ForeignContainerKept", "Deleted");
  }

  @Test
  void podGoneFromTheDatabase_isForgotten() throws Exception {
    h.create("web-1");
    h.pass("web-1");
    h.pods.drop(TENANT, "web-1");

    ReconcileResult r = h.pass("web-1");

    assertThat(r.requeueAfter()).isEmpty();
    assertThat(h.gate.holds(PodHarness.key("web-1"))).isFalse();
  }

  /**
   * The pod's row and allocation vanish without the deletion protocol, as when the database is
   * restored from a backup older than the pod: its container, with our marker, stays behind.
   */
  private void orphan(String name) {
    h.ledger.release(java.util.UUID.fromString(h.pods.pod(TENANT, name).metadata().uid()));
    h.pods.drop(TENANT, name);
  }

  private static CloudPodSpec withPower(CloudPodSpec s, String power) {
    return new CloudPodSpec(
        s.cores(),
        s.memoryMb(),
        s.swapMb(),
        s.diskGb(),
        s.template(),
        s.storage(),
        s.ipPool(),
        s.ip(),
        s.vmid(),
        s.node(),
        power,
        s.cloneMode(),
        s.allowRestart());
  }
}
