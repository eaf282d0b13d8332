package io.cloudpods.cloudpod;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Conditions;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.CONFIG_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.POWER_STATE_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.PROVISIONED;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.cloudpod.exec.ActionExecutor;
import io.cloudpods.cloudpod.exec.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.cloudpod.placement.NodeCandidate;
import io.cloudpods.cloudpod.placement.Placement;
import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.cloudpod.plan.CloudPodPlanner;
import io.cloudpods.cloudpod.plan.DesiredPod;
import io.cloudpods.cloudpod.plan.ObservedContainer;
import io.cloudpods.cloudpod.plan.ObservedContainer.ObservedConfig;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.events.EventRecorder;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.ipam.AddressProbe;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.LxcStatus;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxAlreadyExistsException;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxPowerStateException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.store.AllocationStore;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.PodAllocation;
import io.cloudpods.store.PodResyncRow;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.StoreConflictException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converges one CloudPod: loads it from PostgreSQL, checks its in-flight Proxmox task, reserves
 * VMID, address and node (persisted before any Proxmox call), observes its container, plans, acts
 * (at most one Proxmox task per pass; the task is recorded and checked on a later pass, never
 * waited for), and writes status. Knows nothing about threads or queues.
 */
public final class CloudPodReconciler implements Reconciler<ResourceKey> {

  static final String KIND = "CloudPod";
  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024L * MIB;

  private final CloudPodStore pods;
  private final AllocationStore allocations;
  private final IpPoolStore pools;
  private final Defaults defaults;
  private final ProxmoxClient client;
  private final ClusterObserver observer;
  private final ActionExecutor executor;
  private final ConcurrencyGate<ResourceKey> gate;
  private final EventRecorder events;
  private final AddressProbe probe;
  private final ReconcileConfig config;
  private final Clock clock;
  private final String clientPool;

  /** Pods whose container a full read showed converged: the generation and when. */
  private final Map<ResourceKey, Verified> verified = new ConcurrentHashMap<>();

  /**
   * A full read showed the container converged for {@code generation} at {@code at}; read again in
   * full after {@code expires} (the deep-verify interval with jitter, so pods verified together are
   * not all read again in the same cycle).
   */
  private record Verified(long generation, Instant at, Instant expires) {}

  private volatile Consumer<ResourceKey> ownerWake = k -> {};

  /** Called with the owning PodSet's key when a pod's readiness or observed generation changes. */
  public void wakeOwnersWith(Consumer<ResourceKey> wake) {
    this.ownerWake = wake;
  }

  /** Pods whose last pass ended converged, with nothing left to do: uid and generation. */
  private final Map<ResourceKey, Settled> settled = new ConcurrentHashMap<>();

  private record Settled(UUID uid, long generation) {}

  public CloudPodReconciler(
      CloudPodStore pods,
      AllocationStore allocations,
      IpPoolStore pools,
      Defaults defaults,
      ProxmoxClient client,
      ClusterObserver observer,
      ConcurrencyGate<ResourceKey> gate,
      EventRecorder events,
      AddressProbe probe,
      ReconcileConfig config,
      String clientPool,
      Clock clock) {
    this.pods = pods;
    this.allocations = allocations;
    this.pools = pools;
    this.defaults = defaults;
    this.client = client;
    this.observer = observer;
    this.executor = new ActionExecutor(client);
    this.gate = gate;
    this.events = events;
    this.probe = probe;
    this.config = config;
    this.clock = clock;
    this.clientPool = clientPool;
  }

  /** The state of one pass, shared by the steps below. */
  private final class Pass {
    final ResourceKey key;
    final CloudPod pod;
    final UUID uid;
    final CloudPodSpec spec;
    final long generation;
    final PodStatusBuilder status;
    PodAllocation alloc;
    /** Set when the pass found the container converged and planned nothing. */
    boolean converged;

    Pass(ResourceKey key, CloudPod pod) {
      this.key = key;
      this.pod = pod;
      this.uid = UUID.fromString(pod.metadata().uid());
      this.spec = defaults.pod(pod.spec());
      this.generation = pod.metadata().generation() == null ? 1 : pod.metadata().generation();
      this.status = new PodStatusBuilder(pod.status(), generation, now());
    }

    String hostname() {
      return pod.metadata().name();
    }

    Event event(String level, String reason, String message) {
      return Event.of(level, reason, message, KIND, key.tenant(), key.name())
          .about(alloc == null ? null : alloc.vmid(), hostname(), alloc == null ? null : alloc.ip());
    }

