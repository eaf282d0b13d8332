package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Metadata common to every object. {@code uid}, {@code generation}, the timestamps and {@code
 * ownerReference} are set by the server and ignored on input; {@code resourceVersion}, when sent
 * back, makes a write conditional on it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectMeta(
    String name,
    String tenant,
    Map<String, String> labels,
    String uid,
    Long generation,
    String resourceVersion,
    Instant creationTimestamp,
    Instant deletionTimestamp,
    OwnerReference ownerReference) {

  public static ObjectMeta named(String name) {
    return new ObjectMeta(name, null, null, null, null, null, null, null, null);
  }

  public static ObjectMeta named(String tenant, String name) {
    return new ObjectMeta(name, tenant, null, null, null, null, null, null, null);
  }

  public ObjectMeta withTenant(String t) {
    return new ObjectMeta(
        name,
        t,
        labels,
        uid,
        generation,
        resourceVersion,
        creationTimestamp,
        deletionTimestamp,
        ownerReference);
  }

  public ObjectMeta withName(String n) {
    return new ObjectMeta(
        n,
        tenant,
        labels,
        uid,
        generation,
        resourceVersion,
        creationTimestamp,
        deletionTimestamp,
        ownerReference);
  }

  public ObjectMeta withLabels(Map<String, String> l) {
    return new ObjectMeta(
        name,
        tenant,
        l,
        uid,
        generation,
        resourceVersion,
        creationTimestamp,
        deletionTimestamp,
        ownerReference);
  }
}
