package io.cloudpods.cloudpod;

import io.cloudpods.cloudpod.exec.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.cloudpod.observe.OrphanTracker;
import io.cloudpods.controller.BackoffRateLimiter;
import io.cloudpods.controller.ControllerRunner;
import io.cloudpods.controller.ReconcileListener;
import io.cloudpods.controller.WorkQueue;
import io.cloudpods.events.EventRecorder;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.ipam.AddressProbe;
import io.cloudpods.ipam.PingProbe;
import io.cloudpods.podset.PodSetReconciler;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxConfig;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.store.AllocationStore;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ControllerStateStore;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.OrphanContainer;
import io.cloudpods.store.OrphanStore;
import io.cloudpods.store.PodResyncRow;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.ResourceKey;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The thin CDI shell around the controller: builds the queues, runners and reconcilers from plain
 * classes, starts them with the application, feeds them from database notifications and the
 * periodic resync, and stops them on shutdown. With {@code cloudpods.reconcile.enabled=false} it
 * does nothing (an API-only process).
 */
@ApplicationScoped
public class ControllerManager {

  private static final Logger LOG = Logger.getLogger(ControllerManager.class);

  private final ReconcileConfig config;
  private final Instance<ProxmoxClient> clients;
  private final ProxmoxConfig proxmoxConfig;
  private final CloudPodStore pods;
  private final PodSetStore sets;
  private final AllocationStore allocations;
  private final IpPoolStore pools;
  private final Defaults defaults;
  private final EventRecorder events;
  private final ControllerStateStore controllerState;
  private final OrphanStore orphanStore;
  private final String jdbcUrl;
  private final String jdbcUser;
  private final String jdbcPassword;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile int firstResyncKeys = -1;
  private volatile int lastResyncEnqueued = -1;

  private final Clock clock = Clock.systemUTC();
  private WorkQueue<ResourceKey> podQueue;
  private WorkQueue<ResourceKey> setQueue;
  private ControllerRunner<ResourceKey> podRunner;
  private ControllerRunner<ResourceKey> setRunner;
  private CloudPodReconciler podReconciler;
  private PodSetReconciler setReconciler;
  private ClusterObserver observer;
  private ChangeListener changes;
  private OrphanTracker orphans;
  private List<OrphanContainer> reportedOrphans = List.of();

  public ControllerManager(
      ReconcileConfig config,
      Instance<ProxmoxClient> clients,
      ProxmoxConfig proxmoxConfig,
      CloudPodStore pods,
      PodSetStore sets,
      AllocationStore allocations,
      IpPoolStore pools,
      Defaults defaults,
      EventRecorder events,
      ControllerStateStore controllerState,
      OrphanStore orphanStore,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
      @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
      @ConfigProperty(name = "quarkus.datasource.password") String jdbcPassword) {
    this.config = config;
    this.clients = clients;
    this.proxmoxConfig = proxmoxConfig;
    this.pods = pods;
    this.sets = sets;
    this.allocations = allocations;
    this.pools = pools;
    this.defaults = defaults;
    this.events = events;
    this.controllerState = controllerState;
    this.orphanStore = orphanStore;
    this.jdbcUrl = jdbcUrl;
    this.jdbcUser = jdbcUser;
    this.jdbcPassword = jdbcPassword;
  }

