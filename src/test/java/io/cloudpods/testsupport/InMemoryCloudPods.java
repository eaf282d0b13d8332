package io.cloudpods.testsupport;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.OwnerReference;
import io.cloudpods.store.CloudPodRecords;
import io.cloudpods.store.ResourceKey;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CloudPod rows in memory, with the JPA store's rules: a uid and generation 1 on create, the
 * generation bumped only when the spec changes, status written apart from the spec, and a row
 * removed only once marked for deletion.
 */
public final class InMemoryCloudPods implements CloudPodRecords {

  private final Map<ResourceKey, CloudPod> rows = new ConcurrentHashMap<>();
  private final AtomicInteger statusWrites = new AtomicInteger();

  /** Creates or updates a pod's spec (as the API server would). */
  public CloudPod put(String tenant, String name, CloudPodSpec spec) {
    return put(tenant, name, spec, null);
  }

  /** Creates or updates a pod owned by a PodSet. */
  public CloudPod put(String tenant, String name, CloudPodSpec spec, OwnerReference owner) {
    ResourceKey key = ResourceKey.of(tenant, name);
    return rows.compute(
        key,
        (k, old) -> {
          if (old == null) {
            ObjectMeta meta =
                new ObjectMeta(
                    name,
                    tenant,
                    Map.of(),
                    UUID.randomUUID().toString(),
                    1L,
                    "1",
                    Instant.now(),
                    null,
                    owner);
            return new CloudPod("cloudpods.io/v1alpha1", "CloudPod", meta, spec, null);
          }
          long generation =
              old.metadata().generation() + (Objects.equals(old.spec(), spec) ? 0 : 1);
          ObjectMeta m = old.metadata();
          ObjectMeta meta =
              new ObjectMeta(
                  m.name(),
                  m.tenant(),
                  m.labels(),
                  m.uid(),
                  generation,
                  m.resourceVersion(),
                  m.creationTimestamp(),
                  m.deletionTimestamp(),
                  m.ownerReference());
          return new CloudPod(old.apiVersion(), old.kind(), meta, spec, old.status());
        });
  }

  /** Sets the deletion mark (as a DELETE would). */
  public void markDeleted(String tenant, String name) {
    rows.computeIfPresent(
        ResourceKey.of(tenant, name),
        (k, old) -> {
          ObjectMeta m = old.metadata();
          ObjectMeta meta =
              new ObjectMeta(
                  m.name(),
                  m.tenant(),
                  m.labels(),
                  m.uid(),
                  m.generation(),
                  m.resourceVersion(),
                  m.creationTimestamp(),
                  Instant.now(),
                  m.ownerReference());
          return new CloudPod(old.apiVersion(), old.kind(), meta, old.spec(), old.status());
        });
  }

  /** Removes a row without the deletion protocol (a DELETE by SQL). */
  public void drop(String tenant, String name) {
    rows.remove(ResourceKey.of(tenant, name));
  }

  public CloudPod pod(String tenant, String name) {
    return get(ResourceKey.of(tenant, name))
        .orElseThrow(() -> new AssertionError("no pod " + tenant + "/" + name));
  }

  public CloudPodStatus status(String tenant, String name) {
    return pod(tenant, name).status();
  }

  public boolean exists(String tenant, String name) {
    return rows.containsKey(ResourceKey.of(tenant, name));
  }

  /** The pod whose uid is {@code uid}, for the allocation ledger. */
  Optional<CloudPod> byUid(UUID uid) {
    String s = uid.toString();
    return rows.values().stream().filter(p -> p.metadata().uid().equals(s)).findFirst();
  }

  Iterable<CloudPod> all() {
    return rows.values();
  }

  public int statusWrites() {
    return statusWrites.get();
  }

  @Override
  public Optional<CloudPod> get(ResourceKey key) {
    return Optional.ofNullable(rows.get(key));
  }

  @Override
  public boolean updateStatus(ResourceKey key, CloudPodStatus status) {
    statusWrites.incrementAndGet();
    return rows.computeIfPresent(
            key,
            (k, old) ->
                new CloudPod(old.apiVersion(), old.kind(), old.metadata(), old.spec(), status))
        != null;
  }

  @Override
  public boolean finalizeDeletion(ResourceKey key) {
    CloudPod p = rows.get(key);
    if (p == null || p.metadata().deletionTimestamp() == null) {
      return false;
    }
    return rows.remove(key, p);
  }
}
