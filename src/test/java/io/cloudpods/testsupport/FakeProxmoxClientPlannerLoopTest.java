package io.cloudpods.testsupport;

import static io.cloudpods.testsupport.FakeProxmoxClient.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.cloudpod.exec.ActionExecutor;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.cloudpod.plan.CloudPodPlanner;
import io.cloudpods.cloudpod.plan.DesiredPod;
import io.cloudpods.cloudpod.plan.ObservedContainer;
import io.cloudpods.cloudpod.plan.ObservedContainer.ObservedConfig;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.LxcStatus;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.proxmox.Upid;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's own planner, executor and observer driven against the fake, without a database:
 * each "pass" reads the container the way the reconciler does (config + status), plans, runs the
 * actions up to the first task, and the test decides how that task ends. Shows that the fake is
 * enough to test provisioning, drift, deletion, task failure, locks and lost answers in
 * milliseconds.
 */
class FakeProxmoxClientPlannerLoopTest {

  private static final String UID = "6f1c2a9e-3b7d-4c1e-9a2f-0d5e8b7c6a41";
  private static final String NODE = "pve";
  private static final int VMID = 9101;

  private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
  private final FakeProxmoxClient fake = new FakeProxmoxClient(clock);
  private final ActionExecutor executor = new ActionExecutor(fake);

  @BeforeEach
  void seed() {
    fake.addNode(NODE, 64 * GIB)
        .addStorage(NODE, "clients-main", 1024 * GIB)
        .addPool("ClientPods")
        .addTemplate(NODE, 9000, "cloudpod-template");
    fake.clearJournal();
  }

  private static DesiredPod.Builder pod() {
    return DesiredPod.builder()
        .uid(UID)
        .tenant("acme")
        .name("web-1")
        .vmid(VMID)
        .node(NODE)
        .hostname("web-1")
        .cores(2)
        .memoryMb(2048)
        .swapMb(512)
        .diskGb(8)
        .templateVmid(9000)
        .storage("clients-main")
        .fullClone(true)
        .pool("ClientPods")
        .network(new DesiredPod.Network("vmbr0", "10.1.10.91", 24, "10.1.10.1"))
        .nameservers(List.of("1.1.1.1"))
        .running(true)
        .shutdownTimeoutSeconds(60);
  }

  /** What the reconciler's full read builds from getConfig + status. */
  private Optional<ObservedContainer> observe() {
    LxcConfig c;
    LxcStatus s;
    try {
      c = fake.getConfig(NODE, VMID);
      s = fake.status(NODE, VMID);
    } catch (ProxmoxNotFoundException e) {
      return Optional.empty();
    }
    Optional<Integer> rootGb =
        c.rootfsSize()
            .map(size -> (int) Math.ceil(FakeProxmoxClient.parseSize(size) / (double) GIB));
    ObservedConfig oc =
        new ObservedConfig(
            c.hostname(),
            box(c.cores()),
            box(c.memory()),
            box(c.swap()),
            rootGb,
            Optional.ofNullable(c.nets().get(0)),
            c.nameserver(),
            Optional.of(c.digest()),
            c.description());
    return Optional.of(
        new ObservedContainer(
            VMID,
            NODE,
            "lxc",
            s.status().name().toLowerCase(Locale.ROOT),
            c.lock(),
            c.template(),
            Set.copyOf(c.tags()),
            Optional.of(oc)));
  }

  private static Optional<Integer> box(java.util.OptionalInt v) {
    return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
  }

  /**
   * One pass: plan and act up to the first task. Returns what was done (action class names), empty
   * when converged.
   */
  private List<String> pass(DesiredPod desired) {
    List<String> done = new ArrayList<>();
    for (Action a : CloudPodPlanner.plan(desired, observe())) {
      done.add(a.getClass().getSimpleName());
      if (a instanceof Action.Wait || a instanceof Action.Blocked) {
        return done;
      }
      if (executor.execute(a).isPresent()) {
        return done;
      }
    }
    return done;
  }