  void onStart(@Observes StartupEvent event) {
    if (config.enabled()) {
      start();
    } else {
      LOG.info("controller disabled (cloudpods.reconcile.enabled=false): serving the API only");
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  /** Builds and starts the controller. Fails fast when the Proxmox connection is misconfigured. */
  public synchronized void start() {
    if (running.get()) {
      return;
    }
    ProxmoxClient client = clients.get(); // throws a clear error naming the bad property
    checkProxmox(client);
    BackoffRateLimiter<ResourceKey> podLimiter =
        new BackoffRateLimiter<>(config.backoff().base(), config.backoff().max(), config.backoff().retryQps(), 50, System::nanoTime);
    podQueue = new WorkQueue<>(podLimiter);
    setQueue = new WorkQueue<>(new BackoffRateLimiter<>(config.backoff().base(), config.backoff().max()));
    ConcurrencyGate<ResourceKey> gate = new ConcurrencyGate<>(this::slotLimit, podQueue::add);
    observer = new ClusterObserver(client, clock, config.resync().foreignConfigTtl());
    orphans = new OrphanTracker(config.resync().orphanGrace());
    reportedOrphans = orphanStore.all();
    orphans.seed(reportedOrphans);
    AddressProbe probe =
        config.addressProbe() ? new PingProbe(config.addressProbeTimeout()) : AddressProbe.disabled();
    podReconciler =
        new CloudPodReconciler(
            pods, allocations, pools, defaults, client, observer, gate, events, probe, config, proxmoxConfig.pool(), clock);
    setReconciler = new PodSetReconciler(sets, sets, pods, events, config.tasks().lockedRecheck(), clock);
    podReconciler.wakeOwnersWith(this::wakePodSet);
    podRunner = new ControllerRunner<>("cloudpod", podQueue, podReconciler, config.workers(), podListener());
    setRunner = new ControllerRunner<>("podset", setQueue, setReconciler, 1, ReconcileListener.none());
    podRunner.start();
    setRunner.start();
    changes = new ChangeListener(jdbcUrl, jdbcUser, jdbcPassword, this::onChange, this::resync);
    changes.start();
    running.set(true);
    LOG.infof(
        "controller started: %d workers, resync every %s, Proxmox at %s",
        config.workers(), config.resync().interval(), proxmoxConfig.url());
    resync();
  }

  /**
   * One call to Proxmox before anything starts. A server error (a busy or restarting API daemon)
   * is tried again a few times; anything else (unreachable, bad token, TLS) stops the start at once
   * with a message naming the settings to check.
   */
  private void checkProxmox(ProxmoxClient client) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.version();
        return;
      } catch (ProxmoxException e) {
        if (e.httpStatus() >= 500 && e.isRetryable() && attempt < STARTUP_CHECK_ATTEMPTS) {
          LOG.warnf("Proxmox answered %s at start; trying again (%d/%d)", e.getMessage(), attempt, STARTUP_CHECK_ATTEMPTS);
          try {
            Thread.sleep(1000L * attempt);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
          continue;
        }
        throw new IllegalStateException(
            "cannot reach Proxmox VE at " + proxmoxConfig.url() + ": " + e.getMessage()
                + " (check cloudpods.proxmox.url, token-id/token-secret and the TLS settings)",
            e);
      }
    }
  }

  private static final int STARTUP_CHECK_ATTEMPTS = 5;

  private int slotLimit(String slot) {
    if (slot.startsWith("clone-source:")) {
      return config.limits().clonesPerSource();
    }
    if (slot.startsWith("storage:")) {
      return config.limits().tasksPerStorage();
    }
    return config.limits().tasksPerNode();
  }

  private ReconcileListener<ResourceKey> podListener() {
    return new ReconcileListener<>() {
      @Override
      public void failed(ResourceKey key, Exception error, int attempt, Duration retryIn, Duration took) {
        if (attempt == 1 || !(error instanceof ProxmoxException pe && pe.isRetryable())) {
          LOG.infof("CloudPod %s: %s (attempt %d, retry in %s)", key, error.getMessage(), attempt, retryIn);
        }
        try {
          podReconciler.recordFailure(key, error, attempt, retryIn);
        } catch (RuntimeException e) {
          LOG.debugf("could not record failure of %s: %s", key, e.getMessage());
        }
      }
    };
  }

  private void wakePodSet(ResourceKey key) {
    setReconciler.invalidate(key);
    setQueue.add(key);
  }

  /** A desired-state row changed (from any writer): wake what depends on it. */
  void onChange(ChangeListener.Change change) {
    switch (change.kind()) {
      case "CloudPod" -> {
        ResourceKey key = ResourceKey.of(change.tenant(), change.name());
        podReconciler.invalidate(key);
        podQueue.add(key);
        if (change.owner() != null) {
          wakePodSet(ResourceKey.of(change.tenant(), change.owner()));
        }
      }
      case "PodSet" -> wakePodSet(ResourceKey.of(change.tenant(), change.name()));
      case "IpPool", "Tenant" -> {
        podReconciler.invalidateAll(); // bridge, gateway, nameservers: not visible in the cluster list
        pods.listKeys().forEach(podQueue::add);
      }
      default -> LOG.debugf("ignoring change of kind %s", change.kind());
    }
  }

  /**
   * Takes a fresh cluster snapshot and enqueues every PodSet and every pod that needs a pass: a pod
   * this process found converged, whose full read is current and which the new snapshot still shows
   * so, is not enqueued ({@link CloudPodReconciler#needsPass}), so a resync of many converged pods
   * costs one Proxmox request and one query rather than a pass per pod.
   */
  @Scheduled(
      every = "${cloudpods.reconcile.resync.interval:30s}",
      delayed = "${cloudpods.reconcile.resync.interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledResync() {
    if (running.get()) {
      resync();
    }
  }

