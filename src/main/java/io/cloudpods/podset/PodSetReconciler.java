package io.cloudpods.podset;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import io.cloudpods.api.v1alpha1.PodSetStatus;
import io.cloudpods.cloudpod.CloudPodConditions;
import io.cloudpods.cloudpod.Conditions;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.events.EventRecorder;
import io.cloudpods.events.PodEvent;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.WriteOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a PodSet's pods {@code <name>-0 … <name>-(N-1)} in the store: creates missing ordinals,
 * writes the template's spec onto existing ones (each pod's own reconcile then rolls the change
 * to its container), marks ordinals {@code >= N} for deletion (the highest ordinals go first by
 * construction), and reports {@code replicas}/{@code readyReplicas}. Deleting a PodSet deletes
 * its pods; the PodSet disappears when the last one is gone.
 */
public final class PodSetReconciler implements Reconciler<ResourceKey> {

  private static final String KIND = "PodSet";

  private final PodSetStore sets;
  private final CloudPodStore pods;
  private final EventRecorder events;
  private final Duration recheck;
  private final Clock clock;

  public PodSetReconciler(PodSetStore sets, CloudPodStore pods, EventRecorder events, Duration recheck, Clock clock) {
    this.sets = sets;
    this.pods = pods;
    this.events = events;
    this.recheck = recheck;
    this.clock = clock;
  }

  /** PodSets whose last pass found every pod ready, by generation. */
  private final Map<ResourceKey, Long> settled = new ConcurrentHashMap<>();

  /**
   * Whether the periodic resync must run a pass: not when the last pass found all pods ready at
   * this generation and nothing woke it since (spec changes, pod changes and pods' readiness
   * changes do, see {@link #invalidate}).
   */
  public boolean needsPass(PodSetStore.ResyncRow row) {
    Long g = settled.get(row.key());
    return row.deleting() || g == null || g != row.generation();
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
      return ReconcileResult.done();
    }
    PodSet set = found.get();
    UUID uid = UUID.fromString(set.metadata().uid());
    long generation = set.metadata().generation() == null ? 1 : set.metadata().generation();
    List<CloudPod> owned = new ArrayList<>(pods.listOwned(uid));

    if (set.metadata().deletionTimestamp() != null) {
      for (CloudPod pod : owned) {
        if (pod.metadata().deletionTimestamp() == null) {
          pods.markDeleted(ResourceKey.of(key.tenant(), pod.metadata().name()));
        }
      }
      if (owned.isEmpty()) {
        sets.finalizeDeletion(key);
        events.record(PodEvent.info("Deleted", "PodSet deleted with all its pods", KIND, key.tenant(), key.name()));
        return ReconcileResult.done();
      }
      writeStatus(key, set, owned, 0, generation, "Deleting", owned.size() + " pod(s) still being removed");
      return ReconcileResult.requeueAfter(recheck);
    }

    PodSetSpec spec = sets.withDefaults(set.spec());
    int replicas = spec.replicas() == null ? 1 : spec.replicas();
    Map<String, String> labels =
        spec.template() != null && spec.template().metadata() != null && spec.template().metadata().labels() != null
            ? spec.template().metadata().labels()
            : Map.of();
    int created = 0;
    int updated = 0;
    for (int i = 0; i < replicas; i++) {
      String name = key.name() + "-" + i;
      Optional<CloudPod> existing = owned.stream().filter(p -> p.metadata().name().equals(name)).findFirst();
      if (existing.isPresent() && existing.get().metadata().deletionTimestamp() != null) {
        continue; // recreated once its deletion has finished
      }
      WriteOutcome outcome = pods.upsertOwned(key, uid, i, spec.template().spec(), labels).outcome();
      if (outcome == WriteOutcome.created) {
        created++;
      } else if (outcome == WriteOutcome.configured) {
        updated++;
      }
    }
    List<CloudPod> surplus =
        owned.stream()
            .filter(p -> ordinal(p, key.name()) >= replicas && p.metadata().deletionTimestamp() == null)
            .sorted(Comparator.comparingInt((CloudPod p) -> ordinal(p, key.name())).reversed())
            .toList();
    for (CloudPod pod : surplus) {
      pods.markDeleted(ResourceKey.of(key.tenant(), pod.metadata().name()));
    }
    if (created + updated + surplus.size() > 0) {
      events.record(
          PodEvent.info(
              "Scaled",
              "replicas " + replicas + ": " + created + " created, " + updated + " updated, " + surplus.size() + " removed",
              KIND,
              key.tenant(),
              key.name()));
      owned = new ArrayList<>(pods.listOwned(uid));
    }
    List<CloudPod> current =
        owned.stream().filter(p -> ordinal(p, key.name()) < replicas && p.metadata().deletionTimestamp() == null).toList();
    int ready =
        (int)
            current.stream()
                .filter(p -> p.status() != null && Conditions.isTrue(p.status().conditions(), CloudPodConditions.READY))
                .filter(p -> p.status().observedGeneration() != null && Objects.equals(p.status().observedGeneration(), p.metadata().generation()))
                .count();
    boolean allReady = ready == replicas && owned.size() == replicas;
    writeStatus(
        key,
        set,
        current,
        ready,
        generation,
        allReady ? CloudPodConditions.CONVERGED : "Scaling",
        ready + "/" + replicas + " pods ready" + (owned.size() > replicas ? ", " + (owned.size() - replicas) + " being removed" : ""));
    if (allReady) {
      settled.put(key, generation);
      return ReconcileResult.done();
    }
    return ReconcileResult.requeueAfter(recheck);
  }

  private void writeStatus(
      ResourceKey key, PodSet set, List<CloudPod> current, int ready, long generation, String reason, String message) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<Condition> before = set.status() == null ? null : set.status().conditions();
    boolean ok = CloudPodConditions.CONVERGED.equals(reason);
    List<Condition> conditions =
        Conditions.set(before, CloudPodConditions.READY, ok ? Conditions.TRUE : Conditions.FALSE, reason, ok ? "" : message, generation, now);
    PodSetStatus status = new PodSetStatus(current.size(), ready, generation, conditions);
    if (!status.equals(set.status())) {
      sets.updateStatus(key, status);
    }
  }

  static int ordinal(CloudPod pod, String setName) {
    String name = pod.metadata().name();
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
}
