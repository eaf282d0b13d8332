package io.cloudpods.replica;

import io.cloudpods.store.LeaseRecords;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * This replica's side of the cluster leases. Every retry period it records that it is alive, works
 * out from the live replicas and the leases in force which clusters are its own ({@link
 * Assignment}), renews the leases it holds, takes its own clusters' leases when they are free or
 * have run out, and hands over those that are now another live replica's. A lease it cannot renew
 * within the renew deadline, or that the database says is gone, it steps down from at once. A lease
 * nobody took for a whole lease duration is taken by any replica, so a cluster is never left
 * without a holder because its replica cannot run it.
 */
public final class LeaseKeeper implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

  /** What the controller does as leases come and go. */
  public interface Holder {
    /** The lease of {@code cluster} was granted at {@code generation}: its work starts here. */
    void gained(String cluster, long generation);

    /** The lease is no longer held (lost or handed over): its work stops here. */
    void lost(String cluster, long generation, String why);

    /** Whether this replica can run the cluster (it has an engine for it). */
    boolean canRun(String cluster);
  }

  private final String replica;
  private final String host;
  private final long pid;
  private final LeaseRecords records;
  private final LeaseConfig config;
  private final Supplier<List<String>> clusters;
  private final LongSupplier nanos;
  private final Map<String, ClusterLease> leases = new ConcurrentHashMap<>();

  /** Clusters taken because their assignee left them free: cluster to that assignee. */
  private final Map<String, String> fallbackFor = new ConcurrentHashMap<>();

  private volatile Holder holder;
  private volatile Map<String, String> assignment = Map.of();
  private volatile List<String> live = List.of();
  private ScheduledExecutorService thread;
  private long ticks;

  /**
   * @param clusters the names of every cluster (the configured {@code default} and the stored
   *     ProxmoxClusters), the same list on every replica
   */
  public LeaseKeeper(
      String replica,
      String host,
      long pid,
      LeaseRecords records,
      LeaseConfig config,
      Supplier<List<String>> clusters,
      LongSupplier nanos) {
    this.replica = replica;
    this.host = host;
    this.pid = pid;
    this.records = records;
    this.config = config;
    this.clusters = clusters;
    this.nanos = nanos;
  }

  public String replica() {
    return replica;
  }

  /** The lease of {@code cluster} as this replica holds it (or not): the fence of its changes. */
  public ClusterLease lease(String cluster) {
    return leases.computeIfAbsent(
        cluster, c -> new ClusterLease(c, replica, records, config.callTimeout(), nanos));
  }

  /** The clusters whose leases this replica holds now. */
  public Set<String> held() {
    Set<String> out = new HashSet<>();
    leases.forEach(
        (c, l) -> {
          if (l.held()) {
            out.add(c);
          }
        });
    return out;
  }

  /** Which replica should hold which cluster, as this replica last worked it out. */
  public Map<String, String> assignment() {
    return assignment;
  }

  public void start(Holder h) {
    this.holder = h;
    thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cloudpods-leases");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(
        this::tickQuietly, 0, config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warnf("lease round failed: %s", e.getMessage());
    }
  }

  /** One round (the thread runs it every retry period; tests call it directly). */
  public synchronized void tick() {
    Holder h = holder;
    List<String> replicas = null;
    Map<String, String> holders = Map.of();
    try {
      records.heartbeat(replica, host, pid);
      replicas = records.liveReplicas(config.duration());
      if (!replicas.contains(replica)) {
        replicas = new java.util.ArrayList<>(replicas);
        replicas.add(replica);
      }
      live = List.copyOf(replicas);
      holders = records.holders();
    } catch (RuntimeException e) {
      LOG.debugf("heartbeat failed: %s", e.getMessage());
    }
    List<String> all;
    try {
      all = clusters.get();
    } catch (RuntimeException e) {
      all = null;
    }
    Map<String, String> want =
        replicas == null || all == null ? null : Assignment.of(all, replicas, holders);
    if (want != null) {
      assignment = Map.copyOf(want);
    }
    Set<String> names = new HashSet<>(leases.keySet());
    if (all != null) {
      names.addAll(all);
    }
    for (String c : names) {
      ClusterLease l = lease(c);
      if (l.generation() > 0) {
        String assignee = want == null ? null : want.get(c);
        boolean keepForAssignee = assignee != null && assignee.equals(fallbackFor.get(c));
        if (want != null && !replica.equals(assignee) && !keepForAssignee) {
          handOver(
              l,
              want.containsKey(c)
                  ? "handed over to replica " + want.get(c)
                  : "the cluster is no longer configured",
              h);
        } else {
          renew(l, h);
        }
      } else if (want != null && want.containsKey(c) && h != null && h.canRun(c)) {
        boolean mine = replica.equals(want.get(c));
        if (acquire(l, mine ? Duration.ZERO : config.duration(), h) && !mine) {
          // its assignee left it free for a whole lease duration: it cannot run it, so it is
          // not handed back to that replica (only to another, should the assignment change)
          fallbackFor.put(c, want.get(c));
        }
      }
      if (l.generation() == 0) {
        fallbackFor.remove(c);
      }
    }
    if (++ticks % 600 == 1) {
      try {
        records.forgetOld(Duration.ofHours(1), Duration.ofDays(30));
      } catch (RuntimeException e) {
        LOG.debugf("could not forget old replicas: %s", e.getMessage());
      }
    }
  }

  private void renew(ClusterLease l, Holder h) {
    long g = l.generation();
    long askedAt = nanos.getAsLong();
    Optional<Duration> left;
    try {
      left = records.renew(l.cluster(), replica, g, config.duration());
    } catch (RuntimeException e) {
      if (askedAt - l.renewedAtNanos() > config.renewDeadline().toNanos()) {
        stepDown(l, "not renewed within " + config.renewDeadline() + ": " + e.getMessage(), h);
      }
      return;
    }
    if (left.isPresent()) {
      l.extended(left.get(), askedAt);
    } else {
      stepDown(l, "the lease ran out or was taken over", h);
    }
  }

  private boolean acquire(ClusterLease l, Duration freeFor, Holder h) {
    long askedAt = nanos.getAsLong();
    Optional<LeaseRecords.Grant> g;
    try {
      g = records.acquire(l.cluster(), replica, config.duration(), freeFor);
    } catch (RuntimeException e) {
      LOG.debugf("could not take the lease of %s: %s", l.cluster(), e.getMessage());
      return false;
    }
    if (g.isEmpty()) {
      return false;
    }
    l.granted(g.get().generation(), g.get().left(), askedAt);
    LOG.infof(
        "replica %s holds the lease of cluster %s (generation %d)",
        replica, l.cluster(), g.get().generation());
    if (h != null) {
      h.gained(l.cluster(), g.get().generation());
    }
    return true;
  }

  private void stepDown(ClusterLease l, String why, Holder h) {
    long g = l.stepDown();
    if (g == 0) {
      return;
    }
    LOG.warnf(
        "replica %s stepped down from cluster %s (generation %d): %s",
        replica, l.cluster(), g, why);
    if (h != null) {
      h.lost(l.cluster(), g, why);
    }
  }

  private void handOver(ClusterLease l, String why, Holder h) {
    long g = l.stepDown();
    if (g == 0) {
      return;
    }
    if (h != null) {
      h.lost(l.cluster(), g, why);
    }
    boolean released;
    try {
      released = records.release(l.cluster(), replica, g);
    } catch (RuntimeException e) {
      LOG.infof("could not release the lease of %s (it runs out): %s", l.cluster(), e.getMessage());
      return;
    }
    if (released) {
      LOG.infof("replica %s released cluster %s (generation %d): %s", replica, l.cluster(), g, why);
    } else {
      LOG.warnf(
          "replica %s stepped down from cluster %s (generation %d): the lease had run out or been"
              + " taken over",
          replica, l.cluster(), g);
    }
  }

  /** The replicas this one last saw alive, oldest first. */
  public List<String> live() {
    return live;
  }

  /**
   * Graceful stop: every lease is handed over at once (the next replica takes it on its next try),
   * and the replica leaves the list the clusters are shared over.
   */
  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
    Holder h = holder;
    for (ClusterLease l : leases.values()) {
      handOver(l, "replica " + replica + " is stopping", h);
    }
    try {
      records.leave(replica);
    } catch (RuntimeException e) {
      LOG.infof("could not leave the replica list (its row ages out): %s", e.getMessage());
    }
  }
}
