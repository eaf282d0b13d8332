package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.backup.BackupConfig;
import io.cloudpods.cloudpod.ReconcileConfig;
import io.cloudpods.cluster.ClusterClients;
import io.cloudpods.events.EventRecorder;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxConfig;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.store.AllocationStore;
import io.cloudpods.store.BackupPolicyStore;
import io.cloudpods.store.BackupStore;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ControllerStateStore;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.OrphanStore;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.RestoreStore;
import io.cloudpods.store.TenantStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The thin CDI shell around the controller: checks Proxmox in the background when the application
 * starts (until it answers), then builds and starts a {@link Controller}, runs its resync on
 * schedule, and stops it on shutdown. With {@code cloudpods.reconcile.enabled=false} it does
 * nothing (an API-only process). What it is doing is what {@link ControllerReadiness} reports.
 */
@ApplicationScoped
public class ControllerManager implements ClusterClients {

  private static final Logger LOG = Logger.getLogger(ControllerManager.class);

  private final ReconcileConfig config;
  private final Instance<ProxmoxClient> clients;
  private final ProxmoxConfig proxmoxConfig;
  private final Stores stores;
  private final Controller.Database database;
  private final MeterRegistry metrics;
  private volatile Controller controller;
  @Inject io.cloudpods.metrics.ConvergenceMetrics convergence;
  @Inject io.cloudpods.store.ProxmoxClusterStore clusterStore;
  @Inject Instance<io.cloudpods.metrics.ProxmoxMetrics> proxmoxMetrics;
  @Inject io.cloudpods.cluster.DefaultCluster defaultCluster;
  @Inject io.cloudpods.store.LeaseStore leaseStore;
  @Inject io.cloudpods.replica.LeaseConfig leaseConfig;

  @ConfigProperty(name = "cloudpods.replica.id")
  Optional<String> replicaId;