    void save() {
      CloudPodStatus built = status.build();
      if (status.changed(built)) {
        pods.updateStatus(key, built);
        CloudPodStatus before = pod.status();
        boolean readyBefore = before != null && Conditions.isTrue(before.conditions(), CloudPodConditions.READY);
        boolean readyNow = Conditions.isTrue(built.conditions(), CloudPodConditions.READY);
        if (readyBefore != readyNow
            || !Objects.equals(before == null ? null : before.observedGeneration(), built.observedGeneration())) {
          // status writes send no notification; the PodSet counts ready pods, so tell it
          ownerPodSet(this).ifPresent(set -> ownerWake.accept(ResourceKey.of(key.tenant(), set)));
        }
      }
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  @Override
  public ReconcileResult reconcile(ResourceKey key) throws Exception {
    Optional<CloudPod> found = pods.get(key);
    settled.remove(key);
    if (found.isEmpty()) {
      gate.forget(key);
      verified.remove(key);
      taskSeen.remove(key);
      return ReconcileResult.done();
    }
    Pass p = new Pass(key, found.get());
    p.alloc = allocations.find(p.uid).orElse(null);
    try {
      ReconcileResult r = reconcile(p);
      p.status.noFailure();
      p.save();
      if (p.converged && r.requeueAfter().isEmpty()) {
        settled.put(key, new Settled(p.uid, p.generation));
      }
      return r;
    } catch (RequeueException e) {
      p.save();
      throw e;
    } catch (ProxmoxException e) {
      String reason =
          e instanceof ProxmoxUnavailableException
              ? CloudPodConditions.PROXMOX_UNREACHABLE
              : CloudPodConditions.PROXMOX_ERROR;
      p.status.summary(reason, e.getMessage());
      p.save();
      throw e;
    } catch (StoreConflictException e) {
      p.status.summary(CloudPodConditions.ALLOCATION_FAILED, e.getMessage());
      p.status.phase(CloudPodConditions.PHASE_FAILED);
      p.save();
      throw e;
    }
  }

  /** Called by the engine's listener after a failed pass, to make the retry visible. */
  public void recordFailure(ResourceKey key, Exception error, int attempt, Duration retryIn) {
    pods.get(key)
        .ifPresent(
            pod -> {
              Pass p = new Pass(key, pod);
              String reason =
                  Conditions.find(p.status.conditions(), CloudPodConditions.READY)
                      .map(c -> c.reason())
                      .orElse(CloudPodConditions.PROXMOX_ERROR);
              p.status.failure(reason, error.getMessage(), attempt, now().plus(retryIn));
              p.save();
            });
  }

  private ReconcileResult reconcile(Pass p) throws Exception {
    Optional<ReconcileResult> waiting = checkTask(p);
    if (waiting.isPresent()) {
      return waiting.get();
    }
    if (p.pod.metadata().deletionTimestamp() != null) {
      return reconcileDeletion(p);
    }
    if (!allocate(p)) {
      return ReconcileResult.done();
    }
    return converge(p);
  }

  // ---- in-flight task -------------------------------------------------------------------------

  private Optional<ReconcileResult> checkTask(Pass p) {
    if (p.alloc == null || p.alloc.taskUpid() == null) {
      return Optional.empty();
    }
    Upid upid;
    try {
      upid = Upid.parse(p.alloc.taskUpid());
    } catch (IllegalArgumentException e) {
      allocations.recordTask(p.uid, null);
      p.status.task(null);
      return Optional.empty();
    }
    TaskStatus task;
    try {
      task = client.taskStatus(upid);
    } catch (ProxmoxException e) {
      if (e.httpStatus() == 400) {
        // "no such task": the node forgot it (restart); observe the container instead
        allocations.recordTask(p.uid, null);
        p.status.task(null);
        return Optional.empty();
      }
      throw e;
    }
    if (task.running()) {
      gate.hold(p.key, slotsForTask(p, upid));
      p.status.task(upid.toString()).summary(CloudPodConditions.WAITING_FOR_TASK, upid.type() + " is running");
      return Optional.of(ReconcileResult.requeueAfter(pollDelay(p.key, upid.toString())));
    }
    gate.release(p.key);
    taskSeen.remove(p.key);
    allocations.recordTask(p.uid, null);
    p.status.task(null);
    verified.remove(p.key);
    if (task.isOk()) {
      events.record(p.event("info", "TaskSucceeded", upid.type() + " finished" + warnings(task)));
      if ("vzshutdown".equals(upid.type())) {
        p.status.condition(POWER_STATE_SYNCED, false, CloudPodConditions.STOPPING, "shut down");
      }
      return Optional.empty();
    }
    String exit = task.exitStatus().orElse("unexpected status");
    events.record(p.event("warn", "TaskFailed", upid.type() + ": " + exit));
    if ("vzshutdown".equals(upid.type())) {
      p.status.condition(
          POWER_STATE_SYNCED, false, CloudPodConditions.SHUTDOWN_FAILED, "graceful shutdown failed: " + exit);
      return Optional.empty(); // the next plan stops it hard, no backoff needed
    }
    p.status.summary(CloudPodConditions.TASK_FAILED, upid.type() + ": " + exit);
    throw task.failure().orElseThrow();
  }

  /** When this process first saw each pod's running task, for {@link #pollDelay}. */
  private final Map<ResourceKey, TaskSeen> taskSeen = new ConcurrentHashMap<>();

  private record TaskSeen(String upid, Instant since) {}

  /**
   * How long to wait before checking a running task again: a tenth of how long it has run (as
   * seen by this process), between the initial and the maximum poll interval. Short tasks are
   * noticed finished quickly, long ones cost few requests, and the delay in noticing is about 10 %.
   */
  private Duration pollDelay(ResourceKey key, String upid) {
    Instant now = clock.instant();
    TaskSeen seen = taskSeen.compute(key, (k, old) -> old != null && old.upid().equals(upid) ? old : new TaskSeen(upid, now));
    return nextPoll(Duration.between(seen.since(), now), config.tasks().pollInitial(), config.tasks().pollInterval());
  }

  /** A tenth of {@code running}, kept between {@code initial} and {@code max}. */
  static Duration nextPoll(Duration running, Duration initial, Duration max) {
    long maxMs = max.toMillis();
    long minMs = Math.min(initial.toMillis(), maxMs);
    return Duration.ofMillis(Math.max(minMs, Math.min(maxMs, running.toMillis() / 10)));
  }

  private static String warnings(TaskStatus t) {
    return t.warningCount() > 0 ? " with " + t.warningCount() + " warning(s)" : "";
  }

  private List<String> slotsForTask(Pass p, Upid upid) {
    String node = upid.node();
    if ("vzclone".equals(upid.type())) {
      return List.of(
          ConcurrencyGate.cloneSource(node, Integer.parseInt(upid.id())),
          ConcurrencyGate.storage(node, p.spec.storage()),
          ConcurrencyGate.node(node));
    }
    return List.of(ConcurrencyGate.node(node));
  }

  // ---- deletion -------------------------------------------------------------------------------

  private ReconcileResult reconcileDeletion(Pass p) {
    p.status
        .phase(CloudPodConditions.PHASE_DELETING)
        .summary(CloudPodConditions.DELETING, "removing the container");
    if (p.alloc == null || p.alloc.vmid() == null) {
      return finish(p);
    }
    int vmid = p.alloc.vmid();
    Optional<ObservedContainer> observed = observeFresh(p, vmid, p.alloc.node());
    DesiredPod desired = desired(p, vmid, observed.map(ObservedContainer::node).orElse(p.alloc.node()), "", true);
    List<Action> plan = CloudPodPlanner.plan(desired, observed);
    if (plan.isEmpty()) {
      observed.ifPresent(
          o ->
              events.record(
                  p.event(
                      "warn",
                      "ForeignContainerKept",
                      "VMID " + vmid + " holds a guest without this pod's marker; it was left untouched")));
      return finish(p);
    }
    return execute(p, plan, observed);
  }

  private ReconcileResult finish(Pass p) {
    gate.forget(p.key);
    verified.remove(p.key);
    allocations.release(p.uid);
    pods.finalizeDeletion(p.key);
    events.record(p.event("info", "Deleted", "CloudPod deleted; its VMID and address are free again"));
    return ReconcileResult.done();
  }

  // ---- allocation -----------------------------------------------------------------------------

  /** Reserves VMID, address and node in PostgreSQL. False when the pod cannot proceed now. */
  private boolean allocate(Pass p) {
    ClusterSnapshot snap = observer.snapshot(config.resync().interval());
    boolean fresh = p.alloc == null || p.alloc.vmid() == null || p.alloc.ip() == null || p.alloc.node() == null;
    if (p.alloc == null || p.alloc.vmid() == null) {
      p.status.condition(PROVISIONED, false, CloudPodConditions.ALLOCATING, "reserving a VMID");
      Set<Integer> used = snap.guests().keySet();
      allocations.allocateVmid(p.uid, vmid -> used.contains(vmid));
    }
    // addresses on containers that are not CloudPods; read again before anything is handed out
    Map<String, Integer> foreign =
        fresh ? observer.foreignAddresses(config.resync().interval()) : observer.foreignAddresses();
    if (p.alloc == null || p.alloc.ip() == null) {
      allocations.allocateIp(
          p.uid, p.spec.ipPool(), ip -> foreign.containsKey(ip) || (config.addressProbe() && probe.inUse(ip)));
    }
    if (fresh) {
      p.alloc = allocations.find(p.uid).orElseThrow();
    }
    if (p.alloc.node() == null) {
      Optional<String> node = place(p, snap);
      if (node.isEmpty()) {
        return false;
      }
      p.alloc = allocations.find(p.uid).orElseThrow();
      events.record(
          p.event("info", "Allocated", "VMID " + p.alloc.vmid() + ", address " + p.alloc.ip() + " on node " + node.get()));
    }
    p.status.allocation(p.alloc.vmid(), p.alloc.node(), p.alloc.ip());
    Integer holder = foreign.get(p.alloc.ip());
    if (holder != null && !holder.equals(p.alloc.vmid())) {
      p.status
          .condition(
              PROVISIONED,
              false,
              CloudPodConditions.IP_CONFLICT,
              "address " + p.alloc.ip() + " is configured on guest " + holder + ", which is not a stored CloudPod")
          .phase(CloudPodConditions.PHASE_FAILED);
      return false;
    }
    return true;
  }

  /** Serialises placement decisions, so pods placed at the same moment see each other. */
  private final Object placementLock = new Object();

  private Optional<String> place(Pass p, ClusterSnapshot snap) {
    if (p.spec.node() != null) {
      allocations.recordNode(p.uid, p.spec.node());
      return Optional.of(p.spec.node());
    }
    Optional<String> templateName = snap.guest(p.spec.template()).flatMap(Guest::name);
    // memory of guests the database does not account for (foreign, orphans), from Proxmox
    Map<String, Long> foreignMem = new HashMap<>();
    for (Guest g : snap.guests().values()) {
      boolean ours = observer.accountedFor(g);
      if (!ours && !g.template() && (g.status() == PowerState.RUNNING || g.status() == PowerState.UNKNOWN)) {
        foreignMem.merge(g.node(), g.maxMem(), Long::sum);
      }
    }
    UUID owner =
        p.pod.metadata().ownerReference() == null || p.pod.metadata().ownerReference().uid() == null
            ? null
            : UUID.fromString(p.pod.metadata().ownerReference().uid());
    synchronized (placementLock) {
      AllocationStore.PlacementLoad load = allocations.placementLoad(owner);
      List<NodeCandidate> candidates = new ArrayList<>();
      for (ClusterResource.Node n : snap.nodes().values()) {
        OptionalInt template = templateOn(snap, n.node(), p.spec.template(), templateName);
        long storageFree = snap.storage(n.node(), p.spec.storage()).map(s -> s.maxDisk() - s.disk()).orElse(0L);
        long promised = foreignMem.getOrDefault(n.node(), 0L) + load.memoryMbByNode().getOrDefault(n.node(), 0L) * MIB;
        candidates.add(
            new NodeCandidate(
                n.node(),
                "online".equals(n.status()),
                template,
                n.maxMem() - promised,
                n.maxMem(),
                storageFree,
                owner == null ? 0 : load.ownerPodsByNode().getOrDefault(n.node(), 0)));
      }
      Placement.Decision d = Placement.choose(candidates, p.spec.memoryMb() * MIB, (long) p.spec.diskGb() * GIB);
      if (d.node().isEmpty()) {
        p.status
            .condition(PROVISIONED, false, CloudPodConditions.ALLOCATION_FAILED, d.reason())
            .phase(CloudPodConditions.PHASE_PENDING);
        throw new RequeueException(config.tasks().capacityRecheck(), d.reason());
      }
      allocations.recordNode(p.uid, d.node().get());
      return d.node();
    }
  }

  private Optional<String> ownerPodSet(Pass p) {
    return p.pod.metadata().ownerReference() == null
        ? Optional.empty()
        : Optional.ofNullable(p.pod.metadata().ownerReference().name());
  }

  /** The golden template on {@code node}: the spec's VMID there, else a template of the same name. */
  static OptionalInt templateOn(ClusterSnapshot snap, String node, int templateVmid, Optional<String> templateName) {
    Optional<Guest> direct = snap.guest(templateVmid).filter(g -> g.node().equals(node) && g.template());
    if (direct.isPresent()) {
      return OptionalInt.of(templateVmid);
    }
    if (templateName.isEmpty()) {
      return OptionalInt.empty();
    }
    return snap.guests().values().stream()
        .filter(g -> g.template() && g.node().equals(node) && g.name().equals(templateName))
        .mapToInt(Guest::vmid)
        .sorted()
        .findFirst();
  }

  // ---- convergence ----------------------------------------------------------------------------

  private ReconcileResult converge(Pass p) {
    int vmid = p.alloc.vmid();
    String node = p.alloc.node();
    if (parkedUntilCloneSlot(p, vmid, node)) {
      return ReconcileResult.done();
    }
    Optional<ObservedContainer> observed = observe(p, vmid, node);
    String templateNode = observed.map(ObservedContainer::node).orElse(node);
    DesiredPod desired = desired(p, vmid, templateNode, p.alloc.ip(), false);
    if (observed.isEmpty()) {
      ClusterSnapshot snap = observer.current();
      Optional<String> templateName = snap.guest(p.spec.template()).flatMap(Guest::name);
      OptionalInt template = templateOn(snap, node, p.spec.template(), templateName);
      if (template.isEmpty()) {
        p.status
            .condition(
                PROVISIONED,
                false,
                CloudPodConditions.INVALID_SPEC,
                "no template " + p.spec.template() + templateName.map(n -> " (" + n + ")").orElse("") + " on node " + node)
            .phase(CloudPodConditions.PHASE_PENDING);
        throw new RequeueException(config.tasks().capacityRecheck(), "template missing on " + node);
      }
      desired = desired.toBuilder().templateVmid(template.getAsInt()).build();
    }
    List<Action> plan = CloudPodPlanner.plan(desired, observed);
    if (plan.isEmpty()) {
      markConverged(p, observed.orElseThrow(), desired);
      return ReconcileResult.done();
    }
    return execute(p, plan, observed);
  }

  /**
   * A pod whose container does not exist yet (never verified, not in the cluster list) and whose
   * clone could not start now anyway waits for the clone slot without reading its VMID from
   * Proxmox first: hundreds of pods queued behind one template would otherwise each read a config
   * that does not exist at every wake-up and resync. The gate wakes it when a slot frees; the full
   * read happens then, before the clone.
   */
  private boolean parkedUntilCloneSlot(Pass p, int vmid, String node) {
    if (verified.containsKey(p.key)) {
      return false;
    }
    ClusterSnapshot snap = observer.current();
    if (snap.guest(vmid).isPresent()) {
      return false;
    }
    OptionalInt template = templateOn(snap, node, p.spec.template(), snap.guest(p.spec.template()).flatMap(Guest::name));
    if (template.isEmpty()) {
      return false;
    }
    List<String> slots =
        List.of(
            ConcurrencyGate.cloneSource(node, template.getAsInt()),
            ConcurrencyGate.storage(node, p.spec.storage()),
            ConcurrencyGate.node(node));
    if (!gate.mustWait(p.key, slots)) {
      return false;
    }
    p.status.summary(CloudPodConditions.WAITING_FOR_CAPACITY, "waiting for a free slot: " + String.join(", ", slots));
    return true;
  }

  private void markConverged(Pass p, ObservedContainer o, DesiredPod desired) {
    p.status
        .condition(PROVISIONED, true, CloudPodConditions.CONVERGED, "")
        .condition(POWER_STATE_SYNCED, true, CloudPodConditions.CONVERGED, "")
        .phase(o.running() ? CloudPodConditions.PHASE_RUNNING : CloudPodConditions.PHASE_STOPPED);
    if (!desired.restartPending()) {
      p.status.condition(CONFIG_SYNCED, true, CloudPodConditions.CONVERGED, "");
    }
    p.converged = true;
    if (o.config().isPresent()) {
      Instant at = now();
      long interval = config.resync().deepVerifyInterval().toMillis();
      long jittered = interval / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(interval / 2 + 1);
      verified.put(p.key, new Verified(p.generation, at, at.plusMillis(jittered)));
    }
  }

  private ReconcileResult execute(Pass p, List<Action> plan, Optional<ObservedContainer> observed) {
    boolean configChanged = false;
    for (Action action : plan) {
      if (action instanceof Action.Blocked b) {
        blocked(p, b);
        if (b.reason() != Action.BlockReason.DISK_SHRINK_REFUSED) {
          return ReconcileResult.done();
        }
        continue;
      }
      if (action instanceof Action.Wait w) {
        String reason =
            w.reason() == Action.WaitReason.LOCKED ? CloudPodConditions.LOCKED : CloudPodConditions.STATE_UNKNOWN;
        p.status.summary(reason, w.message());
        verified.remove(p.key);
        return ReconcileResult.requeueAfter(config.tasks().lockedRecheck());
      }
      if (action instanceof Action.UpdateConfig u) {
        events.recordIntent(announce(p, u));
        executor.execute(u);
        configChanged = true;
        verified.remove(p.key);
        events.record(p.event("info", "ConfigUpdated", "set " + describe(u.set())));
        if (!u.restartRequired().isEmpty() && !allowRestart(p)) {
          p.status.condition(
              CONFIG_SYNCED,
              false,
              CloudPodConditions.RESTART_REQUIRED,
              String.join(", ", u.restartRequired()) + " take effect when the container restarts; the spec does not allow restarts");
        } else {
          p.status.condition(CONFIG_SYNCED, true, CloudPodConditions.CONVERGED, "");
        }
        continue;
      }
      return startTask(p, action);
    }
    if (configChanged) {
      // config written synchronously; look again at once with a fresh read
      return ReconcileResult.requeueAfter(Duration.ZERO);
    }
    observed.ifPresent(o -> p.status.condition(PROVISIONED, true, CloudPodConditions.CONVERGED, ""));
    return ReconcileResult.done();
  }

  private boolean allowRestart(Pass p) {
    return Boolean.TRUE.equals(p.spec.allowRestart());
  }

  private void blocked(Pass p, Action.Blocked b) {
    switch (b.reason()) {
      case FOREIGN_CONTAINER, NOT_A_CONTAINER -> {
        p.status
            .condition(PROVISIONED, false, CloudPodConditions.VMID_CONFLICT, b.message())
            .phase(CloudPodConditions.PHASE_FAILED);
        if (!Conditions.hasReason(p.pod.status() == null ? null : p.pod.status().conditions(), PROVISIONED, CloudPodConditions.VMID_CONFLICT)) {
          events.record(p.event("error", CloudPodConditions.VMID_CONFLICT, b.message()));
        }
      }
      case DISK_SHRINK_REFUSED ->
          p.status.condition(CONFIG_SYNCED, false, CloudPodConditions.DISK_SHRINK_REFUSED, b.message());
    }
  }

  private ReconcileResult startTask(Pass p, Action action) {
    List<String> slots = slotsFor(p, action);
    if (!gate.tryAcquire(p.key, slots)) {
      p.status.summary(CloudPodConditions.WAITING_FOR_CAPACITY, "waiting for a free slot: " + String.join(", ", slots));
      // the gate wakes this pod when a slot frees; the next resync looks at it anyway. Polling
      // here would run a pass per waiting pod every few seconds (hundreds, behind one template).
      return ReconcileResult.done();
    }
    Upid upid;
    try {
      events.recordIntent(announce(p, action));
      upid = executor.execute(action).orElseThrow();
    } catch (ProxmoxAlreadyExistsException e) {
      gate.release(p.key);
      verified.remove(p.key);
      // a clone whose response was lost: the container exists; look at it again
      throw new RequeueException(config.tasks().lockedRecheck(), e.getMessage());
    } catch (ProxmoxPowerStateException e) {
      gate.release(p.key);
      verified.remove(p.key);
      // the list we planned from lagged behind (already running / not running)
      throw new RequeueException(Duration.ZERO, e.getMessage());
    } catch (RuntimeException e) {
      gate.release(p.key);
      verified.remove(p.key);
      throw e;
    }
    allocations.recordTask(p.uid, upid.toString());
    p.status.task(upid.toString());
    describeStart(p, action, upid);
    return ReconcileResult.requeueAfter(pollDelay(p.key, upid.toString()));
  }

  private void describeStart(Pass p, Action action, Upid upid) {
    if (action instanceof Action.CloneContainer c) {
      p.status
          .condition(PROVISIONED, false, CloudPodConditions.CREATING, "cloning template " + c.sourceVmid() + " (" + upid + ")")
          .phase(CloudPodConditions.PHASE_PROVISIONING);
    } else if (action instanceof Action.ResizeDisk r) {
      p.status.condition(CONFIG_SYNCED, false, CloudPodConditions.UPDATING, "growing rootfs to " + r.sizeGb() + " GiB");
    } else if (action instanceof Action.Start) {
      p.status.condition(POWER_STATE_SYNCED, false, CloudPodConditions.STARTING, "starting");
    } else if (action instanceof Action.Shutdown s) {
      p.status.condition(POWER_STATE_SYNCED, false, CloudPodConditions.STOPPING, "shutting down (timeout " + s.timeoutSeconds() + " s)");
    } else if (action instanceof Action.Stop) {
      p.status.condition(POWER_STATE_SYNCED, false, CloudPodConditions.STOPPING, "stopping hard");
    }
  }

  /**
   * The event recorded before a mutating Proxmox call (write-ahead, like the scripts' "Cloning
   * template"): a kill or a lost answer after the call still leaves its trace. The outcome (task
   * succeeded or failed, the config written) is recorded after, as it becomes known.
   */
  private static Event announce(Pass p, Action action) {
    if (action instanceof Action.CloneContainer c) {
      return p.event(
          "info",
          "Cloning",
          (c.full() ? "full" : "linked") + " clone of template " + c.sourceVmid() + " to CT " + c.newVmid() + " on " + c.node());
    }
    if (action instanceof Action.UpdateConfig u) {
      return p.event(
          "info",
          "UpdatingConfig",
          "CT " + u.vmid() + ": set " + describe(u.set()) + (u.delete().isEmpty() ? "" : "; delete " + String.join(", ", u.delete())));
    }
    if (action instanceof Action.ResizeDisk r) {
      return p.event("info", "DiskResizing", "growing rootfs of CT " + r.vmid() + " to " + r.sizeGb() + " GiB");
    }
    if (action instanceof Action.Start s) {
      return p.event("info", "Starting", "starting CT " + s.vmid());
    }
    if (action instanceof Action.Shutdown s) {
      return p.event("info", "ShuttingDown", "graceful shutdown of CT " + s.vmid());
    }
    if (action instanceof Action.Stop s) {
      return p.event("info", "Stopping", "hard stop of CT " + s.vmid());
    }
    if (action instanceof Action.Destroy d) {
      return p.event("info", "Destroying", "destroying CT " + d.vmid());
    }
    throw new IllegalArgumentException("not a Proxmox mutation: " + action);
  }

  private List<String> slotsFor(Pass p, Action action) {
    if (action instanceof Action.CloneContainer c) {
      return List.of(
          ConcurrencyGate.cloneSource(c.node(), c.sourceVmid()),
          ConcurrencyGate.storage(c.node(), p.spec.storage()),
          ConcurrencyGate.node(c.node()));
    }
    if (action instanceof Action.ResizeDisk r) {
      return List.of(ConcurrencyGate.storage(r.node(), p.spec.storage()), ConcurrencyGate.node(r.node()));
    }
    String node =
        action instanceof Action.Start s ? s.node()
            : action instanceof Action.Shutdown s ? s.node()
            : action instanceof Action.Stop s ? s.node()
            : action instanceof Action.Destroy d ? d.node()
            : p.alloc.node();
    return List.of(ConcurrencyGate.node(node));
  }

  private static String describe(Map<String, String> set) {
    List<String> parts = new ArrayList<>();
    set.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }

  // ---- desired state --------------------------------------------------------------------------

  private DesiredPod desired(Pass p, int vmid, String node, String ip, boolean deleting) {
    IpPoolSpec pool = pools.spec(p.spec.ipPool()).orElse(null);
    DesiredPod.Network net =
        pool == null
            ? new DesiredPod.Network("vmbr0", ip, 24, "")
            : new DesiredPod.Network(pool.bridge(), ip, prefixLength(pool.cidr()), pool.gateway());
    boolean shutdownFailed =
        Conditions.hasReason(p.status.conditions(), POWER_STATE_SYNCED, CloudPodConditions.SHUTDOWN_FAILED);
    boolean restartPending =
        Conditions.hasReason(p.status.conditions(), CONFIG_SYNCED, CloudPodConditions.RESTART_REQUIRED);
    return DesiredPod.builder()
        .uid(p.pod.metadata().uid())
        .tenant(p.key.tenant())
        .name(p.key.name())
        .podSet(ownerPodSet(p))
        .vmid(vmid)
        .node(node)
        .hostname(p.hostname())
        .cores(p.spec.cores())
        .memoryMb(p.spec.memoryMb())
        .swapMb(p.spec.swapMb())
        .diskGb(p.spec.diskGb())
        .templateVmid(p.spec.template())
        .storage(p.spec.storage())
        .fullClone(!"linked".equalsIgnoreCase(p.spec.cloneMode()))
        .pool(clientPool)
        .network(net)
        .nameservers(pool == null ? List.of() : pool.nameservers())
        .running(!"stopped".equalsIgnoreCase(p.spec.powerState()))
        .allowRestart(allowRestart(p))
        .shutdownTimeoutSeconds(config.tasks().shutdownTimeoutSeconds())
        .deleting(deleting)
        .forceStopNext(shutdownFailed)
        .restartPending(restartPending)
        .build();
  }

  private static int prefixLength(String cidr) {
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    return slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1).trim());
  }

