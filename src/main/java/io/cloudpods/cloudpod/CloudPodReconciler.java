package io.cloudpods.cloudpod;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.CONFIG_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.POWER_STATE_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.PROVISIONED;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.cloudpod.alloc.Reservation;
import io.cloudpods.cloudpod.backup.PodRestores;
import io.cloudpods.cloudpod.backup.RestoreSource;
import io.cloudpods.cloudpod.delete.Deletion;
import io.cloudpods.cloudpod.delete.FinalBackupStep;
import io.cloudpods.cloudpod.exec.ActionExecutor;
import io.cloudpods.cloudpod.exec.PlanRunner;
import io.cloudpods.cloudpod.gate.CloneSlotWait;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ContainerObserver;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.cloudpod.pass.DesiredPods;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.cloudpod.pass.StatusWriter;
import io.cloudpods.cloudpod.placement.ClusterIdentity;
import io.cloudpods.cloudpod.placement.NodePlacer;
import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.cloudpod.plan.CloudPodPlanner;
import io.cloudpods.cloudpod.plan.DesiredPod;
import io.cloudpods.cloudpod.plan.ObservedContainer;
import io.cloudpods.cloudpod.task.InFlightTask;
import io.cloudpods.cloudpod.task.TaskPoll;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.StoreConflictException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Converges one CloudPod, in the order docs/CONTROLLER.md tells it: load, in-flight task, deletion,
 * reserve, observe, plan, act, status. Each step is a class of its own; this class only sequences
 * them and turns failures into status. At most one Proxmox task is started per pass, and none is
 * waited for. Knows nothing about threads or queues.
 */
public final class CloudPodReconciler implements Reconciler<ResourceKey> {

  private final CloudPodPorts ports;
  private final ConvergenceCache cache;
  private final InFlightTask inFlightTask;
  private final Deletion deletion;
  private final Reservation reservation;
  private final CloneSlotWait cloneSlotWait;
  private final PodRestores restores;
  private final Duration capacityRecheck;
  private final ContainerObserver observer;
  private final DesiredPods desired;
  private final PlanRunner runner;
  private final NodePlacer placer;
  private final StatusWriter status;
  private final ConcurrencyGate<ResourceKey> gate;
  private final TaskPoll poll;
  private final Clock clock;
  private final ClusterIdentity identity;

  public CloudPodReconciler(
      CloudPodPorts ports,
      ProxmoxClient client,
      ClusterObserver cluster,
      ConcurrencyGate<ResourceKey> gate,
      CloudPodSettings settings,
      Clock clock) {
    this(
        ports,
        client,
        cluster,
        gate,
        settings,
        clock,
        new ConvergenceCache(settings.deepVerifyInterval()));
  }

  /**
   * @param cache what this process knows of pods' convergence; shared by the reconcilers of all
   *     clusters (it is keyed by pod), so a change of desired state invalidates it in one place
   */
  public CloudPodReconciler(
      CloudPodPorts ports,
      ProxmoxClient client,
      ClusterObserver cluster,
      ConcurrencyGate<ResourceKey> gate,
      CloudPodSettings settings,
      Clock clock,
      ConvergenceCache cache) {
    this.ports = ports;
    this.gate = gate;
    this.clock = clock;
    this.cache = cache;
    this.poll = new TaskPoll(settings.taskPollInitial(), settings.taskPollInterval(), clock);
    this.inFlightTask = new InFlightTask(client, ports.ledger(), gate, ports.events(), cache, poll);
    this.observer = new ContainerObserver(client, cluster, cache, clock);
    this.desired =
        new DesiredPods(ports.pools(), settings.clientPool(), settings.shutdownTimeoutSeconds());
    this.runner =
        new PlanRunner(
            new ActionExecutor(client),
            gate,
            ports.ledger(),
            ports.events(),
            cache,
            poll,
            settings.lockedRecheck());
    this.deletion =
        new Deletion(
            observer,
            cluster,
            desired,
            runner,
            gate,
            cache,
            ports.ledger(),
            ports.pods(),
            ports.events(),
            settings.lockedRecheck(),
            new FinalBackupStep(
                ports.backups(),
                ports.events(),
                settings.taskPollInterval(),
                settings.resyncInterval()));
    this.placer =
        new NodePlacer(ports.ledger(), cluster, settings.capacityRecheck(), settings.cluster());
    this.identity = settings.cluster();
    this.reservation =
        new Reservation(
            ports.ledger(),
            ports.pools(),
            cluster,
            placer,
            ports.probe(),
            ports.events(),
            settings.resyncInterval());
    this.cloneSlotWait = new CloneSlotWait(gate, cluster, cache);
    this.restores = new PodRestores(ports.backups(), ports.events(), settings.lockedRecheck());
    this.capacityRecheck = settings.capacityRecheck();
    this.status = new StatusWriter(ports.pods());
  }

