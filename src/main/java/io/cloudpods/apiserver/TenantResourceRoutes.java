package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.ResourceStore;
import java.util.Optional;
import java.util.function.Function;

/**
 * The routes of a tenant-scoped kind under {@code /api/v1/tenants/{tenant}/...}: every one is
 * checked against the tenant of the path, and a deletion only marks the object (the controller
 * removes it once what it owns is gone).
 *
 * <p>Unlike {@link ClusterResourceRoutes}, the subclasses declare the JAX-RS methods themselves and
 * call these: the OpenAPI scanner looks for the path parameters of an inherited method in the path
 * of the class that declares it, so {@code tenant} would vanish from the document of inherited
 * routes.
 */
abstract class TenantResourceRoutes<T> extends ResourceRoutes<T> {
  private final String deletionNote;

  /**
   * @param deletionNote completes the event message {@code <Kind> <tenant>/<name>} of a deletion
   */
  TenantResourceRoutes(
      Kind kind,
      ResourceStore<?, T> store,
      String deletionNote,
      RequestSupport req,
      EventStore events) {
    super(kind, store, req, events);
    this.deletionNote = deletionNote;
  }

  protected ObjectList<T> listIn(String tenant) {
    req.requireRead(kind, tenant);
    return ObjectList.of(kind.name(), store.list(tenant));
  }

  protected T getIn(String tenant, String name) {
    req.requireRead(kind, tenant);
    return found(ResourceKey.of(tenant, name));
  }

  /** Call within the route's transaction: the mark and its event are stored together. */
  protected T markDeletedIn(String tenant, String name) {
    req.requireWrite(kind, tenant);
    ResourceKey key = ResourceKey.of(tenant, name);
    return deleted(store.markDeleted(key), key, "Deleting", deletionNote);
  }

  /**
   * DELETE of a kind whose deletion removes pods (CloudPod, PodSet), with its {@code
   * ?skipFinalBackup} as given on the query string: without it, as {@link #markDeletedIn}; with it,
   * marked through {@code markSkipping} so the controller destroys the containers without their
   * Final backups, recorded with {@code skipNote}.
   */
  protected T markDeletedIn(
      String tenant,
      String name,
      String skipFinalBackup,
      Function<ResourceKey, Optional<T>> markSkipping,
      String skipNote) {
    if (!skipFinalBackup(skipFinalBackup)) {
      return markDeletedIn(tenant, name);
    }
    req.requireWrite(kind, tenant);
    ResourceKey key = ResourceKey.of(tenant, name);
    return deleted(markSkipping.apply(key), key, "Deleting", skipNote);
  }
}
