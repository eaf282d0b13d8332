package io.cloudpods.manager;

import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.podset.PodSetReconciler;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ControllerStateStore;
import io.cloudpods.store.PodResyncRow;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.ResourceKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The periodic resync: one fresh cluster snapshot, one query for every pod with its allocation, and
 * every PodSet and pod that has something to look at is enqueued. A pod this process found
 * converged, whose full read is current and which the new snapshot still shows so, is not ({@link
 * ConvergenceCache#needsPass}), so a resync of many converged pods costs one Proxmox request and
 * one query rather than a pass per pod. A key that failed and waits out its backoff is left to its
 * retry (the enqueue predicate answers false), so the resync never shortens a backoff. Proxmox's
 * reachability and the time of the resync are recorded for the status endpoint.
 *
 * <p>Each cluster has its own resync, looking at the pods that live in it and reporting the
 * cluster's orphans; the one of the cluster {@code default} ({@code global}) also looks at PodSets
 * and tenants and writes the controller state.
 */
final class Resync implements Runnable {

  private static final Logger LOG = Logger.getLogger(Resync.class);

  private final ClusterObserver cluster;
  private final CloudPodStore pods;
  private final PodSetStore sets;
  private final ConvergenceCache convergence;
  private final PodSetReconciler setReconciler;
  private final Predicate<ResourceKey> enqueuePod;
  private final Predicate<ResourceKey> enqueueSet;
  private final Supplier<List<String>> deletingTenants;
  private final Predicate<ResourceKey> enqueueTenant;
  private final OrphanReporter orphans;
  private final ControllerStateStore state;
  private final Clock clock;
  private volatile int firstResyncKeys = -1;
  private volatile int lastEnqueued = -1;
  private volatile int lastBackingOff = -1;
  private volatile Instant lastCompleted;
  private volatile ProxmoxContact proxmox;
  private final String clusterName;
  private final boolean global;

  /** The outcome of the last resync's cluster list call. */
  record ProxmoxContact(boolean reachable, String message, Instant at) {}

  Resync(
      ClusterObserver cluster,
      CloudPodStore pods,
      PodSetStore sets,
      ConvergenceCache convergence,
      PodSetReconciler setReconciler,
      Predicate<ResourceKey> enqueuePod,
      Predicate<ResourceKey> enqueueSet,
      Supplier<List<String>> deletingTenants,
      Predicate<ResourceKey> enqueueTenant,
      OrphanReporter orphans,
      ControllerStateStore state,
      Clock clock,
      String clusterName,
      boolean global) {
    this.clusterName = clusterName;
    this.global = global;
    this.cluster = cluster;
    this.pods = pods;
    this.sets = sets;
    this.convergence = convergence;
    this.setReconciler = setReconciler;
    this.enqueuePod = enqueuePod;
    this.enqueueSet = enqueueSet;
    this.deletingTenants = deletingTenants;
    this.enqueueTenant = enqueueTenant;
    this.orphans = orphans;
    this.state = state;
    this.clock = clock;
  }

  /** A resync whose failure is logged (the next one tries again). */
  @Override
  public void run() {
    try {
      runOrThrow();
    } catch (RuntimeException e) {
      LOG.warnf("resync could not list desired state: %s", e.getMessage());
    }
  }

  /**
   * A resync that throws when the desired state could not be listed (the database failed), so that
   * a caller that needs it done, such as the change listener after a reconnect, can try again. An
   * unreachable Proxmox is no failure here: it is recorded, and every pod is looked at.
   */
  void runOrThrow() {
    Instant at = clock.instant();
    boolean refreshed = refresh(at);
    int enqueued = 0;
    int backingOff = 0;
    // a tenant being deleted is looked at on every resync, so a deletion interrupted by a restart
    // (tenant marked, its pods not yet, or its last pod gone but the tenant not removed) finishes
    for (String tenant : global ? deletingTenants.get() : List.<String>of()) {
      if (enqueueTenant.test(ResourceKey.cluster(tenant))) {
        enqueued++;
      } else {
        backingOff++;
      }
    }
    for (io.cloudpods.store.PodSetSource.ResyncRow row :
        global ? sets.resyncRows() : List.<io.cloudpods.store.PodSetSource.ResyncRow>of()) {
      if (setReconciler.needsPass(row)) {
        if (enqueueSet.test(row.key())) {
          enqueued++;
        } else {
          backingOff++;
        }
      }
    }
    List<PodResyncRow> rows =
        pods.resyncRows().stream().filter(r -> clusterName.equals(r.cluster())).toList();
    ClusterSnapshot snap = cluster.current();
    Map<String, Integer> foreign = cluster.foreignAddresses();
    for (PodResyncRow row : rows) {
      if (snap == null || convergence.needsPass(row, snap, foreign, now())) {
        if (enqueuePod.test(row.key())) {
          enqueued++;
        } else {
          backingOff++;
        }
      }
    }
    lastEnqueued = enqueued;
    lastBackingOff = backingOff;
    if (refreshed && orphans != null) {
      try {
        orphans.update(snap, rows, at);
      } catch (RuntimeException e) {
        LOG.warnf("resync could not update the orphan report: %s", e.getMessage());
      }
    }
    if (firstResyncKeys < 0) {
      firstResyncKeys = rows.size();
    }
    lastCompleted = at;
    if (!global) {
      return;
    }
    try {
      state.recordFullResync(at);
    } catch (RuntimeException e) {
      LOG.warnf("resync could not record its time: %s", e.getMessage());
    }
  }

  private boolean refresh(Instant at) {
    boolean reachable;
    String message;
    try {
      cluster.refresh();
      reachable = true;
      message = null;
    } catch (ProxmoxException e) {
      LOG.warnf("Proxmox cluster %s not reachable during resync: %s", clusterName, e.getMessage());
      reachable = false;
      message = e.getMessage();
    }
    proxmox = new ProxmoxContact(reachable, message, at);
    if (!global) {
      return reachable;
    }
    try {
      state.recordProxmoxReachable(reachable, message, at);
    } catch (RuntimeException ignored) {
      // the database may be the problem too; the next resync tries again
    }
    return reachable;
  }

  private Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /** When the last resync of this process that listed the desired state began, or null. */
  Instant lastCompleted() {
    return lastCompleted;
  }

  /** Whether Proxmox answered the last resync's list call, or null before the first resync. */
  ProxmoxContact proxmox() {
    return proxmox;
  }

  /** Pods known at the first resync, or -1 before it. */
  int firstResyncKeys() {
    return firstResyncKeys;
  }

  /**
   * Pods and PodSets the last resync enqueued (the others were converged with nothing to look at).
   */
  int lastEnqueued() {
    return lastEnqueued;
  }

  /** Keys the last resync left alone because they wait out a retry backoff, or -1 before it. */
  int lastBackingOff() {
    return lastBackingOff;
  }
}