  // ---- observation ----------------------------------------------------------------------------

  /**
   * The container at {@code vmid}: from the cluster snapshot when the pod was verified converged by
   * a full read and the snapshot, newer than that, still shows it so; otherwise read in full.
   */
  private Optional<ObservedContainer> observe(Pass p, int vmid, String node) {
    ClusterSnapshot snap = observer.current();
    Verified v = verified.get(p.key);
    boolean verifiedCurrent = v != null && v.generation() == p.generation && now().isBefore(v.expires());
    if (verifiedCurrent) {
      if (!snap.takenAt().isAfter(v.at())) {
        return Optional.of(fromGuestOrAssumeConverged(snap, vmid, node, p));
      }
      Optional<Guest> g = snap.guest(vmid);
      if (g.isPresent() && looksConverged(p.spec, p.key, p.pod.metadata().uid(), ownerPodSet(p), g.get())) {
        return Optional.of(fromGuest(g.get()));
      }
    }
    return observeFresh(p, vmid, node);
  }

  private ObservedContainer fromGuestOrAssumeConverged(ClusterSnapshot snap, int vmid, String node, Pass p) {
    return snap.guest(vmid)
        .map(CloudPodReconciler::fromGuest)
        .orElseGet(
            () ->
                new ObservedContainer(
                    vmid,
                    node,
                    "lxc",
                    "stopped".equalsIgnoreCase(p.spec.powerState()) ? "stopped" : "running",
                    Optional.empty(),
                    false,
                    Ownership.tagsFor(p.pod.metadata().uid(), p.key.tenant(), ownerPodSet(p)),
                    Optional.empty()));
  }

