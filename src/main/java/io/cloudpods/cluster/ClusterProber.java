package io.cloudpods.cluster;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.api.v1alpha1.ProxmoxClusterStatus;
import io.cloudpods.proxmox.ProxmoxConfig;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.proxmox.http.InvalidProxmoxSettingsException;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.Json;
import io.cloudpods.store.ProxmoxClusterStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Probes every Proxmox cluster every {@code cloudpods.clusters.probe-interval}, each on a thread
 * and with a client of its own, bounded by {@code probe-timeout}: a cluster that stops answering
 * holds up only its own probe (and a probe still running is not started twice). A stored cluster's
 * findings go into its status row; the cluster {@code default} has no row and its status is kept
 * here. A flip of {@code Reachable} is an event on the cluster; {@code cloudpods_proxmox_up} has a
 * series per cluster (the {@code default} one is the controller's own reads).
 */
@ApplicationScoped
public class ClusterProber {
  private static final Logger LOG = Logger.getLogger(ClusterProber.class);

  private final ProxmoxClusterStore store;
  private final EventStore events;
  private final ClustersConfig config;
  private final ProxmoxConfig proxmox;
  private final MeterRegistry metrics;
  private final ClusterSettings settings = new ClusterSettings();
  private final Clock clock = Clock.systemUTC();

  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();
  private final Map<String, Integer> up = new ConcurrentHashMap<>();
  private final AtomicReference<ProxmoxClusterStatus> defaultStatus = new AtomicReference<>();
  private final ExecutorService pool;

  /** A cluster's client, built for one generation of its spec. */
  private record Connection(String specJson, HttpProxmoxClient client, Optional<Path> caFile) {}

  public ClusterProber(
      ProxmoxClusterStore store,
      EventStore events,
      ClustersConfig config,
      ProxmoxConfig proxmox,
      MeterRegistry metrics) {
    this.store = store;
    this.events = events;
    this.config = config;
    this.proxmox = proxmox;
    this.metrics = metrics;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "cluster-probe-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The last probe's status of the cluster {@code default}; null before the first. */
  public ProxmoxClusterStatus defaultStatus() {
    return defaultStatus.get();
  }

  @Scheduled(
      every = "${cloudpods.clusters.probe-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    try {
      probeAll();
    } catch (RuntimeException e) {
      LOG.warnf("cluster probes not started: %s", e.getMessage());
    }
  }

  /** Starts a probe of every cluster that has none running; returns at once. */
  public void probeAll() {
    submit(ProxmoxCluster.DEFAULT, this::probeDefault);
    List<ProxmoxCluster> stored = store.list(null);
    Set<String> names = new HashSet<>();
    for (ProxmoxCluster c : stored) {
      names.add(c.metadata().name());
      submit(c.metadata().name(), () -> probeStored(c));
    }
    for (String gone : Set.copyOf(connections.keySet())) {
      if (!gone.equals(ProxmoxCluster.DEFAULT) && !names.contains(gone)) {
        forget(gone);
      }
    }
  }

  private void submit(String name, Runnable probe) {
    if (!inFlight.add(name)) {
      return; // the previous probe of this cluster is still waiting for an answer
    }
    try {
      pool.execute(
          () -> {
            try {
              probe.run();
            } catch (RuntimeException e) {
              LOG.warnf("probe of cluster %s failed: %s", name, e.getMessage());
            } finally {
              inFlight.remove(name);
            }
          });
    } catch (RejectedExecutionException e) {
      inFlight.remove(name);
    }
  }

  private void probeDefault() {
    ProbeResult result;
    try {
      Connection c =
          connections.compute(
              ProxmoxCluster.DEFAULT,
              (k, old) ->
                  old != null
                      ? old
                      : new Connection(
                          "",
                          new HttpProxmoxClient(
                              ProxmoxClientSettings.from(proxmox)
                                  .withTimeouts(
                                      min(proxmox.connectTimeout(), config.probeTimeout()),
                                      config.probeTimeout(),
                                      config.probeTimeout())),
                          Optional.empty()));
      result = ClusterProbe.probe(c.client());
    } catch (InvalidProxmoxSettingsException e) {
      result = new ProbeResult.Failed(ClusterSettings.INVALID_SETTINGS, e.getMessage());
    }
    ProxmoxClusterStatus before = defaultStatus.get();
    ProxmoxClusterStatus after = ProbeStatus.next(before, result, 0, clock.instant());
    defaultStatus.set(after);
    if (ProbeStatus.flipped(before, after) && before != null) {
      record(ProxmoxCluster.DEFAULT, after);
    }
  }

  private void probeStored(ProxmoxCluster cluster) {
    String name = cluster.metadata().name();
    ProxmoxClusterSpec spec = cluster.spec();
    ProbeResult result;
    try {
      result = ClusterProbe.probe(connection(name, spec).client());
    } catch (ClusterSettingsException e) {
      forget(name);
      result = new ProbeResult.Failed(e.reason(), e.getMessage());
    }
    ProxmoxClusterStatus before = cluster.status();
    Instant now = clock.instant();
    ProxmoxClusterStatus after =
        ProbeStatus.next(before, result, cluster.metadata().generation(), now);
    gauge(name).put(name, ProbeStatus.reachable(after) ? 1 : 0);
    if (!store.updateStatus(name, after)) {
      forget(name); // deleted while the probe ran
      return;
    }
    if (ProbeStatus.flipped(before, after)) {
      record(name, after);
    }
  }

  private Connection connection(String name, ProxmoxClusterSpec spec) {
    String specJson = Json.write(spec);
    Connection current = connections.get(name);
    if (current != null && current.specJson().equals(specJson)) {
      return current;
    }
    Optional<Path> ca = ClusterSettings.caCertFile(name, spec);
    Connection next =
        new Connection(
            specJson,
            new HttpProxmoxClient(settings.settings(spec, ca, config.probeTimeout())),
            ca);
    Connection replaced = connections.put(name, next);
    if (replaced != null) {
      close(replaced);
    }
    return next;
  }

  private Map<String, Integer> gauge(String name) {
    gauges.computeIfAbsent(
        name,
        n ->
            Gauge.builder("cloudpods_proxmox_up", up, m -> m.getOrDefault(n, 0))
                .description("1 when Proxmox answered the controller's last cluster read, else 0")
                .tags("cluster", n)
                .register(metrics));
    return up;
  }

  private void forget(String name) {
    Connection c = connections.remove(name);
    if (c != null) {
      close(c);
    }
    Gauge g = gauges.remove(name);
    if (g != null) {
      metrics.remove((Meter) g);
    }
    up.remove(name);
  }

  private static void close(Connection c) {
    c.client().close();
    c.caFile()
        .ifPresent(
            f -> {
              try {
                Files.deleteIfExists(f);
              } catch (IOException e) {
                // a temporary file holding a public certificate; it goes at exit
              }
            });
  }

  private void record(String name, ProxmoxClusterStatus s) {
    boolean ok = ProbeStatus.reachable(s);
    String message =
        io.cloudpods.api.v1alpha1.Conditions.find(s.conditions(), ProxmoxClusterStatus.REACHABLE)
            .map(c -> c.message())
            .orElse("");
    try {
      events.appendAlone(
          Event.of(
                  ok ? Event.INFO : Event.WARN,
                  ok ? "ClusterReachable" : "ClusterUnreachable",
                  "cluster " + name + (ok ? " answers: " : " cannot be used: ") + message,
                  "ProxmoxCluster",
                  null,
                  name)
              .by(Event.CONTROLLER));
    } catch (RuntimeException e) {
      LOG.warnf("could not record that cluster %s flipped: %s", name, e.getMessage());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  void onStop(@Observes ShutdownEvent e) {
    pool.shutdownNow();
    Set.copyOf(connections.keySet()).forEach(this::forget);
  }
}
