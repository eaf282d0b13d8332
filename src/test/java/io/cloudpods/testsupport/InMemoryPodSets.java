package io.cloudpods.testsupport;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import io.cloudpods.api.v1alpha1.PodSetStatus;
import io.cloudpods.api.v1alpha1.PodTemplate;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.Json;
import io.cloudpods.store.PodSetSource;
import io.cloudpods.store.PodSetWriter;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.StoreConflictException;
import io.cloudpods.store.WriteOutcome;
import io.cloudpods.store.Written;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code pod_set} table in memory, with {@code PodSetStore}'s rules: spec defaulted on write
 * and read, generation rising only on spec changes, resourceVersion on every write, and deleting a
 * PodSet marking its pods in the {@link InMemoryOwnedPods} given. Counts status writes.
 */
public final class InMemoryPodSets implements PodSetSource, PodSetWriter {
  private final Defaults defaults;
  private final InMemoryOwnedPods pods;
  private final Clock clock;
  private final Map<ResourceKey, StoredRow> rows =
      new TreeMap<>(Comparator.comparing(ResourceKey::toString));
  private final List<PodSetStatus> statusWrites = new ArrayList<>();

  public InMemoryPodSets(Defaults defaults, InMemoryOwnedPods pods, Clock clock) {
    this.defaults = defaults;
    this.pods = pods;
    this.clock = clock;
  }

  // ---- PodSetSource -------------------------------------------------------------------------

  @Override
  public synchronized Optional<PodSet> get(ResourceKey key) {
    return Optional.ofNullable(rows.get(key)).map(this::toApi);
  }

  /** {@code PodSetStore.withDefaults}. */
  @Override
  public PodSetSpec withDefaults(PodSetSpec spec) {
    PodTemplate t = spec.template();
    CloudPodSpec podSpec = defaults.pod(t == null ? null : t.spec());
    return new PodSetSpec(
        spec.replicas(), new PodTemplate(t == null ? null : t.metadata(), podSpec));
  }

  // ---- PodSetWriter -------------------------------------------------------------------------

  @Override
  public synchronized boolean updateStatus(ResourceKey key, PodSetStatus status) {
    StoredRow row = rows.get(key);
    if (row == null) {
      return false;
    }
    statusWrites.add(status);
    row.writeStatus(status);
    return true;
  }

  @Override
  public synchronized boolean finalizeDeletion(ResourceKey key) {
    StoredRow row = rows.get(key);
    if (row == null || row.deletionTimestamp == null) {
      return false;
    }
    rows.remove(key);
    return true;
  }

  // ---- the rest of PodSetStore that tests need to set the scene -----------------------------

  /** {@code PodSetStore.put}: the API's spec write. */
  public synchronized Written<PodSet> put(PodSet set, String expectedVersion) {
    ResourceKey key = ResourceKey.of(set.metadata().tenant(), set.metadata().name());
    String specJson = Json.write(withDefaults(set.spec()));
    String labelsJson = StoredRow.labelsJson(set.metadata().labels());
    StoredRow existing = rows.get(key);
    if (existing == null) {
      if (expectedVersion != null) {
        throw new StoreConflictException(
            "metadata.resourceVersion",
            key + " does not exist, but resourceVersion " + expectedVersion + " was given");
      }
      StoredRow row = new StoredRow(key, labelsJson, specJson, clock.instant());
      rows.put(key, row);
      return new Written<>(WriteOutcome.created, toApi(row));
    }
    WriteOutcome outcome = existing.update(specJson, labelsJson, expectedVersion);
    return new Written<>(outcome, toApi(existing));
  }

  /** {@code PodSetStore.markDeleted}: marks the PodSet and every pod it owns. */
  public synchronized Optional<PodSet> markDeleted(ResourceKey key) {
    StoredRow row = rows.get(key);
    if (row == null) {
      return Optional.empty();
    }
    row.markDeleted(clock.instant());
    pods.markOwnedDeleted(row.uid);
    return Optional.of(toApi(row));
  }

  /**
   * Marks only the PodSet, as a control plane's {@code UPDATE pod_set SET deletion_timestamp =
   * now()} does: its pods are left to the controller.
   */
  public synchronized void markDeletedBySql(ResourceKey key) {
    rows.get(key).markDeleted(clock.instant());
  }

  /** {@code PodSetStore.resyncRows}. */
  public synchronized List<ResyncRow> resyncRows() {
    return rows.values().stream()
        .map(r -> new ResyncRow(r.key, r.generation, r.deletionTimestamp != null))
        .toList();
  }

  /** The statuses written through {@link #updateStatus}, in order. */
  public synchronized List<PodSetStatus> statusWrites() {
    return List.copyOf(statusWrites);
  }

  /** {@code PodSetStore.toApi}. */
  private PodSet toApi(StoredRow r) {
    return new PodSet(
        ApiVersion.V1ALPHA1,
        "PodSet",
        r.meta(null),
        withDefaults(Json.read(r.spec, PodSetSpec.class)),
        Json.read(r.status, PodSetStatus.class));
  }
}
