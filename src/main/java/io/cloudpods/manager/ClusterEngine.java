package io.cloudpods.manager;

import io.cloudpods.cloudpod.CloudPodPorts;
import io.cloudpods.cloudpod.CloudPodReconciler;
import io.cloudpods.cloudpod.CloudPodSettings;
import io.cloudpods.cloudpod.ReconcileConfig;
import io.cloudpods.cloudpod.backup.PodBackups;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.cloudpod.placement.ClusterIdentity;
import io.cloudpods.controller.BackoffRateLimiter;
import io.cloudpods.controller.ControllerRunner;
import io.cloudpods.controller.ReconcileListener;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.controller.WorkQueue;
import io.cloudpods.ipam.AddressProbe;
import io.cloudpods.ipam.PingProbe;
import io.cloudpods.metrics.EngineMetrics;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.store.ResourceKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The pods of one Proxmox cluster: its own client, cluster snapshot, work queue, workers,
 * concurrency limits, task polling and resync thread. A cluster that stops answering holds up only
 * its own workers; the other clusters' engines neither wait for it nor share a queue with it.
 *
 * <p>A pod key reaching the wrong engine is never reconciled there: each pass first asks the
 * database which cluster the pod lives in and hands it to that cluster's engine ({@code forward}).
 */
final class ClusterEngine {

  private static final Logger LOG = Logger.getLogger(ClusterEngine.class);

  final String name;
  final WorkQueue<ResourceKey> podQueue;
  final ClusterObserver cluster;
  final CloudPodReconciler podReconciler;
  private final ControllerRunner<ResourceKey> podRunner;
  private final ProxmoxClient client;
  private final io.cloudpods.replica.ClusterLease lease;
  private final ConcurrencyGate<ResourceKey> gate;
  private final AutoCloseable closeOnStop;
  private final ExecutorService resyncThread;
  private final AtomicBoolean resyncing = new AtomicBoolean();
  private volatile Resync resync;

  /**
   * @param controllerName the name of the pod controller in metrics and logs ({@code cloudpod} for
   *     the cluster {@code default}, {@code cloudpod-NAME} for the others)
   * @param clusterOf the cluster a pod lives in, read from the database (empty: the pod is gone)
   * @param forward hands a pod key to the engine of the cluster it lives in
   * @param closeOnStop released when the engine stops (the cluster's own HTTP client), or null
   * @param lease the cluster's lease: passes run only while this replica holds it, and every intent
   *     is stored with the proof that it does ({@code client} is fenced by it too)
   */
  ClusterEngine(
      ClusterIdentity identity,
      String controllerName,
      ReconcileConfig config,
      ProxmoxClient client,
      String clientPool,
      Stores stores,
      PodBackups backups,
      ConvergenceCache cache,
      MeterRegistry metrics,
      Clock clock,
      Function<ResourceKey, Optional<String>> clusterOf,
      BiConsumer<String, ResourceKey> forward,
      AutoCloseable closeOnStop,
      io.cloudpods.replica.ClusterLease lease) {
    this.name = identity.name();
    this.client = client;
    this.lease = lease;
    this.closeOnStop = closeOnStop;
    ReconcileConfig.Backoff backoff = config.backoff();
    podQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(
                backoff.base(), backoff.max(), backoff.retryQps(), 50, System::nanoTime),
            EngineMetrics.queue(metrics, controllerName));
    gate = new ConcurrencyGate<>(slot -> slotLimit(config.limits(), slot), podQueue::add);
    cluster = new ClusterObserver(client, clock, config.resync().foreignConfigTtl());
    AddressProbe probe =
        config.addressProbe()
            ? new PingProbe(config.addressProbeTimeout())
            : AddressProbe.disabled();
    CloudPodPorts ports =
        new CloudPodPorts(
            new FencedPodRecords(stores.pods(), lease),
            stores.allocations(),
            stores.pools(),
            stores.defaults(),
            new FencedEvents(stores.events(), lease),
            probe,
            backups);
    podReconciler =
        new CloudPodReconciler(
            ports,
            client,
            cluster,
            gate,
            CloudPodSettings.from(config, clientPool, identity),
            clock,
            cache);
    Reconciler<ResourceKey> ownPodsOnly =
        key -> {
          if (!lease.held()) {
            return ReconcileResult.done(); // the lease holder's work, not ours
          }
          Optional<String> lives = clusterOf.apply(key);
          if (lives.isPresent() && !lives.get().equals(name)) {
            forward.accept(lives.get(), key);
            return ReconcileResult.done();
          }
          return podReconciler.reconcile(key);
        };
    podRunner =
        new ControllerRunner<>(
            controllerName,
            podQueue,
            ownPodsOnly,
            config.workers(),
            ReconcileListener.both(
                podFailures(), EngineMetrics.reconciles(metrics, controllerName)));
    EngineMetrics.bind(metrics, podRunner);
    resyncThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "cloudpods-resync-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /** The cluster's resync (built by the controller, which knows PodSets and tenants). */
  void resyncWith(Resync r) {
    this.resync = r;
  }

  Resync resync() {
    return resync;
  }

  ProxmoxClient client() {
    return client;
  }

  void onReadyWritten(BiConsumer<java.util.UUID, Long> listener) {
    podReconciler.onReadyWritten(listener);
  }

  void start() {
    podRunner.start();
  }

  void stop() {
    podRunner.stop(Duration.ofSeconds(10));
    resyncThread.shutdownNow();
    if (closeOnStop != null) {
      try {
        closeOnStop.close();
      } catch (Exception e) {
        // releases sockets and threads only
      }
    }
  }

  io.cloudpods.replica.ClusterLease lease() {
    return lease;
  }

  /** This replica took the cluster's lease: start afresh, as a newly started process would. */
  void gained() {
    gate.clear();
    resyncInBackground();
  }

  /** Runs the resync on this cluster's own thread, unless one is still running or not ours. */
  void resyncInBackground() {
    Resync r = resync;
    if (r == null || !lease.held() || !resyncing.compareAndSet(false, true)) {
      return;
    }
    try {
      resyncThread.execute(
          () -> {
            try {
              r.run();
            } finally {
              resyncing.set(false);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      resyncing.set(false); // stopped
    }
  }

  long podReconciles() {
    return podRunner.reconcileCount();
  }

  int backlog() {
    return podQueue.readyCount() + podQueue.processingCount();
  }

  /** The name of this engine's pod runner, its metrics' {@code controller} label. */
  String controllerName() {
    return podRunner.name();
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
        if (error instanceof io.cloudpods.proxmox.FencedException || !lease.held()) {
          // the lease went to another replica mid-pass: nothing was sent, and the pod is theirs
          LOG.debugf("CloudPod %s (cluster %s): %s", key, name, error.getMessage());
          return;
        }
        if (attempt == 1 || !(error instanceof ProxmoxException pe && pe.isRetryable())) {
          LOG.infof(
              "CloudPod %s (cluster %s): %s (attempt %d, retry in %s)",
              key, name, error.getMessage(), attempt, retryIn);
        }
        try {
          podReconciler.recordFailure(key, error, attempt, retryIn);
        } catch (RuntimeException e) {
          LOG.debugf("could not record failure of %s: %s", key, e.getMessage());
        }
      }
    };
  }

  @Override
  public String toString() {
    return "ClusterEngine[" + name + "]";
  }
}