  /** What the cluster list shows of the container matches the spec (the list cannot show net0 and the like). */
  private static boolean looksConverged(
      CloudPodSpec spec, ResourceKey key, String uid, Optional<String> podSet, Guest g) {
    boolean wantRunning = !"stopped".equalsIgnoreCase(spec.powerState());
    return g.lock().isEmpty()
        && !g.template()
        && (wantRunning ? g.status() == PowerState.RUNNING : g.status() == PowerState.STOPPED)
        && g.maxCpu() == spec.cores()
        && g.maxMem() == spec.memoryMb() * MIB
        && (g.maxDisk() == 0 || g.maxDisk() == (long) spec.diskGb() * GIB)
        && g.name().map(n -> n.equals(key.name())).orElse(true)
        && Set.copyOf(g.tags()).equals(Ownership.tagsFor(uid, key.tenant(), podSet));
  }

  /**
   * Whether the periodic resync must run a pass for this pod. A pod whose last pass ended
   * converged, whose full read is still current and which the new cluster list still shows as
   * converged has nothing to do; running the pass would only read PostgreSQL twice to find that
   * out. Everything else (new generation, deletion, task in flight, never settled by this process,
   * a failure since, deep verify due, an address conflict, a list that differs) gets its pass.
   */
  public boolean needsPass(PodResyncRow row, ClusterSnapshot snap, Map<String, Integer> foreignAddresses) {
    if (row.deleting() || row.taskUpid() != null || row.vmid() == null || row.node() == null || row.ip() == null) {
      return true;
    }
    Settled s = settled.get(row.key());
    Verified v = verified.get(row.key());
    if (s == null
        || !s.uid().equals(row.uid())
        || s.generation() != row.generation()
        || v == null
        || v.generation() != row.generation()
        || !now().isBefore(v.expires())) {
      return true;
    }
    Integer holder = foreignAddresses.get(row.ip());
    if (holder != null && !holder.equals(row.vmid())) {
      return true;
    }
    if (!snap.takenAt().isAfter(v.at())) {
      return false; // nothing newer to look at than the full read
    }
    Optional<Guest> g = snap.guest(row.vmid());
    return g.isEmpty()
        || !looksConverged(row.spec(), row.key(), row.uid().toString(), Optional.ofNullable(row.ownerName()), g.get());
  }

