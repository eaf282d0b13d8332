package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.cloudpod.ReconcileConfig;
import io.cloudpods.cloudpod.backup.StoredPodBackups;
import io.cloudpods.controller.BackoffRateLimiter;
import io.cloudpods.controller.ControllerRunner;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.WorkQueue;
import io.cloudpods.events.EventSink;
import io.cloudpods.metrics.EngineMetrics;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.restore.RestoreReconciler;
import io.cloudpods.restore.StoredRestorePods;
import io.cloudpods.store.ResourceKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * The Restores of one Proxmox cluster: a queue and runner whose reconciler talks to that cluster
 * only. A Restore is the cluster's when its Backup's archive is there; every cluster's queue hears
 * every Restore and the others drop it. Runs only while this replica holds the cluster's lease, and
 * writes its rows only with the database's proof of it.
 */
final class ClusterRestores {

  private final String cluster;
  private final WorkQueue<ResourceKey> queue;
  private final ControllerRunner<ResourceKey> runner;

  /**
   * @param clusterOfRestore the cluster of a Restore's Backup ({@code default} when either is gone)
   */
  ClusterRestores(
      String cluster,
      ClusterLease lease,
      ProxmoxClient client,
      Stores stores,
      StoredPodBackups views,
      EventSink events,
      ReconcileConfig config,
      MeterRegistry metrics,
      Clock clock,
      Function<ResourceKey, String> clusterOfRestore) {
    this.cluster = cluster;
    String name = ProxmoxCluster.DEFAULT.equals(cluster) ? "restore" : "restore-" + cluster;
    ReconcileConfig.Backoff backoff = config.backoff();
    queue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(backoff.base(), backoff.max()),
            EngineMetrics.queue(metrics, name));
    RestoreReconciler reconciler =
        new RestoreReconciler(
            new FencedRestoreRecords(stores.restores(), lease),
            new FencedBackupRecords(stores.backups(), lease),
            views,
            new FencedRestorePods(new StoredRestorePods(stores.pods()), lease),
            client,
            events,
            config.tasks().pollInterval(),
            clock);
    runner =
        new ControllerRunner<>(
            name,
            queue,
            key ->
                lease.held() && cluster.equals(clusterOfRestore.apply(key))
                    ? reconciler.reconcile(key)
                    : ReconcileResult.done(),
            1,
            EngineMetrics.reconciles(metrics, name));
    EngineMetrics.bind(metrics, runner);
  }

  /** Restores waiting or being worked. */
  int backlog() {
    return queue.readyCount() + queue.processingCount();
  }

  /** The name of the runner, its metrics' {@code controller} label. */
  String controllerName() {
    return runner.name();
  }

  String cluster() {
    return cluster;
  }

  void add(ResourceKey key) {
    queue.add(key);
  }

  void addUnlessBackingOff(ResourceKey key) {
    queue.addUnlessBackingOff(key);
  }

  void start() {
    runner.start();
  }

  void stop() {
    runner.stop(Duration.ofSeconds(10));
  }
}
