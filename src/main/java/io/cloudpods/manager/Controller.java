package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.backup.run.BackupController;
import io.cloudpods.backup.run.BackupPods;
import io.cloudpods.cloudpod.ReconcileConfig;
import io.cloudpods.cloudpod.backup.SharedStorages;
import io.cloudpods.cloudpod.backup.StoredPodBackups;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.cloudpod.observe.OrphanTracker;
import io.cloudpods.cloudpod.placement.ClusterIdentity;
import io.cloudpods.controller.BackoffRateLimiter;
import io.cloudpods.controller.ControllerRunner;
import io.cloudpods.controller.WorkQueue;
import io.cloudpods.metrics.EngineMetrics;
import io.cloudpods.podset.PodSetReconciler;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.tenant.TenantReconciler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * One running controller: the queues, runners and reconcilers built from plain classes, the change
 * listener feeding them, and the resync. Pods are reconciled by one {@link ClusterEngine} per
 * Proxmox cluster (the configured {@code default} and every stored ProxmoxCluster, followed as they
 * are added, changed and removed); PodSets, tenants, Backups and Restores by one runner each. Built
 * and started by {@link ControllerManager}.
 */
final class Controller implements io.cloudpods.replica.LeaseKeeper.Holder {

  private static final Logger LOG = Logger.getLogger(Controller.class);

  final WorkQueue<ResourceKey> podQueue;
  final WorkQueue<ResourceKey> setQueue;
  final WorkQueue<ResourceKey> tenantQueue;
  final ClusterObserver cluster;
  final Resync resync;
  private final ClusterEngine home;
  private final Map<String, ClusterEngine> engines = new ConcurrentHashMap<>();

  /**
   * Each engine's cluster client without the lease's fence, for what an operator asks through the
   * API.
   */
  private final Map<String, ProxmoxClient> unfencedClients = new ConcurrentHashMap<>();

  /** Each engine's cluster client behind its lease's fence, for what an operator changes. */
  private final Map<String, ProxmoxClient> fencedClients = new ConcurrentHashMap<>();

  private final Map<String, String> engineSpecs = new ConcurrentHashMap<>();
  private final PodSetReconciler setReconciler;
  private final ControllerRunner<ResourceKey> setRunner;
  private final ControllerRunner<ResourceKey> tenantRunner;
  private final ClusterRestores homeRestores;

  /** The Restores of the clusters besides {@code default}, by cluster name. */
  private final Map<String, ClusterRestores> clusterRestores = new ConcurrentHashMap<>();

