package io.cloudpods.podset;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.api.v1alpha1.PodSetConditions;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import io.cloudpods.api.v1alpha1.PodSetStatus;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.events.EventSink;
import io.cloudpods.store.OwnedPods;
import io.cloudpods.store.OwnedPods.OwnedPod;
import io.cloudpods.store.PodSetSource;
import io.cloudpods.store.PodSetWriter;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.StoreConflictException;
import io.cloudpods.store.WriteOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a PodSet's pods {@code <name>-0 … <name>-(N-1)} in the store: creates missing ordinals,
 * writes the template's spec onto existing ones (each pod's own reconcile then rolls the change to
 * its container), marks ordinals {@code >= N} for deletion (the highest ordinals go first by
 * construction), and reports {@code replicas}/{@code readyReplicas}. Deleting a PodSet deletes its
 * pods; the PodSet disappears when the last one is gone.
 */
public final class PodSetReconciler implements Reconciler<ResourceKey> {

  private static final String KIND = "PodSet";

  private final PodSetSource sets;
  private final PodSetWriter setWriter;
  private final OwnedPods pods;
  private final EventSink events;
  private final Duration recheck;
  private final Clock clock;

  public PodSetReconciler(
      PodSetSource sets,
      PodSetWriter setWriter,
      OwnedPods pods,
      EventSink events,
      Duration recheck,
      Clock clock) {
    this(sets, setWriter, pods, events, recheck, clock, region -> List.of());
  }

  /**
   * @param zones the zone names of a region's cluster, sorted (for {@code spread: zone})
   */
  public PodSetReconciler(
      PodSetSource sets,
      PodSetWriter setWriter,
      OwnedPods pods,
      EventSink events,
      Duration recheck,
      Clock clock,
      java.util.function.Function<String, List<String>> zones) {
    this.zones = zones;
    this.sets = sets;
    this.setWriter = setWriter;
    this.pods = pods;
    this.events = events;
    this.recheck = recheck;
    this.clock = clock;
  }

  private final java.util.function.Function<String, List<String>> zones;

  /** PodSets whose last pass found every pod ready, by generation. */
  private final Map<ResourceKey, Long> settled = new ConcurrentHashMap<>();

  /**
   * Whether the periodic resync must run a pass: not when the last pass found all pods ready at
   * this generation and nothing woke it since (spec changes, pod changes and pods' readiness
   * changes do, see {@link #invalidate}).
   */
  public boolean needsPass(PodSetSource.ResyncRow row) {
    Long g = settled.get(row.key());
    return row.deleting() || g == null || g != row.generation();
  }

  /** Every PodSet's next resync runs a pass (another replica ran them meanwhile). */
  public void invalidateAll() {
    settled.clear();
  }

  /** Something the PodSet depends on changed: its next resync runs a pass. */
  public void invalidate(ResourceKey key) {
    settled.remove(key);
  }

