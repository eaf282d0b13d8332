package io.cloudpods.cloudpod.observe;

import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.ClusterResource.GuestType;
import io.cloudpods.store.OrphanContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds orphans: containers that carry our marker for a pod the database no longer stores (rows
 * deleted by hand, a database restored from an older backup, another installation on the same
 * cluster). They are reported, never touched: the marker says we made them, not that nobody wants
 * them.
 *
 * <p>A container becomes a candidate as soon as a snapshot shows it without a stored owner; it is
 * reported once it has stayed so for {@code grace}, which covers the moment after a deletion when
 * the lagging cluster list still shows a container that is already gone. Pure: the caller passes
 * the snapshot, the stored pod uids (read after the snapshot was taken) and the time.
 */
public final class OrphanTracker {

  /** The result of one update: every candidate's owner uid, and the orphans past their grace. */
  public record Result(Set<String> candidateOwners, List<OrphanContainer> reported) {}

  private record Key(int vmid, String ownerUid) {}

  private final String cluster;
  private final Duration grace;
  private final Map<Key, Instant> firstSeen = new HashMap<>();

  /** A tracker for the cluster {@code default}. */
  public OrphanTracker(Duration grace) {
    this(io.cloudpods.api.v1alpha1.ProxmoxCluster.DEFAULT, grace);
  }

  /** A tracker for the snapshots of one cluster; the orphans it reports carry its name. */
  public OrphanTracker(String cluster, Duration grace) {
    this.cluster = cluster;
    this.grace = grace;
  }

  /** Remembers orphans an earlier process reported, so they stay reported across a restart. */
  public synchronized void seed(Collection<OrphanContainer> known) {
    for (OrphanContainer o : known) {
      firstSeen.merge(new Key(o.vmid(), o.ownerUid()), o.since(), (a, b) -> a.isBefore(b) ? a : b);
    }
  }

  /**
   * Compares a snapshot with the stored pods. Candidates no longer seen are forgotten; candidates
   * seen for at least the grace period are reported, ordered by VMID.
   */
  public synchronized Result update(ClusterSnapshot snap, Set<String> storedUids, Instant now) {
    Set<Key> seen = new HashSet<>();
    Set<String> owners = new HashSet<>();
    List<OrphanContainer> reported = new ArrayList<>();
    for (Guest g : snap.guests().values()) {
      if (g.type() != GuestType.LXC) {
        continue;
      }
      List<String> tags = g.tags();
      if (!Ownership.managed(tags)) {
        continue;
      }
      String owner = Ownership.ownerUid(tags).orElseThrow();
      if (storedUids.contains(owner)) {
        continue;
      }
      Key key = new Key(g.vmid(), owner);
      seen.add(key);
      owners.add(owner);
      Instant since = firstSeen.computeIfAbsent(key, k -> now);
      if (Duration.between(since, now).compareTo(grace) >= 0) {
        reported.add(
            new OrphanContainer(
                cluster,
                g.vmid(),
                g.node(),
                g.name().orElse(""),
                owner,
                g.status().name().toLowerCase(java.util.Locale.ROOT),
                g.tags().stream().sorted().toList(),
                since));
      }
    }
    firstSeen.keySet().retainAll(seen);
    reported.sort(Comparator.comparingInt(OrphanContainer::vmid));
    return new Result(Set.copyOf(owners), List.copyOf(reported));
  }
}