  private final Stores stores;
  private final ChangeListener changes;
  private final ReconcileConfig config;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final ConvergenceCache convergence;
  private final Clusters clusters;
  private final String clientPool;
  private final ExecutorService clusterSync =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "cloudpods-cluster-engines");
            t.setDaemon(true);
            return t;
          });
  private volatile java.util.function.BiConsumer<java.util.UUID, Long> readyListener;
  final BackupController backups;

  /** The backup controllers of the clusters besides {@code default}, by cluster name. */
  private final Map<String, BackupController> clusterBackups =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final io.cloudpods.backup.BackupMetrics backupMetrics;
  private final io.cloudpods.replica.LeaseKeeper leases;
  private final io.cloudpods.replica.ClusterLease homeLease;

  /**
   * What the controller needs to know of the clusters besides {@code default}: the stored ones, and
   * how to build a client for one (which may fail: a missing secret file).
   */
  interface Clusters {
    List<ProxmoxCluster> stored();

    /** A client for the cluster; the caller closes it when done. */
    HttpProxmoxClient client(ProxmoxCluster cluster);

    /** The cluster {@code default}, as an object (its region and zones). */
    ProxmoxCluster configured();

    /** No cluster besides the configured one (unit tests). */
    Clusters NONE =
        new Clusters() {
          @Override
          public List<ProxmoxCluster> stored() {
            return List.of();
          }

          @Override
          public HttpProxmoxClient client(ProxmoxCluster cluster) {
            throw new IllegalStateException("no clusters");
          }

          @Override
          public ProxmoxCluster configured() {
            return null;
          }
        };
  }

  Controller(
      ReconcileConfig config,
      ProxmoxClient client,
      String clientPool,
      Stores stores,
      Database db,
      MeterRegistry metrics,
      Clock clock,
      Clusters clusters,
      io.cloudpods.replica.LeaseKeeper leases) {
    this.leases = leases;
    this.homeLease = leases.lease(ProxmoxCluster.DEFAULT);
    ProxmoxClient unfenced = client;
    client = fenced(client, homeLease);
    io.cloudpods.events.EventSink homeEvents = new FencedEvents(stores.events(), homeLease);
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.clusters = clusters;
    this.clientPool = clientPool;
    this.backupMetrics = new io.cloudpods.backup.BackupMetrics(metrics);
    ReconcileConfig.Backoff backoff = config.backoff();
    setQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(backoff.base(), backoff.max()),
            EngineMetrics.queue(metrics, "podset"));
    tenantQueue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(backoff.base(), backoff.max()),
            EngineMetrics.queue(metrics, "tenant"));
    this.stores = stores;
    this.convergence = new ConvergenceCache(config.resync().deepVerifyInterval());
    StoredPodBackups podBackups =
        new StoredPodBackups(
            new FencedBackupRecords(stores.backups(), homeLease),
            stores.restores(),
            stores.pods()::skipsFinalBackup,
            new SharedStorages(unfenced::storages, clock, config.resync().interval()));
    FencedPodSetRecords setWrites =
        new FencedPodSetRecords(stores.sets(), stores.pods(), homeLease);
    setReconciler =
        new PodSetReconciler(
            stores.sets(),
            setWrites,
            setWrites,
            stores.events(),
            config.tasks().lockedRecheck(),
            clock,
            this::zonesOfRegion);
    home =
        new ClusterEngine(
            identity(clusters.configured(), ProxmoxCluster.DEFAULT),
            "cloudpod",
            config,
            client,
            clientPool,
            stores,
            podBackups,
            convergence,
            metrics,
            clock,
            stores.pods()::clusterOf,
            this::forward,
            null,
            homeLease);
    home.podReconciler.wakeOwnersWith(this::wakePodSet);
    engines.put(ProxmoxCluster.DEFAULT, home);
    unfencedClients.put(ProxmoxCluster.DEFAULT, unfenced);
    fencedClients.put(ProxmoxCluster.DEFAULT, client);
    podQueue = home.podQueue;
    cluster = home.cluster;
    setRunner =
        new ControllerRunner<>(
            "podset",
            setQueue,
            whileHolding(homeLease, setReconciler),
            1,
            EngineMetrics.reconciles(metrics, "podset"));
    tenantRunner =
        new ControllerRunner<>(
            "tenant",
            tenantQueue,
            whileHolding(
                homeLease,
                new TenantReconciler(
                    new FencedTenantRecords(stores.tenants(), homeLease),
                    stores.events(),
                    config.tasks().lockedRecheck(),
                    clock)),
            1,
            EngineMetrics.reconciles(metrics, "tenant"));
    homeRestores =
        new ClusterRestores(
            ProxmoxCluster.DEFAULT,
            homeLease,
            client,
            stores,
            podBackups,
            homeEvents,
            config,
            metrics,
            clock,
            this::clusterOfRestore);
    EngineMetrics.bind(metrics, setRunner);
    EngineMetrics.bind(metrics, tenantRunner);
    resync = resyncOf(home, true);
    home.resyncWith(resync);
    backups =
        new BackupController(
            stores.backupConfig(),
            backoff.base(),
            backoff.max(),
            client,
            new FencedBackupRecords(stores.backups(), homeLease),
            new FencedBackupPolicyRecords(stores.policies(), homeLease),
            podsOf(ProxmoxCluster.DEFAULT),
            homeEvents,
            metrics,
            clock,
            homeLease::held,
            BackupController.Scope.home(
                BackupPods.of(stores.pods()::get, stores.pods()::list),
                this::clusterOfPod,
                backupMetrics));
    ChangeRouter router =
        new ChangeRouter(
                convergence,
                this::enqueuePod,
                this::wakePodSet,
                stores.pods()::listKeys,
                tenantQueue::add,
                change -> backupChanged(change.kind(), change.tenant(), change.name()))
            .route("Restore", this::restoreChanged)
            .onClusterChange(this::clustersChanged);
    changes =
        new ChangeListener(
            db.url(),
            db.user(),
            db.password(),
            router,
            () -> {
              if (homeLease.held()) {
                resync.runOrThrow();
              }
            },
            clock);
  }

  /** The client as the holder of {@code lease} uses it: every change asks the lease first. */
  private static ProxmoxClient fenced(ProxmoxClient client, io.cloudpods.replica.ClusterLease l) {
    return client.fencedBy(l);
  }

  /** Runs {@code r} only while this replica holds {@code lease}; other keys are dropped. */
  private static io.cloudpods.controller.Reconciler<ResourceKey> whileHolding(
      io.cloudpods.replica.ClusterLease lease, io.cloudpods.controller.Reconciler<ResourceKey> r) {
    return key -> lease.held() ? r.reconcile(key) : io.cloudpods.controller.ReconcileResult.done();
  }

  @Override
  public void gained(String clusterName, long generation) {
    ClusterEngine e = engines.get(clusterName);
    if (e == null) {
      return;
    }
    // what this replica knew of the cluster is from before another replica held it
    convergence.invalidateAll();
    try {
      clusterSync.execute(
          () -> {
            e.gained();
            BackupController b = clusterBackups.get(clusterName);
            if (b != null) {
              b.resync();
              resyncRestores();
            }
            if (e == home) {
              setReconciler.invalidateAll();
              resync.run();
              resyncRestores();
              backups.resync();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException ex) {
      // stopped
    }
  }

  @Override
  public void lost(String clusterName, long generation, String why) {
    // nothing to stop: every pass and resync asks the lease first, every change is fenced
  }

  @Override
  public boolean canRun(String clusterName) {
    return engines.containsKey(clusterName);
  }

  private Resync resyncOf(ClusterEngine engine, boolean global) {
    OrphanReporter orphans =
        new OrphanReporter(
            engine.name,
            new OrphanTracker(engine.name, config.resync().orphanGrace()),
            stores.orphans(),
            engine.cluster,
            stores.events());
    return new Resync(
        engine.cluster,
        stores.pods(),
        stores.sets(),
        convergence,
        setReconciler,
        engine.podQueue::addUnlessBackingOff,
        setQueue::addUnlessBackingOff,
        stores.tenants()::deleting,
        tenantQueue::addUnlessBackingOff,
        orphans,
        stores.controllerState(),
        clock,
        engine.name,
        global);
  }

  /** Called with a pod's uid and generation when Ready=True is written for that generation. */
  void onReadyWritten(java.util.function.BiConsumer<java.util.UUID, Long> listener) {
    this.readyListener = listener;
    engines.values().forEach(e -> e.onReadyWritten(listener));
  }

  void start() {
    home.start();
    setRunner.start();
    tenantRunner.start();
    homeRestores.start();
    backups.start();
    changes.start();
    syncClusters();
  }

  void stop() {
    changes.close();
    clusterSync.shutdownNow();
    for (ClusterEngine e : engines.values()) {
      e.stop();
    }
    setRunner.stop(Duration.ofSeconds(10));
    tenantRunner.stop(Duration.ofSeconds(10));
    homeRestores.stop();
    clusterRestores.values().forEach(ClusterRestores::stop);
    backups.stop();
    clusterBackups.values().forEach(BackupController::stop);
  }

  /**
   * The resync of every cluster besides {@code default}, each on its own thread (one that does not
   * answer holds up only its own); then the one of {@code default}, on the caller's.
   */
  void resyncAll() {
    for (ClusterEngine e : engines.values()) {
      if (e != home) {
        e.resyncInBackground();
      }
    }
    if (homeLease.held()) {
      resync.run();
    }
  }

  /**
   * Enqueues every Restore still in progress (with the resync: a missed change is caught up); each
   * cluster's runner keeps its own.
   */
  void resyncRestores() {
    stores.restores().listActive().stream()
        .map(r -> ResourceKey.of(r.metadata().tenant(), r.metadata().name()))
        .forEach(
            k -> {
              homeRestores.addUnlessBackingOff(k);
              clusterRestores.values().forEach(c -> c.addUnlessBackingOff(k));
            });
  }

  private void restoreChanged(ResourceKey key) {
    homeRestores.add(key);
    clusterRestores.values().forEach(c -> c.add(key));
  }

  /**
   * The cluster a Restore runs in: its Backup's (the one the Backup recorded, else its pod's);
   * {@code default} when the Restore or its Backup is gone, where it fails or is finalized.
   */
  private String clusterOfRestore(ResourceKey key) {
    return stores
        .restores()
        .get(key)
        .flatMap(r -> stores.backups().get(ResourceKey.of(key.tenant(), r.spec().backup())))
        .map(
            b ->
                b.status() != null && b.status().cluster() != null
                    ? b.status().cluster()
                    : clusterOfPod(key.tenant(), b.spec().pod()).orElse(ProxmoxCluster.DEFAULT))
        .orElse(ProxmoxCluster.DEFAULT);
  }

  /** The change listener: connected or not, since when, its last failure. */
  ChangeListenerState changeListener() {
    return changes.state();
  }

  long podReconciles() {
    return engines.values().stream().mapToLong(ClusterEngine::podReconciles).sum();
  }

  /** Backups, policies and Restores waiting or being processed, over every cluster. */
  int backupBacklog() {
    return backups.backlog()
        + homeRestores.backlog()
        + clusterBackups.values().stream().mapToInt(BackupController::backlog).sum()
        + clusterRestores.values().stream().mapToInt(ClusterRestores::backlog).sum();
  }

  /** Pod keys waiting or being processed, over every cluster. */
  int podBacklog() {
    return engines.values().stream().mapToInt(ClusterEngine::backlog).sum();
  }

  /**
   * The client of a cluster's engine without the lease's fence, for reads an operator asks for (an
   * import reads every guest), or empty when the cluster has no engine.
   */
  Optional<ProxmoxClient> unfencedClient(String clusterName) {
    return Optional.ofNullable(unfencedClients.get(clusterName));
  }

  /**
   * The client of a cluster's engine behind its lease's fence, for changes an operator asks for
   * (deleting an orphan): made only while this replica holds the lease; empty without an engine.
   */
  Optional<ProxmoxClient> fencedClient(String clusterName) {
    return Optional.ofNullable(fencedClients.get(clusterName));
  }

  /** The clusters this controller reconciles pods of, by name ({@code default} included). */
  java.util.Set<String> clusterNames() {
    return java.util.Set.copyOf(engines.keySet());
  }

  /** A ProxmoxCluster was written or deleted: the engines follow, off the listener's thread. */
  void clustersChanged() {
    try {
      clusterSync.execute(this::syncClusters);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // stopped
    }
  }

  /**
   * One engine per stored cluster, built again when its spec changed and stopped when it is gone. A
   * cluster whose client cannot be built (its secret file is missing) gets no engine; its probe
   * says why on the ProxmoxCluster, and the next sync tries again.
   */
  synchronized void syncClusters() {
    List<ProxmoxCluster> stored;
    try {
      stored = clusters.stored();
    } catch (RuntimeException e) {
      LOG.warnf("could not list the Proxmox clusters: %s", e.getMessage());
      return;
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ProxmoxCluster c : stored) {
      String name = c.metadata().name();
      seen.add(name);
      String spec = io.cloudpods.store.Json.write(c.spec());
      if (spec.equals(engineSpecs.get(name))) {
        continue;
      }
      HttpProxmoxClient client;
      try {
        client = clusters.client(c);
      } catch (RuntimeException e) {
        LOG.warnf("cluster %s: no engine yet: %s", name, e.getMessage());
        continue;
      }
      StoredPodBackups engineViews =
          new StoredPodBackups(
              new FencedBackupRecords(stores.backups(), leases.lease(name)),
              stores.restores(),
              stores.pods()::skipsFinalBackup,
              new SharedStorages(client::storages, clock, config.resync().interval()));
      ClusterEngine engine =
          new ClusterEngine(
              identity(c, name),
              "cloudpod-" + name,
              config,
              fenced(client, leases.lease(name)),
              c.spec().defaults() != null && c.spec().defaults().pool() != null
                  ? c.spec().defaults().pool()
                  : clientPool,
              stores,
              engineViews,
              convergence,
              metrics,
              clock,
              stores.pods()::clusterOf,
              this::forward,
              client,
              leases.lease(name));
      engine.podReconciler.wakeOwnersWith(this::wakePodSet);
      if (readyListener != null) {
        engine.onReadyWritten(readyListener);
      }
      engine.resyncWith(resyncOf(engine, false));
      BackupController engineBackups = backupsOf(name, client);
      ClusterRestores engineRestores =
          new ClusterRestores(
              name,
              leases.lease(name),
              fenced(client, leases.lease(name)),
              stores,
              engineViews,
              new FencedEvents(stores.events(), leases.lease(name)),
              config,
              metrics,
              clock,
              this::clusterOfRestore);
      ClusterEngine replaced = engines.put(name, engine);
      unfencedClients.put(name, client);
      fencedClients.put(name, fenced(client, leases.lease(name)));
      BackupController replacedBackups = clusterBackups.put(name, engineBackups);
      ClusterRestores replacedRestores = clusterRestores.put(name, engineRestores);
      engineSpecs.put(name, spec);
      if (replaced != null) {
        replaced.stop();
      }
      if (replacedBackups != null) {
        replacedBackups.stop();
      }
      if (replacedRestores != null) {
        replacedRestores.stop();
      }
      engine.start();
      engineBackups.start();
      engineRestores.start();
      LOG.infof(
          "cluster %s (region %s): engine started, Proxmox at %s",
          name, c.spec().region(), c.spec().url());
      engine.resyncInBackground();
    }
    for (String name : List.copyOf(engines.keySet())) {
      if (!ProxmoxCluster.DEFAULT.equals(name) && !seen.contains(name)) {
        ClusterEngine gone = engines.remove(name);
        unfencedClients.remove(name);
        fencedClients.remove(name);
        BackupController goneBackups = clusterBackups.remove(name);
        ClusterRestores goneRestores = clusterRestores.remove(name);
        engineSpecs.remove(name);
        if (goneBackups != null) {
          goneBackups.stop();
          goneBackups.controllerNames().forEach(n -> EngineMetrics.unbind(metrics, n));
        }
        if (goneRestores != null) {
          goneRestores.stop();
          EngineMetrics.unbind(metrics, goneRestores.controllerName());
        }
        if (gone != null) {
          gone.stop();
          EngineMetrics.unbind(metrics, gone.controllerName());
          LOG.infof("cluster %s: removed, engine stopped", name);
        }
        try {
          // nobody looks at that cluster any more: its orphans are no longer known
          stores.orphans().replaceAll(name, List.of());
        } catch (RuntimeException e) {
          LOG.warnf("cluster %s: could not forget its orphans: %s", name, e.getMessage());
        }
      }
    }
  }

  private void enqueuePod(ResourceKey key) {
    Optional<String> lives;
    try {
      lives = stores.pods().clusterOf(key);
    } catch (RuntimeException e) {
      lives = Optional.empty();
    }
    if (lives.isEmpty()) {
      // gone: every engine forgets what it knew of it
      engines.values().forEach(e -> e.podQueue.add(key));
      return;
    }
    forward(lives.get(), key);
  }

  private void forward(String clusterName, ResourceKey key) {
    ClusterEngine e = engines.get(clusterName);
    if (e != null) {
      e.podQueue.add(key);
    }
    // no engine (yet): the engine's first resync enqueues the cluster's pods
  }

  /**
   * The Backups of {@code name}'s pods, run with its own client (fenced by its lease) and node
   * slots; policies stay with {@code default}'s controller, which a finished Backup wakes.
   */
  private BackupController backupsOf(String name, HttpProxmoxClient client) {
    io.cloudpods.replica.ClusterLease lease = leases.lease(name);
    ReconcileConfig.Backoff backoff = config.backoff();
    return new BackupController(
            stores.backupConfig(),
            backoff.base(),
            backoff.max(),
            fenced(client, lease),
            new FencedBackupRecords(stores.backups(), lease),
            new FencedBackupPolicyRecords(stores.policies(), lease),
            podsOf(name),
            new FencedEvents(stores.events(), lease),
            metrics,
            clock,
            lease::held,
            BackupController.Scope.backupsOf(name, this::clusterOfPod, backupMetrics))
        .wakePoliciesWith(k -> backups.onChange("BackupPolicy", k.tenant(), k.name()));
  }

  /**
   * A Backup or BackupPolicy row changed: every cluster's backup controller looks (Backups are run
   * by the one of their cluster, policies by {@code default}'s).
   */
  private void backupChanged(String kind, String tenant, String name) {
    backups.onChange(kind, tenant, name);
    clusterBackups.values().forEach(b -> b.onChange(kind, tenant, name));
  }

  /** The pods of one cluster, as the backups see them. */
  private BackupPods podsOf(String clusterName) {
    return BackupPods.of(
        key -> stores.pods().get(key).filter(p -> onCluster(key, clusterName)),
        tenant ->
            stores.pods().list(tenant).stream()
                .filter(
                    p ->
                        onCluster(
                            ResourceKey.of(p.metadata().tenant(), p.metadata().name()),
                            clusterName))
                .toList());
  }

  private Optional<String> clusterOfPod(String tenant, String pod) {
    return stores.pods().clusterOf(ResourceKey.of(tenant, pod));
  }

  private boolean onCluster(ResourceKey key, String clusterName) {
    return stores.pods().clusterOf(key).map(clusterName::equals).orElse(false);
  }

  private List<String> zonesOfRegion(String region) {
    List<ProxmoxCluster> all = new java.util.ArrayList<>();
    ProxmoxCluster configured = clusters.configured();
    if (configured != null) {
      all.add(configured);
    }
    all.addAll(clusters.stored());
    return all.stream()
        .filter(c -> region != null && region.equals(c.spec().region()))
        .findFirst()
        .map(
            c ->
                c.spec().zones() == null
                    ? List.<String>of()
                    : c.spec().zones().stream()
                        .map(ProxmoxClusterSpec.Zone::name)
                        .sorted()
                        .toList())
        .orElse(List.of());
  }

  private static ClusterIdentity identity(ProxmoxCluster c, String name) {
    if (c == null) {
      return ClusterIdentity.withoutZones(name, "default");
    }
    ProxmoxClusterSpec spec = c.spec();
    return new ClusterIdentity(
        name,
        spec.region(),
        zone -> io.cloudpods.cluster.Regions.nodesOf(spec, zone),
        node -> io.cloudpods.cluster.Regions.zoneOf(spec, node));
  }

  private void wakePodSet(ResourceKey key) {
    setReconciler.invalidate(key);
    setQueue.add(key);
  }

  /** The JDBC settings of the change listener's own connection. */
  record Database(String url, String user, String password) {}
}
