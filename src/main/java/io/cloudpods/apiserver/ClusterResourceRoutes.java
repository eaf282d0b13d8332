package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.auth.Caller;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.ResourceStore;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code GET /}, {@code GET /{name}} and {@code DELETE /{name}} of a cluster-scoped kind; the
 * subclass names the path and declares PUT (its body schema is the subclass's own). Only admins
 * write. A deletion removes the object at once, refused with 409 if it is still in use or no longer
 * at the given {@code resourceVersion}.
 */
abstract class ClusterResourceRoutes<T> extends ResourceRoutes<T> {
  private final Function<T, ObjectMeta> metadata;
  private final BiFunction<ResourceKey, String, Optional<T>> remove;

  /**
   * @param remove deletes an object (at the resourceVersion if one is given); empty if there is
   *     none
   */
  ClusterResourceRoutes(
      Kind kind,
      ResourceStore<?, T> store,
      Function<T, ObjectMeta> metadata,
      BiFunction<ResourceKey, String, Optional<T>> remove,
      RequestSupport req,
      EventStore events) {
    super(kind, store, req, events);
    this.metadata = metadata;
    this.remove = remove;
  }

  /** The objects the caller may read. */
  @GET
  public ObjectList<T> list() {
    Caller c = req.caller();
    return ObjectList.of(
        kind.name(),
        java.util.stream.Stream.concat(builtIn().stream(), store.list(null).stream())
            .filter(o -> c.canRead(kind, readTenant(metadata.apply(o).name())))
            .toList());
  }

  @GET
  @Path("/{name}")
  public T get(@PathParam("name") String name) {
    req.requireRead(kind, readTenant(name));
    return builtIn().stream()
        .filter(o -> metadata.apply(o).name().equals(name))
        .findFirst()
        .orElseGet(() -> found(ResourceKey.cluster(name)));
  }

  @DELETE
  @Path("/{name}")
  @Transactional
  public T delete(
      @PathParam("name") String name, @QueryParam("resourceVersion") String resourceVersion) {
    req.requireWrite(kind, null);
    ResourceKey key = ResourceKey.cluster(name);
    return deleted(remove.apply(key, resourceVersion), key, "Deleted", " deleted");
  }

  /** Objects of the kind that are not stored (listed first, read-only). */
  protected java.util.List<T> builtIn() {
    return java.util.List.of();
  }

  /**
   * The tenant a tenant token must belong to to read the object {@code name}; null: every token
   * may.
   */
  protected String readTenant(String name) {
    return null;
  }
}