  /** Called with the owning PodSet's key when a pod's readiness or observed generation changes. */
  public void wakeOwnersWith(Consumer<ResourceKey> wake) {
    status.wakeOwnersWith(wake);
  }

  /** Called with a pod's uid and generation when Ready=True is written for that generation. */
  public void onReadyWritten(java.util.function.BiConsumer<java.util.UUID, Long> listener) {
    status.onReadyWritten(listener);
  }

  /** What this process knows of converged pods (the resync asks it which pods need a pass). */
  public ConvergenceCache convergence() {
    return cache;
  }

  @Override
  public ReconcileResult reconcile(ResourceKey key) throws Exception {
    Optional<CloudPod> found = ports.pods().get(key);
    cache.unsettle(key);
    if (found.isEmpty()) {
      gate.forget(key);
      cache.unverify(key);
      poll.forget(key);
      return ReconcileResult.done();
    }
    Pass p = load(key, found.get());
    p.alloc = ports.ledger().find(p.uid).orElse(null);
    String node = p.alloc == null ? null : p.alloc.node();
    p.status.placement(
        identity.name(),
        identity.region(),
        p.spec.zone() != null ? p.spec.zone() : identity.zoneOf().apply(node).orElse(null));
    try {
      ReconcileResult r = converge(p);
      p.status.noFailure();
      status.save(p);
      if (p.converged && r.requeueAfter().isEmpty()) {
        cache.settled(key, p.uid, p.generation);
      }
      return r;
    } catch (RequeueException e) {
      status.save(p);
      throw e;
    } catch (ProxmoxException e) {
      if (!p.taskFailed) { // else the task's exit status is on the pod already, as TaskFailed
        boolean unreachable = e instanceof ProxmoxUnavailableException;
        p.status.summary(
            unreachable ? CloudPodConditions.PROXMOX_UNREACHABLE : CloudPodConditions.PROXMOX_ERROR,
            e.getMessage());
      }
      status.save(p);
      throw e;
    } catch (StoreConflictException e) {
      p.status.summary(CloudPodConditions.ALLOCATION_FAILED, e.getMessage());
      p.status.phase(CloudPodConditions.PHASE_FAILED);
      status.save(p);
      throw e;
    }
  }

  /**
   * Called by the engine's listener after a failed pass, to make the retry visible: in the pod's
   * status and as an event (a task failure's event was recorded when the task was seen failed).
   */
  public void recordFailure(ResourceKey key, Exception error, int attempt, Duration retryIn) {
    ports
        .pods()
        .get(key)
        .ifPresent(
            pod -> {
              Pass p = load(key, pod);
              String reason =
                  Conditions.find(p.status.conditions(), CloudPodConditions.READY)
                      .map(c -> c.reason())
                      .orElse(CloudPodConditions.PROXMOX_ERROR);
              p.status.failure(reason, error.getMessage(), attempt, now().plus(retryIn));
              status.save(p);
              if (!CloudPodConditions.TASK_FAILED.equals(reason)) { // InFlightTask recorded it
                p.alloc = ports.ledger().find(p.uid).orElse(null); // the event names VMID and IP
                // the message stays the same from one attempt to the next, so that a retry loop
                // is one event series; what changes goes to extra
                ports
                    .events()
                    .record(
                        p.event(Event.WARN, reason, String.valueOf(error.getMessage()))
                            .withExtra(
                                Map.of("attempt", attempt, "retryInSeconds", retryIn.toSeconds())));
              }
            });
  }

