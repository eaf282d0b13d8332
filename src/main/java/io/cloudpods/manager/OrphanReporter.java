package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.cloudpod.observe.ClusterObserver;
import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.cloudpod.observe.OrphanTracker;
import io.cloudpods.events.EventSink;
import io.cloudpods.store.OrphanContainer;
import io.cloudpods.store.OrphanStore;
import io.cloudpods.store.PodResyncRow;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Compares each resync's snapshot with the pods read right after it (so a pod created since cannot
 * look orphaned): new orphans' addresses and memory count as taken at once; the orphans past their
 * grace are stored for {@code GET /api/v1/status} and logged as events when the set changes.
 * Nothing is sent to Proxmox.
 */
final class OrphanReporter {

  private static final Logger LOG = Logger.getLogger(OrphanReporter.class);

  private final String clusterName;
  private final OrphanTracker tracker;
  private final OrphanStore store;
  private final ClusterObserver cluster;
  private final EventSink events;
  private List<OrphanContainer> reported;

  /**
   * @param clusterName the cluster whose snapshots {@code tracker} is given (its orphans carry that
   *     name)
   */
  OrphanReporter(
      String clusterName,
      OrphanTracker tracker,
      OrphanStore store,
      ClusterObserver cluster,
      EventSink events) {
    this.clusterName = clusterName;
    this.tracker = tracker;
    this.store = store;
    this.cluster = cluster;
    this.events = events;
    this.reported = store.all(clusterName);
    tracker.seed(reported);
  }

  synchronized void update(ClusterSnapshot snap, List<PodResyncRow> rows, Instant at) {
    Set<String> stored = new HashSet<>(rows.size() * 2);
    rows.forEach(r -> stored.add(r.uid().toString()));
    OrphanTracker.Result found = tracker.update(snap, stored, at);
    cluster.unstoredOwners(found.candidateOwners(), at);
    if (found.reported().equals(reported)) {
      return;
    }
    store.replaceAll(clusterName, found.reported());
    Set<Integer> before = reported.stream().map(OrphanContainer::vmid).collect(Collectors.toSet());
    Set<Integer> now =
        found.reported().stream().map(OrphanContainer::vmid).collect(Collectors.toSet());
    for (OrphanContainer o : found.reported()) {
      if (!before.contains(o.vmid())) {
        String message =
            "container "
                + o.vmid()
                + " on "
                + o.node()
                + where(o)
                + " carries the CloudPods marker of pod "
                + o.ownerUid()
                + ", which is not stored; it is left untouched (remove it in Proxmox, or restore its pod)";
        LOG.warnf("orphan: %s", message);
        events.record(event("warn", "OrphanFound", message, o));
      }
    }
    for (OrphanContainer o : reported) {
      if (!now.contains(o.vmid())) {
        events.record(
            event(
                "info",
                "OrphanGone",
                "container " + o.vmid() + where(o) + " is no longer an orphan",
                o));
      }
    }
    reported = found.reported();
  }

  /** Nothing for the cluster {@code default} (as before there were others), else its name. */
  private static String where(OrphanContainer o) {
    return io.cloudpods.api.v1alpha1.ProxmoxCluster.DEFAULT.equals(o.cluster())
        ? ""
        : " (cluster " + o.cluster() + ")";
  }

  private static Event event(String level, String reason, String message, OrphanContainer o) {
    return Event.of(
            level,
            reason,
            message,
            "Container",
            o.tenant().orElse(null),
            Integer.toString(o.vmid()))
        .about(o.vmid(), o.name(), null);
  }
}
