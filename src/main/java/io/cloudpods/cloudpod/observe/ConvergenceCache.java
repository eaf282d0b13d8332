package io.cloudpods.cloudpod.observe;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.store.PodResyncRow;
import io.cloudpods.store.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What this process knows of pods it found converged, so that steady pods cost no Proxmox request
 * beyond the resync's list: which pods a full read showed converged (per generation, until a
 * jittered deep-verify time), and which pods' last pass ended converged with nothing left to do.
 * Both are forgotten whenever something may have changed that the cluster list cannot show.
 */
public final class ConvergenceCache {

  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024L * MIB;

  /**
   * A full read showed the container converged for {@code generation} at {@code at}; read again in
   * full after {@code expires}.
   */
  public record Verified(long generation, Instant at, Instant expires) {}

  private record Settled(UUID uid, long generation) {}

  private final Map<ResourceKey, Verified> verified = new ConcurrentHashMap<>();
  private final Map<ResourceKey, Settled> settled = new ConcurrentHashMap<>();
  private final Duration deepVerifyInterval;

  /**
   * @param deepVerifyInterval a converged pod is read in full again after half to all of this
   */
  public ConvergenceCache(Duration deepVerifyInterval) {
    this.deepVerifyInterval = deepVerifyInterval;
  }

  /** The full read that showed the pod converged at {@code generation}, if still current. */
  public Optional<Verified> current(ResourceKey key, long generation, Instant now) {
    Verified v = verified.get(key);
    return v != null && v.generation() == generation && now.isBefore(v.expires())
        ? Optional.of(v)
        : Optional.empty();
  }

  /** Whether any full read of the pod is remembered (its container existed then). */
  public boolean everVerified(ResourceKey key) {
    return verified.containsKey(key);
  }

  /**
   * A full read at {@code at} showed the pod converged; it is trusted until a time between half and
   * all of the deep-verify interval later, so pods verified together spread out.
   */
  public void verified(ResourceKey key, long generation, Instant at) {
    long interval = deepVerifyInterval.toMillis();
    long jittered = interval / 2 + ThreadLocalRandom.current().nextLong(interval / 2 + 1);
    verified.put(key, new Verified(generation, at, at.plusMillis(jittered)));
  }

  /** The next pass reads the container in full (it was changed, or something failed). */
  public void unverify(ResourceKey key) {
    verified.remove(key);
  }

  /** The pod's last pass ended converged with nothing left to do. */
  public void settled(ResourceKey key, UUID uid, long generation) {
    settled.put(key, new Settled(uid, generation));
  }

  /** A pass of the pod has started; it is settled again only if it ends so. */
  public void unsettle(ResourceKey key) {
    settled.remove(key);
  }

  /**
   * Forgets what a full read showed, so the next pass reads again (after a wake-up by SQL, say).
   */
  public void invalidate(ResourceKey key) {
    settled.remove(key);
    verified.remove(key);
  }

  /**
   * Forgets every full read (an address pool or tenant changed, which the cluster list cannot
   * show).
   */
  public void invalidateAll() {
    settled.clear();
    verified.clear();
  }

  /**
   * Whether the periodic resync must run a pass for this pod. A pod whose last pass ended
   * converged, whose full read is still current and which the new cluster list still shows as
   * converged has nothing to do; running the pass would only read PostgreSQL twice to find that
   * out. Everything else (new generation, deletion, task in flight, never settled by this process,
   * a failure since, deep verify due, an address conflict, a list that differs) gets its pass.
   */
  public boolean needsPass(
      PodResyncRow row, ClusterSnapshot snap, Map<String, Integer> foreignAddresses, Instant now) {
    if (row.deleting()
        || row.taskUpid() != null
        || row.vmid() == null
        || row.node() == null
        || row.ip() == null) {
      return true;
    }
    Settled s = settled.get(row.key());
    Verified v = verified.get(row.key());
    if (s == null
        || !s.uid().equals(row.uid())
        || s.generation() != row.generation()
        || v == null
        || v.generation() != row.generation()
        || !now.isBefore(v.expires())) {
      return true;
    }
    Integer holder = foreignAddresses.get(row.ip());
    if (holder != null && !holder.equals(row.vmid())) {
      return true;
    }
    if (!snap.takenAt().isAfter(v.at())) {
      return false; // nothing newer to look at than the full read
    }
    Optional<Guest> g = snap.guest(row.vmid());
    return g.isEmpty()
        || !looksConverged(
            row.spec(),
            row.key(),
            row.uid().toString(),
            Optional.ofNullable(row.ownerName()),
            g.get());
  }

  /**
   * What the cluster list shows of the container matches the spec (the list cannot show net0 and
   * the like).
   */
  public static boolean looksConverged(
      CloudPodSpec spec, ResourceKey key, String uid, Optional<String> podSet, Guest g) {
    boolean wantRunning = !"stopped".equalsIgnoreCase(spec.powerState());
    return g.lock().isEmpty()
        && !g.template()
        && (wantRunning ? g.status() == PowerState.RUNNING : g.status() == PowerState.STOPPED)
        && g.maxCpu() == spec.cores()
        && g.maxMem() == spec.memoryMb() * MIB
        && (g.maxDisk() == 0 || g.maxDisk() == (long) spec.diskGb() * GIB)
        && g.name().map(n -> n.equals(key.name())).orElse(true)
        && Set.copyOf(g.tags()).equals(Ownership.tagsFor(uid, key.tenant(), podSet));
  }
}
