package io.cloudpods.backup.run;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.backup.BackupConfig;
import io.cloudpods.backup.BackupMetrics;
import io.cloudpods.backup.BackupPhase;
import io.cloudpods.backup.PolicyRun;
import io.cloudpods.controller.BackoffRateLimiter;
import io.cloudpods.controller.ControllerRunner;
import io.cloudpods.controller.ReconcileListener;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.WorkQueue;
import io.cloudpods.events.EventSink;
import io.cloudpods.metrics.EngineMetrics;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.store.BackupPolicyRecords;
import io.cloudpods.store.BackupRecords;
import io.cloudpods.store.ResourceKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The backup side of the controller: a queue and runner for Backups and one for BackupPolicies,
 * woken by the change listener ({@link #onChange}: a NOTIFY for every insert, spec change, deletion
 * mark or delete of a {@code backup} or {@code backup_policy} row, from the API, a policy run, or
 * the pod reconcile's {@code BackupRecords.create}), and a resync every {@code
 * cloudpods.backups.resync-interval} that enqueues every Backup (completed ones are checked against
 * the storage content) and every policy, and refreshes the backup age gauge.
 */
public final class BackupController {

  private static final Logger LOG = Logger.getLogger(BackupController.class);

  final WorkQueue<ResourceKey> backupQueue;
  final WorkQueue<ResourceKey> policyQueue;
  private final BackupReconciler backupReconciler;
  private final BackupPolicyReconciler policyReconciler;
  private final ControllerRunner<ResourceKey> backupRunner;
  private final ControllerRunner<ResourceKey> policyRunner;
  private final BackupRecords backups;
  private final BackupPolicyRecords policies;
  private final BackupPods pods;
  private final BackupMetrics metrics;
  private final BackupConfig config;
  private final Clock clock;
  private ScheduledExecutorService timer;
  private final java.util.function.BooleanSupplier active;
  private final Scope scope;
  private java.util.function.Consumer<ResourceKey> wakePolicy = k -> {};

  /**
   * Which Backups and policies a controller runs. With several Proxmox clusters there is one
   * controller per cluster: each runs the Backups of its cluster's pods (a Backup's cluster is the
   * one it recorded at its start, else its pod's), and the one of {@code default} also runs every
   * policy and the backup age over every pod.
   *
   * @param cluster the cluster whose Backups are run
   * @param runsPolicies whether BackupPolicies and the backup age are this controller's
   * @param everyPod the pods policies select from (every cluster's)
   * @param podCluster a pod's cluster by tenant and name; null: every Backup is this controller's
   * @param metrics shared by the controllers of all clusters
   */
  public record Scope(
      String cluster,
      boolean runsPolicies,
      BackupPods everyPod,
      java.util.function.BiFunction<String, String, java.util.Optional<String>> podCluster,
      BackupMetrics metrics) {

    /** The one controller of a single-cluster install. */
    static Scope only(BackupPods pods, MeterRegistry registry) {
      return new Scope(
          io.cloudpods.api.v1alpha1.ProxmoxCluster.DEFAULT,
          true,
          pods,
          null,
          new BackupMetrics(registry));
    }

    /** Backups of {@code cluster}'s pods only. */
    public static Scope backupsOf(
        String cluster,
        java.util.function.BiFunction<String, String, java.util.Optional<String>> podCluster,
        BackupMetrics metrics) {
      return new Scope(cluster, false, null, podCluster, metrics);
    }

    /** The Backups of {@code default}'s pods, every policy and the backup age. */
    public static Scope home(
        BackupPods everyPod,
        java.util.function.BiFunction<String, String, java.util.Optional<String>> podCluster,
        BackupMetrics metrics) {
      return new Scope(
          io.cloudpods.api.v1alpha1.ProxmoxCluster.DEFAULT, true, everyPod, podCluster, metrics);
    }

    String suffix() {
      return io.cloudpods.api.v1alpha1.ProxmoxCluster.DEFAULT.equals(cluster) ? "" : "-" + cluster;
    }
  }

  /** The controller of a single-cluster install: every Backup and policy. */
  public BackupController(
      BackupConfig config,
      Duration retryBase,
      Duration retryMax,
      ProxmoxClient client,
      BackupRecords backups,
      BackupPolicyRecords policies,
      BackupPods pods,
      EventSink events,
      MeterRegistry registry,
      Clock clock,
      java.util.function.BooleanSupplier active) {
    this(
        config,
        retryBase,
        retryMax,
        client,
        backups,
        policies,
        pods,
        events,
        registry,
        clock,
        active,
        Scope.only(pods, registry));
  }

  /**
   * @param client the cluster's client
   * @param pods the cluster's own pods (what its Backups back up)
   * @param active whether this replica runs the cluster's backups now (holds its lease)
   */
  public BackupController(
      BackupConfig config,
      Duration retryBase,
      Duration retryMax,
      ProxmoxClient client,
      BackupRecords backups,
      BackupPolicyRecords policies,
      BackupPods pods,
      EventSink events,
      MeterRegistry registry,
      Clock clock,
      java.util.function.BooleanSupplier active,
      Scope scope) {
    this.active = active;
    this.scope = scope;
    this.backups = backups;
    this.policies = policies;
    this.pods = scope.runsPolicies() ? scope.everyPod() : pods;
    this.config = config;
    this.clock = clock;
    this.metrics = scope.metrics();
    String suffix = scope.suffix();
    backupQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(retryBase, retryMax),
            EngineMetrics.queue(registry, "backup" + suffix));
    NodeSlots slots = new NodeSlots(config.perNode(), backupQueue::add);
    ArchiveIndex archives = new ArchiveIndex(client, clock, config.resyncInterval().dividedBy(2));
    backupReconciler =
        new BackupReconciler(
                backups, policies, pods, client, events, metrics, config, slots, archives, clock)
            .forCluster(scope.cluster())
            .wakeWith(k -> wakePolicy.accept(k), backupQueue::addAfter);
    backupRunner =
        new ControllerRunner<>(
            "backup" + suffix,
            backupQueue,
            key ->
                active.getAsBoolean() && mine(key)
                    ? backupReconciler.reconcile(key)
                    : ReconcileResult.done(),
            2,
            ReconcileListener.both(
                failures(events, "Backup"), EngineMetrics.reconciles(registry, "backup" + suffix)));
    EngineMetrics.bind(registry, backupRunner);
    if (!scope.runsPolicies()) {
      policyQueue = null;
      policyReconciler = null;
      policyRunner = null;
      return;
    }
    policyQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(retryBase, retryMax),
            EngineMetrics.queue(registry, "backuppolicy"));
    wakePolicy = policyQueue::add;
    policyReconciler =
        new BackupPolicyReconciler(
            policies, backups, this.pods, events, config.startingDeadline(), clock);
    policyRunner =
        new ControllerRunner<>(
            "backuppolicy",
            policyQueue,
            key -> {
              if (!active.getAsBoolean()) {
                return ReconcileResult.done();
              }
              ReconcileResult r = policyReconciler.reconcile(key);
              // a policy applied or run shows in the tenant's backup age now, not at the next
              // resync
              ages(policies.list(key.tenant()));
              return r;
            },
            1,
            ReconcileListener.both(
                failures(events, "BackupPolicy"),
                EngineMetrics.reconciles(registry, "backuppolicy")));
    EngineMetrics.bind(registry, policyRunner);
  }

  /**
   * Where a Backup that finished wakes its policy, for a controller that does not run policies (the
   * one that does is woken).
   */
  public BackupController wakePoliciesWith(java.util.function.Consumer<ResourceKey> wake) {
    if (!scope.runsPolicies()) {
      this.wakePolicy = wake;
    }
    return this;
  }

  /**
   * Whether the Backup is of this controller's cluster: the cluster it recorded when it started,
   * else its pod's, else {@code default}. One that is gone is everyone's (its node slot is freed).
   */
  boolean mine(ResourceKey key) {
    if (scope.podCluster() == null) {
      return true;
    }
    java.util.Optional<Backup> found = backups.get(key);
    if (found.isEmpty()) {
      return true;
    }
    Backup b = found.get();
    String cluster = b.status() == null ? null : b.status().cluster();
    if (cluster == null) {
      cluster =
          scope
              .podCluster()
              .apply(key.tenant(), b.spec().pod())
              .orElse(io.cloudpods.api.v1alpha1.ProxmoxCluster.DEFAULT);
    }
    return scope.cluster().equals(cluster);
  }

  public void start() {
    backupRunner.start();
    if (policyRunner != null) {
      policyRunner.start();
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cloudpods-backup-resync" + scope.suffix());
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(100, config.resyncInterval().toMillis());
    timer.scheduleWithFixedDelay(this::resyncQuietly, 0, every, TimeUnit.MILLISECONDS);
  }

  public void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
    backupRunner.stop(Duration.ofSeconds(10));
    if (policyRunner != null) {
      policyRunner.stop(Duration.ofSeconds(10));
    }
  }

  /** A change of a {@code Backup} or {@code BackupPolicy} row (kind, tenant, name). */
  public void onChange(String kind, String tenant, String name) {
    switch (kind) {
      case "Backup" -> backupQueue.add(ResourceKey.of(tenant, name));
      case "BackupPolicy" -> {
        if (policyQueue != null) {
          policyQueue.add(ResourceKey.of(tenant, name));
        }
      }
      default -> {}
    }
  }

  private void resyncQuietly() {
    try {
      resync();
    } catch (RuntimeException e) {
      LOG.infof("backup resync failed: %s", e.getMessage());
    }
  }

  /** Enqueues every Backup and policy, and recomputes the backup age per tenant. */
  public void resync() {
    if (!active.getAsBoolean()) {
      return; // another replica holds the cluster's lease and runs its backups
    }
    for (ResourceKey k : backups.listKeys()) {
      backupQueue.addUnlessBackingOff(k);
    }
    if (!scope.runsPolicies()) {
      return;
    }
    List<BackupPolicy> all = policies.list(null);
    for (BackupPolicy p : all) {
      policyQueue.addUnlessBackingOff(ResourceKey.of(p.metadata().tenant(), p.metadata().name()));
    }
    ages(all);
  }

  /**
   * {@code cloudpods_backup_max_age_seconds{tenant}}: over the pods a non-suspended policy of the
   * tenant selects, the longest time since the pod's last completed backup (of any reason), or
   * since the pod or policy appeared for a pod never backed up.
   */
  private void ages(List<BackupPolicy> all) {
    Instant now = clock.instant();
    Map<String, List<BackupPolicy>> byTenant = new HashMap<>();
    for (BackupPolicy p : all) {
      if (!Boolean.TRUE.equals(p.spec().suspend())) {
        byTenant.computeIfAbsent(p.metadata().tenant(), t -> new java.util.ArrayList<>()).add(p);
      }
    }
    for (Map.Entry<String, List<BackupPolicy>> e : byTenant.entrySet()) {
      String tenant = e.getKey();
      metrics.knowTenant(tenant);
      Map<String, Instant> lastDone = new HashMap<>();
      for (Backup b : backups.list(tenant)) {
        if (b.status() != null
            && BackupPhase.COMPLETED.equals(b.status().phase())
            && b.status().completionTime() != null) {
          lastDone.merge(
              b.spec().pod(), b.status().completionTime(), (x, y) -> x.isAfter(y) ? x : y);
        }
      }
      Duration max = Duration.ZERO;
      for (BackupPods.Pod pod : pods.pods(tenant)) {
        Instant since = null;
        for (BackupPolicy p : e.getValue()) {
          Map<String, String> match =
              p.spec().selector() == null ? Map.of() : p.spec().selector().matchLabels();
          if (PolicyRun.selects(match, pod.labels())) {
            Instant c = p.metadata().creationTimestamp();
            since = since == null || (c != null && c.isBefore(since)) ? c : since;
          }
        }
        if (since == null && lastDone.get(pod.name()) == null) {
          continue; // no policy selects it
        }
        Instant from = lastDone.get(pod.name());
        if (from == null) {
          from =
              pod.created() != null && since != null && pod.created().isAfter(since)
                  ? pod.created()
                  : since;
        }
        if (from != null && Duration.between(from, now).compareTo(max) > 0) {
          max = Duration.between(from, now);
        }
      }
      metrics.maxAge(tenant, max);
    }
  }

  /** A pass that threw (Proxmox unreachable, say) is visible on its object as an event. */
  private ReconcileListener<ResourceKey> failures(EventSink events, String kind) {
    return new ReconcileListener<>() {
      @Override
      public void failed(
          ResourceKey key, Exception error, int attempt, Duration retryIn, Duration took) {
        if (error instanceof io.cloudpods.proxmox.FencedException || !active.getAsBoolean()) {
          return; // the lease went to another replica mid-pass: nothing was sent
        }
        if (attempt == 1) {
          LOG.infof("%s %s: %s (retry in %s)", kind, key, error.getMessage(), retryIn);
        }
        if (attempt == 1 || attempt % 10 == 0) {
          events.record(
              Event.of(
                      Event.WARN,
                      "ReconcileFailed",
                      error.getMessage() == null ? error.toString() : error.getMessage(),
                      kind,
                      key.tenant(),
                      key.name())
                  .withExtra(Map.of("attempt", attempt, "retryInSeconds", retryIn.toSeconds())));
        }
      }
    };
  }

  /** The names of this controller's runners, their metrics' {@code controller} label. */
  public java.util.List<String> controllerNames() {
    return policyRunner == null
        ? java.util.List.of(backupRunner.name())
        : java.util.List.of(backupRunner.name(), policyRunner.name());
  }

  /** Keys waiting or being processed. */
  public int backlog() {
    return backupQueue.readyCount()
        + backupQueue.processingCount()
        + (policyQueue == null ? 0 : policyQueue.readyCount() + policyQueue.processingCount());
  }
}