  public void resync() {
    Instant at = clock.instant();
    boolean refreshed = false;
    try {
      observer.refresh();
      refreshed = true;
      controllerState.recordProxmoxReachable(true, null, at);
    } catch (ProxmoxException e) {
      LOG.warnf("Proxmox not reachable during resync: %s", e.getMessage());
      try {
        controllerState.recordProxmoxReachable(false, e.getMessage(), at);
      } catch (RuntimeException ignored) {
        // the database may be the problem too; the next resync tries again
      }
    }
    try {
      int enqueued = 0;
      for (PodSetStore.ResyncRow row : sets.resyncRows()) {
        if (setReconciler.needsPass(row)) {
          setQueue.add(row.key());
          enqueued++;
        }
      }
      List<PodResyncRow> rows = pods.resyncRows();
      ClusterSnapshot snap = observer.current();
      Map<String, Integer> foreign = observer.foreignAddresses();
      for (PodResyncRow row : rows) {
        if (snap == null || podReconciler.needsPass(row, snap, foreign)) {
          podQueue.add(row.key());
          enqueued++;
        }
      }
      lastResyncEnqueued = enqueued;
      if (refreshed) {
        try {
          trackOrphans(snap, rows, at);
        } catch (RuntimeException e) {
          LOG.warnf("resync could not update the orphan report: %s", e.getMessage());
        }
      }
      if (firstResyncKeys < 0) {
        firstResyncKeys = rows.size();
      }
      controllerState.recordFullResync(at);
    } catch (RuntimeException e) {
      LOG.warnf("resync could not list desired state: %s", e.getMessage());
    }
  }

  /**
   * Compares the snapshot with the pods just read (after it was taken, so a pod created since
   * cannot look orphaned): new orphans' addresses and memory count as taken at once; the orphans
   * past their grace are stored for {@code GET /api/v1/status} and logged as events when the set
   * changes. Nothing is sent to Proxmox.
   */
  private void trackOrphans(ClusterSnapshot snap, List<PodResyncRow> rows, Instant at) {
    synchronized (orphanLock) {
      reportOrphans(snap, rows, at);
    }
  }

  private final Object orphanLock = new Object();

  private void reportOrphans(ClusterSnapshot snap, List<PodResyncRow> rows, Instant at) {
    Set<String> stored = new HashSet<>(rows.size() * 2);
    rows.forEach(r -> stored.add(r.uid().toString()));
    OrphanTracker.Result found = orphans.update(snap, stored, at);
    observer.unstoredOwners(found.candidateOwners());
    if (found.reported().equals(reportedOrphans)) {
      return;
    }
    orphanStore.replaceAll(found.reported());
    Set<Integer> before = reportedOrphans.stream().map(OrphanContainer::vmid).collect(Collectors.toSet());
    Set<Integer> now = found.reported().stream().map(OrphanContainer::vmid).collect(Collectors.toSet());
    for (OrphanContainer o : found.reported()) {
      if (!before.contains(o.vmid())) {
        String message =
            "container " + o.vmid() + " on " + o.node() + " carries the CloudPods marker of pod " + o.ownerUid()
                + ", which is not stored; it is left untouched (remove it in Proxmox, or restore its pod)";
        LOG.warnf("orphan: %s", message);
        events.record(orphanEvent("warn", "OrphanFound", message, o));
      }
    }
    for (OrphanContainer o : reportedOrphans) {
      if (!now.contains(o.vmid())) {
        events.record(orphanEvent("info", "OrphanGone", "container " + o.vmid() + " is no longer an orphan", o));
      }
    }
    reportedOrphans = found.reported();
  }

  private static Event orphanEvent(String level, String reason, String message, OrphanContainer o) {
    return Event.of(level, reason, message, "Container", o.tenant().orElse(null), Integer.toString(o.vmid()))
        .about(o.vmid(), o.name(), null);
  }

  public synchronized void stop() {
    if (!running.getAndSet(false)) {
      return;
    }
    if (changes != null) {
      changes.close();
    }
    podRunner.stop(Duration.ofSeconds(10));
    setRunner.stop(Duration.ofSeconds(10));
    LOG.info("controller stopped");
  }

  /**
   * True once every pod known at start has been reconciled at least once by this process, so that
   * statuses written by an earlier process are no longer all there is to see.
   */
  public boolean firstPassDone() {
    return running.get() && firstResyncKeys >= 0 && podRunner.reconcileCount() >= firstResyncKeys;
  }

  public boolean isRunning() {
    return running.get();
  }

  /** Keys waiting or being processed; zero when the controller has nothing to do right now. */
  public int backlog() {
    return running.get()
        ? podQueue.readyCount() + podQueue.processingCount() + setQueue.readyCount() + setQueue.processingCount()
        : 0;
  }

  /** Pods and PodSets the last resync enqueued (the others were converged with nothing to look at). */
  public int lastResyncEnqueued() {
    return lastResyncEnqueued;
  }

  public ClusterObserver observer() {
    return observer;
  }
}
