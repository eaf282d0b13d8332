package io.cloudpods.manager;

import io.cloudpods.backup.run.BackupController;
import io.cloudpods.backup.run.BackupPods;
import io.cloudpods.cloudpod.CloudPodPorts;
import io.cloudpods.cloudpod.CloudPodReconciler;
import io.cloudpods.cloudpod.CloudPodSettings;
import io.cloudpods.cloudpod.ReconcileConfig;
import io.cloudpods.cloudpod.backup.SharedStorages;
import io.cloudpods.cloudpod.backup.StoredPodBackups;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.OrphanTracker;
import io.cloudpods.controller.BackoffRateLimiter;
import io.cloudpods.controller.ControllerRunner;
import io.cloudpods.controller.ReconcileListener;
import io.cloudpods.controller.WorkQueue;
import io.cloudpods.ipam.AddressProbe;
import io.cloudpods.ipam.PingProbe;
import io.cloudpods.metrics.EngineMetrics;
import io.cloudpods.podset.PodSetReconciler;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.restore.RestoreReconciler;
import io.cloudpods.restore.StoredRestorePods;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.tenant.TenantReconciler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * One running controller: the queues, runners and reconcilers built from plain classes, the change
 * listener feeding them, and the resync. Built and started by {@link ControllerManager}.
 */
final class Controller {

  private static final Logger LOG = Logger.getLogger(Controller.class);

  final WorkQueue<ResourceKey> podQueue;
  final WorkQueue<ResourceKey> setQueue;
  final WorkQueue<ResourceKey> tenantQueue;
  final WorkQueue<ResourceKey> restoreQueue;
  final ClusterObserver cluster;
  final Resync resync;
  private final CloudPodReconciler podReconciler;
  private final PodSetReconciler setReconciler;
  private final ControllerRunner<ResourceKey> podRunner;
  private final ControllerRunner<ResourceKey> setRunner;
  private final ControllerRunner<ResourceKey> tenantRunner;
  private final ControllerRunner<ResourceKey> restoreRunner;
  private final Stores stores;
  private final ChangeListener changes;
  final BackupController backups;

