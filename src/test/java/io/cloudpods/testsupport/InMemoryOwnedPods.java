package io.cloudpods.testsupport;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.OwnerReference;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.Json;
import io.cloudpods.store.OwnedPods;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.StoreConflictException;
import io.cloudpods.store.WriteOutcome;
import io.cloudpods.store.Written;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The {@code cloud_pod} table in memory, with {@code CloudPodStore}'s rules: owned and standalone
 * pods alike, spec defaulted on write and read, generation rising only on spec changes, a deletion
 * mark set once, a pod marked for deletion refusing spec writes, and {@code ready} in the summary
 * meaning Ready=True with {@code status.observedGeneration} at the pod's generation. Also records
 * the PodSet-facing writes it was asked for, in order.
 */
public final class InMemoryOwnedPods implements OwnedPods {
  private final Defaults defaults;
  private final Clock clock;
  private final Map<ResourceKey, StoredRow> rows =
      new TreeMap<>(Comparator.comparing(ResourceKey::toString));
  private final List<ResourceKey> upserts = new ArrayList<>();
  private final List<ResourceKey> deletionMarks = new ArrayList<>();

  public InMemoryOwnedPods(Defaults defaults, Clock clock) {
    this.defaults = defaults;
    this.clock = clock;
  }

  // ---- OwnedPods ----------------------------------------------------------------------------

  @Override
  public synchronized List<OwnedPod> ownedSummary(UUID podSetUid) {
    return rows.values().stream()
        .filter(r -> podSetUid.equals(r.ownerUid))
        .sorted(Comparator.comparing((StoredRow r) -> r.key.name()))
        .map(r -> new OwnedPod(r.key.name(), r.deletionTimestamp != null, r.generation, ready(r)))
        .toList();
  }

  @Override
  public synchronized Written<CloudPod> upsertOwned(
      ResourceKey podSet,
      UUID podSetUid,
      int ordinal,
      CloudPodSpec spec,
      Map<String, String> labels) {
    ResourceKey key = ResourceKey.of(podSet.tenant(), podSet.name() + "-" + ordinal);
    upserts.add(key);
    StoredRow existing = rows.get(key);
    if (existing != null && !podSetUid.equals(existing.ownerUid)) {
      throw new StoreConflictException(
          "metadata.name", key + " exists and is not owned by PodSet " + podSet);
    }
    CloudPodSpec owned = defaults.pod(spec).withIpAndVmid(null, null);
    if (existing == null) {
      StoredRow row =
          new StoredRow(key, StoredRow.labelsJson(labels), Json.write(owned), clock.instant());
      row.ownerKind = Kind.PodSet.name();
      row.ownerName = podSet.name();
      row.ownerUid = podSetUid;
      rows.put(key, row);
      return new Written<>(WriteOutcome.created, toApi(row));
    }
    WriteOutcome outcome = existing.update(Json.write(owned), StoredRow.labelsJson(labels), null);
    return new Written<>(outcome, toApi(existing));
  }

  @Override
  public synchronized Optional<CloudPod> markDeleted(ResourceKey key) {
    deletionMarks.add(key);
    StoredRow row = rows.get(key);
    if (row == null) {
      return Optional.empty();
    }
    row.markDeleted(clock.instant());
    return Optional.of(toApi(row));
  }

  // ---- the rest of CloudPodStore that tests need to set the scene ---------------------------

  /** {@code CloudPodStore.put}: the API's write of a standalone pod (spec already defaulted). */
  public synchronized Written<CloudPod> put(CloudPod pod, String expectedVersion) {
    ResourceKey key = ResourceKey.of(pod.metadata().tenant(), pod.metadata().name());
    String specJson = Json.write(pod.spec());
    String labelsJson = StoredRow.labelsJson(pod.metadata().labels());
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

  /** {@code CloudPodStore.updateStatus}: what the pod's own reconcile writes. */
  public synchronized boolean updateStatus(ResourceKey key, CloudPodStatus status) {
    StoredRow row = rows.get(key);
    if (row == null) {
      return false;
    }
    row.writeStatus(status);
    return true;
  }

  /** {@code CloudPodStore.finalizeDeletion}: the pod's container is gone. */
  public synchronized boolean finalizeDeletion(ResourceKey key) {
    StoredRow row = rows.get(key);
    if (row == null || row.deletionTimestamp == null) {
      return false;
    }
    rows.remove(key);
    return true;
  }

  /** {@code CloudPodStore.markOwnedDeleted}: every unmarked pod of the PodSet, at once. */
  public synchronized int markOwnedDeleted(UUID podSetUid) {
    Instant now = clock.instant();
    int n = 0;
    for (StoredRow row : rows.values()) {
      if (podSetUid.equals(row.ownerUid) && row.deletionTimestamp == null) {
        row.markDeleted(now);
        n++;
      }
    }
    return n;
  }

  public synchronized Optional<CloudPod> get(ResourceKey key) {
    return Optional.ofNullable(rows.get(key)).map(this::toApi);
  }

  /** {@code CloudPodStore.listOwned}: the PodSet's pods, by name. */
  public synchronized List<CloudPod> listOwned(UUID podSetUid) {
    return rows.values().stream()
        .filter(r -> podSetUid.equals(r.ownerUid))
        .sorted(Comparator.comparing((StoredRow r) -> r.key.name()))
        .map(this::toApi)
        .toList();
  }

  /** Every pod, by tenant and name. */
  public synchronized List<CloudPod> list() {
    return rows.values().stream().map(this::toApi).toList();
  }

  // ---- what was asked -----------------------------------------------------------------------

  /** The pods {@link #upsertOwned} was called for, in order (conflicting calls included). */
  public synchronized List<ResourceKey> upserts() {
    return List.copyOf(upserts);
  }

  /** The pods {@link #markDeleted} was called for, in order. */
  public synchronized List<ResourceKey> deletionMarks() {
    return List.copyOf(deletionMarks);
  }

  public synchronized void clearCalls() {
    upserts.clear();
    deletionMarks.clear();
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * {@code CloudPodStore}'s summary query: Ready=True among the conditions, observed at the pod's
   * generation.
   */
  private static boolean ready(StoredRow r) {
    CloudPodStatus status = Json.read(r.status, CloudPodStatus.class);
    if (status == null || status.conditions() == null) {
      return false;
    }
    boolean readyTrue = false;
    for (Condition c : status.conditions()) {
      readyTrue |= CloudPodConditions.READY.equals(c.type()) && Conditions.TRUE.equals(c.status());
    }
    return readyTrue && Objects.equals(status.observedGeneration(), r.generation);
  }

  /** {@code CloudPodStore.toApi}. */
  private CloudPod toApi(StoredRow r) {
    CloudPodStatus status = Json.read(r.status, CloudPodStatus.class);
    if (status == null) {
      status =
          new CloudPodStatus(
              CloudPodStatus.PHASE_PENDING, null, null, null, null, null, null, null, null, null);
    }
    if (r.deletionTimestamp != null) {
      status = status.withPhase(CloudPodStatus.PHASE_DELETING);
    }
    OwnerReference owner =
        r.ownerUid == null
            ? null
            : new OwnerReference(r.ownerKind, r.ownerName, r.ownerUid.toString());
    return new CloudPod(
        ApiVersion.V1ALPHA1,
        "CloudPod",
        r.meta(owner),
        defaults.pod(Json.read(r.spec, CloudPodSpec.class)),
        status);
  }
}