  /** Passes, finishing every task OK in between, until a pass has nothing to do. */
  private List<String> converge(DesiredPod desired) {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      List<String> done = pass(desired);
      if (done.isEmpty()) {
        return all;
      }
      all.addAll(done);
      fake.finishAllTasks();
    }
    throw new AssertionError("no convergence after 20 passes: " + all);
  }

  @Test
  void provisioning_clonesConfiguresAndStarts_thenNothingIsLeftToDo() {
    assertThat(converge(pod().build())).containsExactly("CloneContainer", "UpdateConfig", "Start");

    FakeProxmoxClient.GuestState g = fake.guest(VMID).orElseThrow();
    assertThat(g.status()).isEqualTo(PowerState.RUNNING);
    assertThat(g.ip()).contains("10.1.10.91");
    assertThat(Set.copyOf(g.tags())).isEqualTo(Ownership.tagsFor(UID, "acme", Optional.empty()));
    assertThat(g.pool()).contains("ClientPods");
    assertThat(fake.mutations())
        .extracting(FakeProxmoxClient.Mutation::summary)
        .containsExactly("cloneContainer 9101", "updateConfig 9101", "start 9101");
    assertThat(pass(pod().build())).isEmpty();
  }

  @Test
  void drift_memoryEditedByHand_isSetBackWithTheDigestOfTheConfigRead() {
    converge(pod().build());
    fake.editConfig(VMID, "memory", "8192");
    String digest = fake.getConfig(NODE, VMID).digest();
    fake.clearJournal();

    converge(pod().build());

    assertThat(fake.mutations("updateConfig"))
        .first()
        .satisfies(
            m -> {
              assertThat(m.params())
                  .containsEntry("memory", "2048")
                  .containsEntry("digest", digest);
            });
    assertThat(fake.config(VMID)).containsEntry("memory", "2048");
  }

  @Test
  void stoppedByHand_isStartedAgain() {
    converge(pod().build());
    fake.stopByHand(VMID);

    assertThat(converge(pod().build())).containsExactly("Start");
    assertThat(fake.guest(VMID).orElseThrow().status()).isEqualTo(PowerState.RUNNING);
  }

  @Test
  void deletion_shutsDownThenDestroys_andLeavesForeignGuestsAlone() {
    converge(pod().build());
    fake.addForeignContainer(NODE, 120, true, Map.of("hostname", "mail"));

    assertThat(converge(pod().deleting(true).build())).containsExactly("Shutdown", "Destroy");

    assertThat(fake.isVmidFree(VMID)).isTrue();
    assertThat(fake.guest(120))
        .get()
        .satisfies(g -> assertThat(g.status()).isEqualTo(PowerState.RUNNING));
  }

  @Test
  void cloneTaskFailure_leavesNothing_andTheNextPassClonesAgain() {
    assertThat(pass(pod().build())).containsExactly("CloneContainer");
    Upid first = fake.runningTasks().get(0);
    fake.failTask(first, "clone failed: command 'rsync' failed: exit code 23");
    assertThat(fake.taskStatus(first).failure())
        .get()
        .satisfies(e -> assertThat(e.isRetryable()).isTrue());

    assertThat(converge(pod().build())).startsWith("CloneContainer");
    assertThat(fake.mutations("cloneContainer")).hasSize(2);
    assertThat(fake.guest(VMID).orElseThrow().status()).isEqualTo(PowerState.RUNNING);
  }

  @Test
  void lockedContainer_isWaitedFor_withoutAnyMutation_andConvergesOnceUnlocked() {
    converge(pod().build());
    fake.editConfig(VMID, "cores", "4");
    fake.setLock(VMID, "backup");
    fake.clearJournal();

    assertThat(pass(pod().build())).containsExactly("Wait");
    assertThat(fake.mutations()).isEmpty();

    fake.setLock(VMID, null);
    assertThat(converge(pod().build())).startsWith("UpdateConfig");
    assertThat(fake.config(VMID)).containsEntry("cores", "2");
  }

  @Test
  void lostCloneAnswer_controllerRestarts_seesItsContainerByTheDescription_andDoesNotCloneTwice() {
    fake.loseAnswerOfNext("cloneContainer");
    assertThatThrownBy(() -> pass(pod().build())).isInstanceOf(ProxmoxUnavailableException.class);

    assertThat(pass(pod().build()))
        .as("the clone still runs: its container is locked")
        .containsExactly("Wait");
    fake.finishAllTasks();
    assertThat(converge(pod().build())).containsExactly("UpdateConfig", "Start");

    assertThat(fake.mutations("cloneContainer")).hasSize(1);
  }

  @Test
  void observer_readsForeignAddressesFromTheFake_andSkipsOurOwnContainers() {
    converge(pod().build());
    fake.addForeignContainer(
        NODE, 120, true, Map.of("net0", "name=eth0,bridge=vmbr0,ip=10.1.10.30/24,gw=10.1.10.1"));
    ClusterObserver observer = new ClusterObserver(fake, clock, Duration.ofMinutes(5));

    observer.refresh();

    assertThat(observer.foreignAddresses()).containsExactly(Map.entry("10.1.10.30", 120));
    assertThat(observer.current().guests()).containsKeys(9000, 120, VMID);
    assertThat(fake.calls("clusterResources")).isEqualTo(1);
  }

  @Test
  void observer_unreachableProxmox_isRememberedAndRethrown() {
    ClusterObserver observer = new ClusterObserver(fake, clock, Duration.ofMinutes(5));
    fake.failNext("clusterResources", FakeProxmoxClient.unavailable());

    assertThatThrownBy(observer::refresh).isInstanceOf(ProxmoxUnavailableException.class);
    assertThat(observer.reachable()).isFalse();
    observer.refresh();
    assertThat(observer.reachable()).isTrue();
  }
}
