package io.cloudpods.testsupport;

import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.OwnerReference;
import io.cloudpods.store.Json;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.StoreConflictException;
import io.cloudpods.store.WriteOutcome;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One row of a desired-state table, kept the way PostgreSQL keeps it: spec, labels and status as
 * JSON text, so that what is read back has made the same round trip as in production. The write
 * rules are those of {@code ResourceStore} and the {@code cloudpods_bump_versions} trigger:
 * generation rises only when the spec changes, resourceVersion on every write that changes the row
 * (spec, labels, deletion mark, status).
 */
final class StoredRow {
  final ResourceKey key;
  final UUID uid = UUID.randomUUID();
  String labels;
  String spec;
  String status;
  long generation = 1;
  long resourceVersion = 1;
  final Instant creationTimestamp;
  Instant deletionTimestamp;
  String ownerKind;
  String ownerName;
  UUID ownerUid;

  StoredRow(ResourceKey key, String labels, String spec, Instant now) {
    this.key = key;
    this.labels = labels;
    this.spec = spec;
    this.creationTimestamp = now;
  }

  static String labelsJson(Map<String, String> labels) {
    return Json.write(labels == null ? Map.of() : labels);
  }

  /** {@code ResourceStore.checkVersion}. */
  void checkVersion(String expectedVersion) {
    if (expectedVersion != null && !expectedVersion.equals(Long.toString(resourceVersion))) {
      throw new StoreConflictException(
          "metadata.resourceVersion",
          "resourceVersion "
              + expectedVersion
              + " is stale; the stored object is at "
              + resourceVersion);
    }
  }

  /** The update half of {@code ResourceStore.putSpec}. */
  WriteOutcome update(String specJson, String labelsJson, String expectedVersion) {
    checkVersion(expectedVersion);
    if (deletionTimestamp != null) {
      throw new StoreConflictException("metadata.deletionTimestamp", key + " is being deleted");
    }
    boolean specChanged = !Json.same(spec, specJson);
    boolean labelsChanged = !Json.same(labels, labelsJson);
    if (!specChanged && !labelsChanged) {
      return WriteOutcome.unchanged;
    }
    if (specChanged) {
      spec = specJson;
      generation++;
    }
    labels = labelsJson;
    resourceVersion++;
    return WriteOutcome.configured;
  }

  /** {@code ResourceStore.markDeleted}: the first mark stays. */
  void markDeleted(Instant now) {
    if (deletionTimestamp == null) {
      deletionTimestamp = now;
      resourceVersion++;
    }
  }

  /**
   * {@code ResourceStore.writeStatus}: a plain UPDATE of the status column, which the trigger
   * versions.
   */
  void writeStatus(Object value) {
    status = Json.write(value);
    resourceVersion++;
  }

  ObjectMeta meta(OwnerReference owner) {
    return new ObjectMeta(
        key.name(),
        key.tenant(),
        Json.labels(labels),
        uid.toString(),
        generation,
        Long.toString(resourceVersion),
        creationTimestamp,
        deletionTimestamp,
        owner);
  }
}