  private volatile io.cloudpods.replica.LeaseKeeper leases;
  private volatile Instant startedAt;
  private volatile StartupCheck startup;
  private ScheduledExecutorService startupThread;

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
      OrphanStore orphans,
      MeterRegistry metrics,
      TenantStore tenants,
      BackupStore backups,
      RestoreStore restores,
      BackupPolicyStore policies,
      BackupConfig backupConfig,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
      @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
      @ConfigProperty(name = "quarkus.datasource.password") String jdbcPassword) {
    this.config = config;
    this.clients = clients;
    this.proxmoxConfig = proxmoxConfig;
    this.stores =
        new Stores(
            pods,
            sets,
            allocations,
            pools,
            defaults,
            events,
            controllerState,
            orphans,
            tenants,
            backups,
            restores,
            policies,
            backupConfig);
    this.database = new Controller.Database(jdbcUrl, jdbcUser, jdbcPassword);
    this.metrics = metrics;
  }

  void onStart(@Observes StartupEvent event) {
    Gauge.builder("cloudpods_proxmox_up", this, ControllerManager::proxmoxUp)
        .description("1 when Proxmox answered the controller's last cluster read, else 0")
        .tags("cluster", "default")
        .register(metrics);
    if (config.enabled()) {
      io.cloudpods.replica.LeaseTimings.check(leaseConfig);
      start();
    } else {
      LOG.info("controller disabled (cloudpods.reconcile.enabled=false): serving the API only");
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  /**
   * Starts the controller in the background: the start-up check calls Proxmox at once and, while it
   * cannot be used (unreachable, token refused, TLS, invalid settings), again with a growing delay;
   * the controller is built and started when it answers. The API serves meanwhile, and readiness
   * says why the controller is not running.
   */
  public synchronized void start() {
    if (controller != null || startup != null) {
      return;
    }
    ScheduledExecutorService thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cloudpods-startup-check");
              t.setDaemon(true);
              return t;
            });
    StartupCheck check =
        new StartupCheck(
            clients::get,
            proxmoxConfig.url(),
            (delay, task) -> thread.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS),
            config.backoff().base(),
            StartupCheck.atMostMaxDelay(config.backoff().max()),
            Clock.systemUTC(),
            this::proxmoxAnswered);
    startup = check;
    startupThread = thread;
    check.begin();
  }

  /** Builds and starts the controller once the start-up check has passed, then resyncs. */
  private void proxmoxAnswered(StartupCheck check, ProxmoxClient client) {
    synchronized (this) {
      if (startup != check) {
        return; // stopped meanwhile
      }
      io.cloudpods.replica.LeaseKeeper keeper = keeper();
      Controller c =
          new Controller(
              config,
              client,
              proxmoxConfig.pool(),
              stores,
              database,
              metrics,
              Clock.systemUTC(),
              clusters(),
              keeper);
      c.onReadyWritten(convergence::ready);
      try {
        c.start();
      } catch (RuntimeException e) {
        c.stop();
        throw e;
      }
      keeper.start(c);
      leases = keeper;
      startedAt = Instant.now();
      controller = c;
      startup = null;
      startupThread.shutdown(); // lets this task finish
      startupThread = null;
    }
    LOG.infof(
        "controller started: %d workers, resync every %s, Proxmox at %s",
        config.workers(), config.resync().interval(), proxmoxConfig.url());
    resync();
  }

  @Scheduled(
      every = "${cloudpods.reconcile.resync.interval:30s}",
      delayed = "${cloudpods.reconcile.resync.interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledResync() {
    if (controller != null) {
      resync();
    }
  }

  /** Takes a fresh cluster snapshot and enqueues every PodSet and pod with something to look at. */
  public void resync() {
    Controller c = controller;
    if (c != null) {
      c.syncClusters();
      c.resyncAll();
      c.resyncRestores();
    }
  }

  public synchronized void stop() {
    StartupCheck check = startup;
    if (check != null) {
      check.cancel();
      startup = null;
      startupThread.shutdownNow();
      startupThread = null;
    }
    Controller c = controller;
    if (c == null) {
      return;
    }
    controller = null;
    io.cloudpods.replica.LeaseKeeper keeper = leases;
    if (keeper != null) {
      keeper.close(); // hands every lease over at once: the next replica takes it within a second
    }
    c.stop();
    LOG.info("controller stopped");
  }

  /** Within the first lease duration: a lease not taken yet may still come to this replica. */
  private boolean startedRecently() {
    Instant at = startedAt;
    return at != null && Instant.now().isBefore(at.plus(leaseConfig.duration()));
  }

  /** This replica's lease keeper, with the name it goes by. */
  private io.cloudpods.replica.LeaseKeeper keeper() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    long pid = ProcessHandle.current().pid();
    String id = replicaId.filter(s -> !s.isBlank()).orElse(host + "-" + pid);
    return new io.cloudpods.replica.LeaseKeeper(
        id,
        host,
        pid,
        leaseStore,
        leaseConfig,
        () -> {
          java.util.List<String> names = new java.util.ArrayList<>();
          names.add(ProxmoxCluster.DEFAULT);
          clusterStore.list(null).forEach(pc -> names.add(pc.metadata().name()));
          names.forEach(this::leaseGauge);
          return names;
        },
        System::nanoTime);
  }

  private final java.util.Set<String> leaseGauges =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** controller-runtime's {@code leader_election_master_status}, one series per cluster lease. */
  private void leaseGauge(String cluster) {
    if (leaseGauges.add(cluster)) {
      if (convergence != null) {
        convergence.cluster(cluster); // its convergence series start at 0 too
      }
      Gauge.builder(
              "leader_election_master_status",
              this,
              m -> {
                io.cloudpods.replica.LeaseKeeper k = m.leases;
                return k != null && k.lease(cluster).held() ? 1 : 0;
              })
          .description("1 while this replica holds the cluster's lease, else 0")
          .tags("name", cluster)
          .register(metrics);
    }
  }

  /** This replica's name and the leases it holds, while the controller runs. */
  public Optional<io.cloudpods.replica.LeaseKeeper> leases() {
    return Optional.ofNullable(leases);
  }

  /** The stored clusters, and clients for them with the configured cluster's timeouts. */
  private Controller.Clusters clusters() {
    io.cloudpods.cluster.ClusterSettings settings = new io.cloudpods.cluster.ClusterSettings();
    return new Controller.Clusters() {
      @Override
      public java.util.List<ProxmoxCluster> stored() {
        return clusterStore.list(null);
      }

      @Override
      public HttpProxmoxClient client(ProxmoxCluster cluster) {
        ProxmoxClusterSpec spec = cluster.spec();
        return new HttpProxmoxClient(
            settings.settings(
                spec,
                io.cloudpods.cluster.ClusterSettings.caCertFile(cluster.metadata().name(), spec),
                proxmoxConfig.connectTimeout(),
                proxmoxConfig.requestTimeout(),
                proxmoxConfig.callTimeout()),
            proxmoxMetrics.isResolvable()
                ? proxmoxMetrics.get().forCluster(cluster.metadata().name())
                : io.cloudpods.proxmox.ProxmoxRequestObserver.NONE);
      }

      @Override
      public ProxmoxCluster configured() {
        return defaultCluster.get();
      }
    };
  }

  @Override
  public Optional<ProxmoxClient> fencedClient(String cluster) {
    Controller c = controller;
    return c == null ? Optional.empty() : c.fencedClient(cluster);
  }

  @Override
  public Optional<ProxmoxClient> unfencedClient(String cluster) {
    Controller c = controller;
    return c == null ? Optional.empty() : c.unfencedClient(cluster);
  }

  /** The clusters whose pods the controller reconciles ({@code default} included), by name. */
  public java.util.Set<String> reconciledClusters() {
    Controller c = controller;
    return c == null ? java.util.Set.of() : c.clusterNames();
  }

  /**
   * True once every pod known at start has been reconciled at least once by this process, so that
   * statuses written by an earlier process are no longer all there is to see.
   */
  public boolean firstPassDone() {
    Controller c = controller;
    return c != null
        && c.resync.firstResyncKeys() >= 0
        && c.podReconciles() >= c.resync.firstResyncKeys();
  }

  /** Keys waiting or being processed; zero when the controller has nothing to do right now. */
  public int backlog() {
    Controller c = controller;
    return c == null
        ? 0
        : c.podBacklog()
            + c.setQueue.readyCount()
            + c.setQueue.processingCount()
            + c.backupBacklog();
  }

  /**
   * Pods and PodSets the last resync enqueued (the others were converged with nothing to look at).
   */
  public int lastResyncEnqueued() {
    Controller c = controller;
    return c == null ? -1 : c.resync.lastEnqueued();
  }

  /** Keys the last resync left to their retry backoff instead of enqueueing them, or -1. */
  public int lastResyncBackingOff() {
    Controller c = controller;
    return c == null ? -1 : c.resync.lastBackingOff();
  }

  /** The change listener's state, while the controller runs. */
  public Optional<ChangeListenerState> changeListener() {
    Controller c = controller;
    return c == null ? Optional.empty() : Optional.of(c.changeListener());
  }

  /**
   * 1 when the controller runs and Proxmox answered its last resync's list call (or, before the
   * first resync, the start-up check), 0 otherwise.
   */
  double proxmoxUp() {
    Controller c = controller;
    if (c == null) {
      return 0;
    }
    Resync.ProxmoxContact contact = c.resync.proxmox();
    return contact == null || contact.reachable() ? 1 : 0;
  }

  /** True while the controller runs (the start-up check has passed and it was not stopped). */
  public boolean running() {
    return controller != null;
  }

  boolean enabled() {
    return config.enabled();
  }

  /** What readiness is judged on, read at once. */
  ControllerReadiness.Facts facts() {
    Controller c = controller;
    StartupCheck check = startup;
    if (c == null) {
      return new ControllerReadiness.Facts(
          false, null, check == null ? null : check.state(), null, null, null);
    }
    io.cloudpods.replica.LeaseKeeper keeper = leases;
    boolean holdsDefault =
        keeper == null || keeper.lease(ProxmoxCluster.DEFAULT).held() || startedRecently();
    return new ControllerReadiness.Facts(
        true,
        startedAt,
        null,
        c.changeListener(),
        c.resync.lastCompleted(),
        c.resync.proxmox(),
        holdsDefault);
  }
}