  private ReconcileResult converge(Pass p) throws Exception {
    Optional<ReconcileResult> waiting = inFlightTask.check(p);
    if (waiting.isPresent()) {
      return waiting.get();
    }
    if (p.pod.metadata().deletionTimestamp() != null) {
      return deletion.reconcile(p);
    }
    Optional<ReconcileResult> restoring = restores.inPlace(p);
    if (restoring.isPresent()) {
      return restoring.get();
    }
    RestoreSource.Usable source = null;
    if (p.restoreFrom() != null && (p.alloc == null || p.alloc.node() == null)) {
      // placed where the archive can be read, before the node is chosen
      source = restores.source(p).orElse(null);
      if (source == null) {
        return ReconcileResult.requeueAfter(capacityRecheck);
      }
      p.restoreNode = source.node().orElse(null);
    }
    if (!reservation.reserve(p)) {
      return ReconcileResult.done();
    }
    int vmid = p.alloc.vmid();
    String node = p.alloc.node();
    if (p.restoreFrom() == null && cloneSlotWait.parked(p, vmid, node)) {
      return ReconcileResult.done();
    }
    Optional<ObservedContainer> observed = observer.observe(p, vmid, node);
    confirmOrphan(p);
    DesiredPod want =
        desired.of(
            p, vmid, observed.map(ObservedContainer::node).orElse(node), p.alloc.ip(), false);
    if (observed.isEmpty() && p.restoreFrom() != null) {
      source = source != null ? source : restores.source(p).orElse(null);
      if (source == null || !restores.readableOn(p, source, node)) {
        return ReconcileResult.requeueAfter(capacityRecheck);
      }
      want = want.toBuilder().restoreVolid(Optional.of(source.volid())).build();
    } else if (observed.isEmpty()) {
      want = want.toBuilder().templateVmid(placer.templateFor(p, node)).build();
    }
    List<Action> plan = CloudPodPlanner.plan(want, observed);
    if (plan.isEmpty()) {
      markConverged(p, observed.orElseThrow(), want);
      return ReconcileResult.done();
    }
    boolean adopting =
        want.adoption().isPresent()
            && observed.isPresent()
            && !observed.get().ownedBy(p.pod.metadata().uid())
            && plan.stream()
                .anyMatch(a -> a instanceof Action.UpdateConfig u && u.set().containsKey("tags"));
    ReconcileResult r = runner.run(p, plan, observed);
    if (adopting) {
      ObservedContainer o = observed.get();
      ports
          .events()
          .record(
              p.event(
                  Event.INFO,
                  CloudPodConditions.ADOPTED,
                  "took over CT "
                      + o.vmid()
                      + " on node "
                      + o.node()
                      + ": hostname, VMID and address match; our marker was written"
                      + (want.guestNetwork() ? " (network: Guest, net0 left as it is)" : "")));
    }
    return r;
  }

  /**
   * An adopting pod created for an orphan may take over the orphan's marker only if that uid holds
   * no stored pod's allocation (so a label cannot point at a live pod's container).
   */
  private void confirmOrphan(Pass p) {
    p.orphanConfirmed = false;
    if (!p.spec.adopts() || p.pod.metadata().labels() == null) {
      return;
    }
    String uid = p.pod.metadata().labels().get(Pass.ADOPT_ORPHAN_LABEL);
    if (uid == null) {
      return;
    }
    try {
      java.util.UUID u = java.util.UUID.fromString(uid);
      p.orphanConfirmed =
          !u.equals(p.uid) && ports.ledger().vmidsHeld(java.util.Set.of(u)).isEmpty();
    } catch (IllegalArgumentException e) {
      p.orphanConfirmed = false;
    }
  }

  private void markConverged(Pass p, ObservedContainer o, DesiredPod want) {
    p.status
        .condition(PROVISIONED, true, CloudPodConditions.CONVERGED, "")
        .condition(POWER_STATE_SYNCED, true, CloudPodConditions.CONVERGED, "")
        .phase(o.running() ? CloudPodConditions.PHASE_RUNNING : CloudPodConditions.PHASE_STOPPED);
    if (!want.restartPending()) {
      p.status.condition(CONFIG_SYNCED, true, CloudPodConditions.CONVERGED, "");
    }
    p.converged = true;
    if (o.config().isPresent()) {
      cache.verified(p.key, p.generation, now());
    }
  }

  private Pass load(ResourceKey key, CloudPod pod) {
    return new Pass(key, pod, ports.defaults().pod(pod.spec()), now());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