  private static ObservedContainer fromGuest(Guest g) {
    return new ObservedContainer(
        g.vmid(),
        g.node(),
        g.type().name().toLowerCase(Locale.ROOT),
        g.status().name().toLowerCase(Locale.ROOT),
        g.lock(),
        g.template(),
        Set.copyOf(g.tags()),
        Optional.empty());
  }

  /** Reads the container's config and status from Proxmox (two calls). */
  private Optional<ObservedContainer> observeFresh(Pass p, int vmid, String nodeHint) {
    ClusterSnapshot snap = observer.current();
    Optional<Guest> listed = snap.guest(vmid);
    if (listed.isPresent() && listed.get().type() != ClusterResource.GuestType.LXC) {
      return Optional.of(fromGuest(listed.get()));
    }
    String node = listed.map(Guest::node).orElse(nodeHint);
    LxcConfig config;
    LxcStatus status;
    try {
      config = client.getConfig(node, vmid);
      status = client.status(node, vmid);
    } catch (ProxmoxNotFoundException e) {
      return Optional.empty();
    }
    Optional<Integer> rootGb =
        config.rootfsSize().flatMap(CloudPodReconciler::sizeToGb);
    ObservedConfig oc =
        new ObservedConfig(
            config.hostname(),
            boxed(config.cores()),
            boxed(config.memory()),
            boxed(config.swap()),
            rootGb,
            Optional.ofNullable(config.nets().get(0)),
            config.nameserver(),
            Optional.ofNullable(config.digest()),
            config.description());
    clearRestartPendingIfRestarted(p, status);
    return Optional.of(
        new ObservedContainer(
            vmid,
            node,
            "lxc",
            status.status().name().toLowerCase(Locale.ROOT),
            config.lock(),
            config.template(),
            Set.copyOf(config.tags()),
            Optional.of(oc)));
  }