  @Override
  public ReconcileResult reconcile(ResourceKey key) {
    settled.remove(key);
    Optional<PodSet> found = sets.get(key);
    if (found.isEmpty()) {
      reported.remove(key);
      return ReconcileResult.done();
    }
    PodSet set = found.get();
    UUID uid = UUID.fromString(set.metadata().uid());
    long generation = set.metadata().generation() == null ? 1 : set.metadata().generation();
    List<OwnedPod> owned = pods.ownedSummary(uid);

    if (set.metadata().deletionTimestamp() != null) {
      synced.remove(key);
      for (OwnedPod pod : owned) {
        if (!pod.deleting()) {
          pods.markDeleted(ResourceKey.of(key.tenant(), pod.name()));
        }
      }
      if (owned.isEmpty()) {
        setWriter.finalizeDeletion(key);
        events.record(
            Event.info(
                "Deleted", "PodSet deleted with all its pods", KIND, key.tenant(), key.name()));
        return ReconcileResult.done();
      }
      reported.remove(key);
      writeStatus(
          key,
          set,
          0,
          0,
          generation,
          PodSetConditions.DELETING,
          owned.size() + " pod(s) still being removed");
      return ReconcileResult.requeueAfter(recheck);
    }

    PodSetSpec spec = sets.withDefaults(set.spec());
    int replicas = spec.replicas() == null ? 1 : spec.replicas();
    Map<String, String> labels =
        spec.template() != null
                && spec.template().metadata() != null
                && spec.template().metadata().labels() != null
            ? spec.template().metadata().labels()
            : Map.of();
    int created = 0;
    int updated = 0;
    List<String> conflicts = new ArrayList<>();
    Map<String, OwnedPod> byName = new HashMap<>();
    owned.forEach(p -> byName.put(p.name(), p));
    Synced want = new Synced(generation, owned.stream().mapToLong(OwnedPod::generation).sum());
    boolean allPresent = true;
    for (int i = 0; i < replicas; i++) {
      OwnedPod p = byName.get(key.name() + "-" + i);
      allPresent &= p != null && !p.deleting();
    }
    // writing every pod's spec again is needed only when the PodSet's spec, or a pod, changed
    if (!allPresent || !want.equals(synced.get(key))) {
      for (int i = 0; i < replicas; i++) {
        OwnedPod existing = byName.get(key.name() + "-" + i);
        if (existing != null && existing.deleting()) {
          continue; // recreated once its deletion has finished
        }
        WriteOutcome outcome;
        try {
          outcome = pods.upsertOwned(key, uid, i, podSpec(spec, i), labels).outcome();
        } catch (StoreConflictException e) {
          if (existing != null) {
            throw e; // our own pod changed under us: the next pass looks again
          }
          conflicts.add(key.name() + "-" + i); // a pod of that name that is not ours
          continue;
        }
        if (outcome == WriteOutcome.created) {
          created++;
        } else if (outcome == WriteOutcome.configured) {
          updated++;
        }
      }
    }
    List<OwnedPod> surplus =
        owned.stream()
            .filter(p -> ordinal(p.name(), key.name()) >= replicas && !p.deleting())
            .sorted(
                Comparator.comparingInt((OwnedPod p) -> ordinal(p.name(), key.name())).reversed())
            .toList();
    for (OwnedPod pod : surplus) {
      pods.markDeleted(ResourceKey.of(key.tenant(), pod.name()));
    }
    if (created + updated + surplus.size() > 0) {
      events.record(
          Event.info(
              "Scaled",
              "replicas "
                  + replicas
                  + ": "
                  + created
                  + " created, "
                  + updated
                  + " updated, "
                  + surplus.size()
                  + " removed",
              KIND,
              key.tenant(),
              key.name()));
      owned = pods.ownedSummary(uid);
    }
    reportConflicts(key, conflicts);
    synced.put(key, new Synced(generation, owned.stream().mapToLong(OwnedPod::generation).sum()));
    List<OwnedPod> current =
        owned.stream()
            .filter(p -> ordinal(p.name(), key.name()) < replicas && !p.deleting())
            .toList();
    int ready = (int) current.stream().filter(OwnedPod::ready).count();
    boolean allReady = ready == replicas && owned.size() == replicas;
    String progress =
        ready
            + "/"
            + replicas
            + " pods ready"
            + (owned.size() > replicas ? ", " + (owned.size() - replicas) + " being removed" : "");
    writeStatus(
        key,
        set,
        current.size(),
        ready,
        generation,
        !conflicts.isEmpty()
            ? PodSetConditions.POD_NAME_CONFLICT
            : allReady ? CloudPodConditions.CONVERGED : PodSetConditions.SCALING,
        conflicts.isEmpty() ? progress : conflictText(conflicts) + "; " + progress);
    if (allReady) {
      settled.put(key, generation);
      return ReconcileResult.done();
    }
    // no polling: a pod whose readiness changes wakes its PodSet, and the resync looks at every
    // PodSet that is not settled
    return ReconcileResult.done();
  }

  /**
   * The pods of the set's names that it does not own, as last reported in an event: a conflict is
   * reported once, not on every pass.
   */
  private final Map<ResourceKey, List<String>> reported = new ConcurrentHashMap<>();

  private void reportConflicts(ResourceKey key, List<String> conflicts) {
    if (conflicts.isEmpty()) {
      reported.remove(key);
      return;
    }
    if (conflicts.equals(reported.put(key, List.copyOf(conflicts)))) {
      return;
    }
    events.record(
        Event.of(
            Event.WARN,
            PodSetConditions.POD_NAME_CONFLICT,
            conflictText(conflicts)
                + ": left alone and not created; delete or rename "
                + (conflicts.size() == 1 ? "it" : "them")
                + ", or rename the PodSet",
            KIND,
            key.tenant(),
            key.name()));
  }

  private static String conflictText(List<String> conflicts) {
    return conflicts.size() == 1
        ? "pod " + conflicts.get(0) + " exists and is not owned by this PodSet"
        : "pods " + String.join(", ", conflicts) + " exist and are not owned by this PodSet";
  }

  /** The PodSet generation and the sum of its pods' generations when its pods were last written. */
  private record Synced(long generation, long podGenerations) {}

  private final Map<ResourceKey, Synced> synced = new ConcurrentHashMap<>();

  private void writeStatus(
      ResourceKey key,
      PodSet set,
      int current,
      int ready,
      long generation,
      String reason,
      String message) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<Condition> before = set.status() == null ? null : set.status().conditions();
    boolean ok = CloudPodConditions.CONVERGED.equals(reason);
    List<Condition> conditions =
        Conditions.set(
            before,
            CloudPodConditions.READY,
            ok ? Conditions.TRUE : Conditions.FALSE,
            reason,
            ok ? "" : message,
            generation,
            now);
    PodSetStatus status = new PodSetStatus(current, ready, generation, conditions);
    if (!status.equals(set.status())) {
      setWriter.updateStatus(key, status);
    }
  }

  static int ordinal(String name, String setName) {
    String prefix = setName + "-";
    if (!name.startsWith(prefix)) {
      return Integer.MAX_VALUE;
    }
    try {
      return Integer.parseInt(name.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** Pod {@code i}'s spec: the template's, in the {@code i mod n}-th zone when spread. */
  private CloudPodSpec podSpec(PodSetSpec spec, int i) {
    CloudPodSpec template = spec.template().spec();
    if (!spec.spreadsOverZones()) {
      return template;
    }
    List<String> names = zones.apply(template.region());
    return names.isEmpty() ? template : template.withZone(names.get(i % names.size()));
  }
}
