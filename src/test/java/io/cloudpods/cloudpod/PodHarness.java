package io.cloudpods.cloudpod;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.ipam.AddressProbe;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.PodAllocation;
import io.cloudpods.store.PoolSpecs;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.FakeProxmoxClient;
import io.cloudpods.testsupport.InMemoryAllocations;
import io.cloudpods.testsupport.InMemoryCloudPods;
import io.cloudpods.testsupport.MutableClock;
import io.cloudpods.testsupport.RecordingEventSink;
import io.cloudpods.testsupport.TestDefaults;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CloudPod reconciler on a {@link FakeProxmoxClient} and in-memory stores, with a clock the test
 * moves: node {@code pve} (64 GiB), storage {@code clients-main}, template 9000, pool {@code
 * default} (10.1.10.50–10.1.10.99). {@link #restart()} models a controller killed and started
 * again: new reconciler, gate and cluster view, the same database and Proxmox.
 */
final class PodHarness {

  static final String TENANT = "tenant-a";

  final FakeProxmoxClient proxmox;
  final InMemoryCloudPods pods = new InMemoryCloudPods();
  final Map<String, IpPoolSpec> poolSpecs = new ConcurrentHashMap<>();
  final Defaults defaults = TestDefaults.defaults();
  final PoolSpecs pools = name -> Optional.ofNullable(poolSpecs.get(name)).map(defaults::pool);
  final InMemoryAllocations ledger = new InMemoryAllocations(pods, pools, defaults);
  final RecordingEventSink events = new RecordingEventSink();
  final InMemoryPodBackups backups = new InMemoryPodBackups();
  final List<ResourceKey> woken = new ArrayList<>();
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

  /** What answers on the network; set before {@link #restart()} to use another. */
  AddressProbe probe = AddressProbe.disabled();

  ClusterObserver cluster;
  ConcurrencyGate<ResourceKey> gate;
  CloudPodReconciler reconciler;

  /** Whether the reconciler gets {@link #backups} (else no Backup store, as before backups). */
  private final boolean withBackups;

  PodHarness() {
    this(false);
  }

  PodHarness(boolean withBackups) {
    this.withBackups = withBackups;
    proxmox = new FakeProxmoxClient(clock);
    proxmox
        .addNode("pve", 64 * FakeProxmoxClient.GIB)
        .addStorage("pve", "clients-main", 1024 * FakeProxmoxClient.GIB)
        .addTemplate("pve", 9000, "ubuntu-22.04-golden")
        .addPool("ClientPods");
    poolSpecs.put(
        "default",
        new IpPoolSpec(
            "10.1.10.0/24",
            "10.1.10.1",
            "10.1.10.50",
            "10.1.10.99",
            "vmbr0",
            List.of("1.1.1.1"),
            List.of()));
    restart();
  }

  /** A new controller process on the same database and cluster. */
  PodHarness restart() {
    gate = new ConcurrencyGate<>(slot -> slot.startsWith("clone-source:") ? 1 : 4, woken::add);
    cluster = new ClusterObserver(proxmox, clock, Duration.ofMinutes(10));
    CloudPodSettings settings =
        new CloudPodSettings(
            "ClientPods",
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            60);
    reconciler =
        new CloudPodReconciler(
            new CloudPodPorts(
                pods,
                ledger,
                pools,
                defaults,
                events,
                probe,
                withBackups ? backups : io.cloudpods.cloudpod.backup.PodBackups.NONE),
            proxmox,
            cluster,
            gate,
            settings,
            clock);
    return this;
  }

  static CloudPodSpec spec() {
    return new CloudPodSpec(
        1,
        1024,
        512,
        8,
        9000,
        "clients-main",
        "default",
        null,
        null,
        null,
        "Running",
        "full",
        false);
  }

  CloudPod create(String name) {
    return pods.put(TENANT, name, defaults.pod(spec()));
  }

  CloudPod create(String name, CloudPodSpec spec) {
    return pods.put(TENANT, name, defaults.pod(spec));
  }

  static ResourceKey key(String name) {
    return ResourceKey.of(TENANT, name);
  }

  /** One pass, as the engine runs it. */
  ReconcileResult pass(String name) throws Exception {
    return reconciler.reconcile(key(name));
  }

  /** One pass that must end in an exception of {@code type}; returns it. */
  <T extends Exception> T failingPass(String name, Class<T> type) {
    try {
      ReconcileResult r = reconciler.reconcile(key(name));
      throw new AssertionError("expected " + type.getSimpleName() + ", the pass returned " + r);
    } catch (Exception e) {
      if (!type.isInstance(e)) {
        throw new AssertionError("expected " + type.getSimpleName() + ", got " + e, e);
      }
      return type.cast(e);
    }
  }

  /**
   * Passes until the pod has nothing left to do, finishing each Proxmox task the pass started and
   * taking a fresh cluster list between passes (as the resync and the task polls would).
   */
  void converge(String name) throws Exception {
    for (int i = 0; i < 30; i++) {
      ReconcileResult r;
      try {
        r = pass(name);
      } catch (RequeueException e) {
        r = ReconcileResult.requeueAfter(e.delay());
      }
      boolean tasks = proxmox.finishAllTasks() > 0;
      clock.advance(Duration.ofSeconds(1));
      cluster.refresh();
      if (r.requeueAfter().isEmpty() && !tasks) {
        return;
      }
    }
    throw new AssertionError(
        "pod " + name + " did not settle in 30 passes: " + pods.status(TENANT, name));
  }

  CloudPodStatus status(String name) {
    return pods.status(TENANT, name);
  }

  Optional<Condition> condition(String name, String type) {
    CloudPodStatus s = status(name);
    return s == null ? Optional.empty() : Conditions.find(s.conditions(), type);
  }

  String reason(String name, String type) {
    return condition(name, type).map(Condition::reason).orElse(null);
  }

  PodAllocation allocation(String name) {
    return ledger.of(pods.pod(TENANT, name)).orElseThrow();
  }

  int vmid(String name) {
    return allocation(name).vmid();
  }
}
