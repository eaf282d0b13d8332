package io.cloudpods.cloudpod.observe;

import io.cloudpods.cloudpod.plan.NetConfig;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.ClusterResource.GuestType;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Keeps the controller's view of the cluster: the latest {@link ClusterSnapshot} (one {@code
 * /cluster/resources} call per refresh) and the addresses configured on containers the database
 * does not account for (read once per container and again after {@code foreignConfigTtl}), which
 * IPAM must never hand out. Those are containers without our marker and orphans: containers with
 * our marker for a pod that is no longer stored ({@link OrphanTracker}).
 */
public final class ClusterObserver {

  private static final Logger LOG = Logger.getLogger(ClusterObserver.class);

  private final ProxmoxClient client;
  private final Clock clock;
  private final Duration foreignConfigTtl;
  private final AtomicReference<ClusterSnapshot> snapshot =
      new AtomicReference<>(ClusterSnapshot.empty());
  private final Map<Integer, ForeignConfig> foreign = new ConcurrentHashMap<>();
  private volatile Set<String> unstoredOwners = Set.of();

  /** Owners found unstored between resyncs ({@link #foundUnstored}), with when. */
  private final Map<String, Instant> foundBetweenResyncs = new HashMap<>();

  private final Object ownersLock = new Object();
  private volatile boolean reachable;
  private volatile String lastError = "not checked yet";

  private record ForeignConfig(String node, Set<String> ips, Instant readAt) {}

  public ClusterObserver(ProxmoxClient client, Clock clock, Duration foreignConfigTtl) {
    this.client = client;
    this.clock = clock;
    this.foreignConfigTtl = foreignConfigTtl;
  }

  /** Takes a new snapshot. Throws when Proxmox cannot be reached (and remembers that). */
  public ClusterSnapshot refresh() {
    try {
      ClusterSnapshot s = ClusterSnapshot.of(clock.instant(), client.clusterResources());
      snapshot.set(s);
      reachable = true;
      lastError = null;
      refreshForeign(s, foreignConfigTtl);
      return s;
    } catch (ProxmoxException e) {
      reachable = false;
      lastError = e.getMessage();
      throw e;
    }
  }

  /** The latest snapshot; taken now if none is younger than {@code maxAge}. */
  public ClusterSnapshot snapshot(Duration maxAge) {
    ClusterSnapshot s = snapshot.get();
    if (Duration.between(s.takenAt(), clock.instant()).compareTo(maxAge) > 0) {
      return refresh();
    }
    return s;
  }

  public ClusterSnapshot current() {
    return snapshot.get();
  }

  public boolean reachable() {
    return reachable;
  }

  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * Like {@link #foreignAddresses()}, after reading again every config older than {@code maxAge}
   * (used before handing out an address, so a foreign container edited by hand is seen).
   */
  public Map<String, Integer> foreignAddresses(Duration maxAge) {
    refreshForeign(snapshot.get(), maxAge);
    return foreignAddresses();
  }

  /**
   * True when the database accounts for this guest's address and memory: it carries our marker for
   * a pod that is stored. Everything else (foreign guests, orphans) is counted from Proxmox.
   */
  public boolean accountedFor(Guest g) {
    List<String> tags = g.tags();
    return Ownership.managed(tags)
        && !unstoredOwners.contains(Ownership.ownerUid(tags).orElseThrow());
  }

  /**
   * The owner uids of marker containers whose pod is not stored, as a resync found them comparing
   * the snapshot taken at {@code asOf} with the pods read after it. Owners {@link #foundUnstored}
   * since {@code asOf} are kept: that resync could not have seen them. A new orphan's config is
   * read at once, so its address is protected from the next allocation.
   */
  public void unstoredOwners(Set<String> owners, Instant asOf) {
    boolean changed;
    synchronized (ownersLock) {
      foundBetweenResyncs.values().removeIf(at -> at.isBefore(asOf));
      Set<String> all = new HashSet<>(owners);
      all.addAll(foundBetweenResyncs.keySet());
      changed = !all.equals(unstoredOwners);
      unstoredOwners = Set.copyOf(all);
    }
    if (changed) {
      refreshForeign(snapshot.get(), foreignConfigTtl);
    }
  }

  /**
   * Owners of marker containers found unstored between resyncs (by the reserve step, which asks the
   * database before it hands out an address): they count as unstored from now on, until a resync
   * that started later says otherwise, and their containers' configs are read at once.
   */
  public void foundUnstored(Set<String> owners) {
    if (owners.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    boolean changed;
    synchronized (ownersLock) {
      owners.forEach(o -> foundBetweenResyncs.put(o, now));
      changed = !unstoredOwners.containsAll(owners);
      if (changed) {
        Set<String> all = new HashSet<>(unstoredOwners);
        all.addAll(owners);
        unstoredOwners = Set.copyOf(all);
      }
    }
    if (changed) {
      refreshForeign(snapshot.get(), foreignConfigTtl);
    }
  }

  /**
   * Addresses configured on containers the database does not account for, with the VMID holding
   * each.
   */
  public Map<String, Integer> foreignAddresses() {
    Map<String, Integer> out = new HashMap<>();
    foreign.forEach((vmid, c) -> c.ips().forEach(ip -> out.put(ip, vmid)));
    return out;
  }

  private void refreshForeign(ClusterSnapshot s, Duration maxAge) {
    Instant now = clock.instant();
    Set<Integer> seen = new HashSet<>();
    for (Guest g : s.guests().values()) {
      if (g.type() != GuestType.LXC || accountedFor(g)) {
        continue;
      }
      seen.add(g.vmid());
      ForeignConfig known = foreign.get(g.vmid());
      if (known != null
          && known.node().equals(g.node())
          && Duration.between(known.readAt(), now).compareTo(maxAge) < 0) {
        continue;
      }
      try {
        LxcConfig c = client.getConfig(g.node(), g.vmid());
        Set<String> ips = new HashSet<>();
        c.nets().values().forEach(n -> NetConfig.ipv4(n).ifPresent(ips::add));
        // a config read while the guest is locked (being created or cloned) is read again next time
        Instant readAt = c.lock().isPresent() ? Instant.EPOCH : now;
        foreign.put(g.vmid(), new ForeignConfig(g.node(), Set.copyOf(ips), readAt));
      } catch (ProxmoxNotFoundException e) {
        foreign.remove(g.vmid());
      } catch (ProxmoxException e) {
        LOG.debugf("could not read config of guest %d: %s", g.vmid(), e.getMessage());
      }
    }
    foreign.keySet().retainAll(seen);
  }
}