  Controller(
      ReconcileConfig config,
      ProxmoxClient client,
      String clientPool,
      Stores stores,
      Database db,
      MeterRegistry metrics,
      Clock clock) {
    ReconcileConfig.Backoff backoff = config.backoff();
    podQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(
                backoff.base(), backoff.max(), backoff.retryQps(), 50, System::nanoTime),
            EngineMetrics.queue(metrics, "cloudpod"));
    setQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(backoff.base(), backoff.max()),
            EngineMetrics.queue(metrics, "podset"));
    tenantQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(backoff.base(), backoff.max()),
            EngineMetrics.queue(metrics, "tenant"));
    restoreQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(backoff.base(), backoff.max()),
            EngineMetrics.queue(metrics, "restore"));
    this.stores = stores;
    ConcurrencyGate<ResourceKey> gate =
        new ConcurrencyGate<>(slot -> slotLimit(config.limits(), slot), podQueue::add);
    cluster = new ClusterObserver(client, clock, config.resync().foreignConfigTtl());
    AddressProbe probe =
        config.addressProbe()
            ? new PingProbe(config.addressProbeTimeout())
            : AddressProbe.disabled();
    StoredPodBackups podBackups =
        new StoredPodBackups(
            stores.backups(),
            stores.restores(),
            stores.pods()::skipsFinalBackup,
            new SharedStorages(client::storages, clock, config.resync().interval()));
    CloudPodPorts ports =
        new CloudPodPorts(
            stores.pods(),
            stores.allocations(),
            stores.pools(),
            stores.defaults(),
            stores.events(),
            probe,
            podBackups);
    podReconciler =
        new CloudPodReconciler(
            ports, client, cluster, gate, CloudPodSettings.from(config, clientPool), clock);
    setReconciler =
        new PodSetReconciler(
            stores.sets(),
            stores.sets(),
            stores.pods(),
            stores.events(),
            config.tasks().lockedRecheck(),
            clock);
    podReconciler.wakeOwnersWith(this::wakePodSet);
    podRunner =
        new ControllerRunner<>(
            "cloudpod",
            podQueue,
            podReconciler,
            config.workers(),
            ReconcileListener.both(podFailures(), EngineMetrics.reconciles(metrics, "cloudpod")));
    setRunner =
        new ControllerRunner<>(
            "podset", setQueue, setReconciler, 1, EngineMetrics.reconciles(metrics, "podset"));
    tenantRunner =
        new ControllerRunner<>(
            "tenant",
            tenantQueue,
            new TenantReconciler(
                stores.tenants(), stores.events(), config.tasks().lockedRecheck(), clock),
            1,
            EngineMetrics.reconciles(metrics, "tenant"));
    restoreRunner =
        new ControllerRunner<>(
            "restore",
            restoreQueue,
            new RestoreReconciler(
                stores.restores(),
                stores.backups(),
                podBackups,
                new StoredRestorePods(stores.pods()),
                client,
                stores.events(),
                config.tasks().pollInterval(),
                clock),
            1,
            EngineMetrics.reconciles(metrics, "restore"));
    EngineMetrics.bind(metrics, podRunner);
    EngineMetrics.bind(metrics, setRunner);
    EngineMetrics.bind(metrics, tenantRunner);
    OrphanReporter orphans =
        new OrphanReporter(
            new OrphanTracker(config.resync().orphanGrace()),
            stores.orphans(),
            cluster,
            stores.events());
    resync =
        new Resync(
            cluster,
            stores.pods(),
            stores.sets(),
            podReconciler.convergence(),
            setReconciler,
            podQueue::addUnlessBackingOff,
            setQueue::addUnlessBackingOff,
            stores.tenants()::deleting,
            tenantQueue::addUnlessBackingOff,
            orphans,
            stores.controllerState(),
            clock);
    backups =
        new BackupController(
            stores.backupConfig(),
            backoff.base(),
            backoff.max(),
            client,
            stores.backups(),
            stores.policies(),
            BackupPods.of(stores.pods()::get, stores.pods()::list),
            stores.events(),
            metrics,
            clock);
    ChangeRouter router =
        new ChangeRouter(
                podReconciler.convergence(),
                podQueue::add,
                this::wakePodSet,
                stores.pods()::listKeys,
                tenantQueue::add,
                change -> backups.onChange(change.kind(), change.tenant(), change.name()))
            .route("Restore", restoreQueue::add);
    changes =
        new ChangeListener(db.url(), db.user(), db.password(), router, resync::runOrThrow, clock);
  }

  /** Called with a pod's uid and generation when Ready=True is written for that generation. */
  void onReadyWritten(java.util.function.BiConsumer<java.util.UUID, Long> listener) {
    podReconciler.onReadyWritten(listener);
  }

  void start() {
    podRunner.start();
    setRunner.start();
    tenantRunner.start();
    restoreRunner.start();
    backups.start();
    changes.start();
  }

  void stop() {
    changes.close();
    podRunner.stop(Duration.ofSeconds(10));
    setRunner.stop(Duration.ofSeconds(10));
    tenantRunner.stop(Duration.ofSeconds(10));
    restoreRunner.stop(Duration.ofSeconds(10));
    backups.stop();
  }

  /** Enqueues every Restore still in progress (with the resync: a missed change is caught up). */
  void resyncRestores() {
    stores.restores().listActive().stream()
        .map(r -> ResourceKey.of(r.metadata().tenant(), r.metadata().name()))
        .forEach(restoreQueue::addUnlessBackingOff);
  }

  /** The change listener: connected or not, since when, its last failure. */
  ChangeListenerState changeListener() {
    return changes.state();
  }

  long podReconciles() {
    return podRunner.reconcileCount();
  }

  private void wakePodSet(ResourceKey key) {
    setReconciler.invalidate(key);
    setQueue.add(key);
  }

  private static int slotLimit(ReconcileConfig.Limits limits, String slot) {
    if (slot.startsWith("clone-source:")) {
      return limits.clonesPerSource();
    }
    if (slot.startsWith("storage:")) {
      return limits.tasksPerStorage();
    }
    return limits.tasksPerNode();
  }

  /**
   * Makes every failed pass visible on its pod; logs the first attempt and non-retryable errors.
   */
  private ReconcileListener<ResourceKey> podFailures() {
    return new ReconcileListener<>() {
      @Override
      public void failed(
          ResourceKey key, Exception error, int attempt, Duration retryIn, Duration took) {
        if (attempt == 1 || !(error instanceof ProxmoxException pe && pe.isRetryable())) {
          LOG.infof(
              "CloudPod %s: %s (attempt %d, retry in %s)",
              key, error.getMessage(), attempt, retryIn);
        }
        try {
          podReconciler.recordFailure(key, error, attempt, retryIn);
        } catch (RuntimeException e) {
          LOG.debugf("could not record failure of %s: %s", key, e.getMessage());
        }
      }
    };
  }

  /** The JDBC settings of the change listener's own connection. */
  record Database(String url, String user, String password) {}
}