  private void clearRestartPendingIfRestarted(Pass p, LxcStatus status) {
    Conditions.find(p.status.conditions(), CONFIG_SYNCED)
        .filter(c -> CloudPodConditions.RESTART_REQUIRED.equals(c.reason()) && c.lastTransitionTime() != null)
        .ifPresent(
            c -> {
              long since = Duration.between(c.lastTransitionTime(), now()).toSeconds();
              if (!status.isRunning() || status.uptime() < since) {
                p.status.condition(CONFIG_SYNCED, true, CloudPodConditions.CONVERGED, "restarted with the new config");
              }
            });
  }

  private static Optional<Integer> boxed(OptionalInt v) {
    return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
  }

  /** {@code 8G}, {@code 512M}, {@code 1T} → whole GiB, rounded up. */
  static Optional<Integer> sizeToGb(String size) {
    if (size == null || size.isEmpty()) {
      return Optional.empty();
    }
    char unit = Character.toUpperCase(size.charAt(size.length() - 1));
    String num = Character.isDigit(unit) ? size : size.substring(0, size.length() - 1);
    double value;
    try {
      value = Double.parseDouble(num);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    double gib =
        switch (unit) {
          case 'T' -> value * 1024;
          case 'G' -> value;
          case 'M' -> value / 1024;
          case 'K' -> value / (1024 * 1024);
          default -> value / (1024d * 1024 * 1024);
        };
    return Optional.of((int) Math.ceil(gib - 1e-9));
  }

  /** Forgets what a full read showed, so the next pass reads again (after a wake-up by SQL, say). */
  public void invalidate(ResourceKey key) {
    settled.remove(key);
    verified.remove(key);
  }

  /** Forgets every full read (an address pool or tenant changed, which the cluster list cannot show). */
  public void invalidateAll() {
    settled.clear();
    verified.clear();
  }
}
