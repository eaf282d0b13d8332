package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.ResourceStore;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * What the routes of every kind share: reading one object or answering 404, the PUT path with its
 * write check, and the event that records a deletion. {@link ClusterResourceRoutes} and {@link
 * TenantResourceRoutes} put these behind the paths of cluster- and tenant-scoped kinds.
 */
abstract class ResourceRoutes<T> {
  protected final Kind kind;
  protected final ResourceStore<?, T> store;
  protected final RequestSupport req;
  private final EventStore events;

  ResourceRoutes(Kind kind, ResourceStore<?, T> store, RequestSupport req, EventStore events) {
    this.kind = kind;
    this.store = store;
    this.req = req;
    this.events = events;
  }

  /** The stored object, or 404 naming it as {@code <Kind> <key>}. */
  protected T found(ResourceKey key) {
    return store.get(key).orElseThrow(() -> notFound(key));
  }

  /**
   * PUT of one object at its own path, after the write check for {@code tenant} (null for
   * cluster-scoped kinds).
   */
  protected Response replace(String tenant, String name, String body, boolean dryRun) {
    req.requireWrite(kind, tenant);
    return req.put(kind, tenant, name, body, dryRun);
  }

  /**
   * The object a deletion removed or marked, or 404; records {@code reason} with {@code <Kind>
   * <key><what>}, naming the calling token as its actor.
   */
  protected T deleted(Optional<T> removed, ResourceKey key, String reason, String what) {
    T o = removed.orElseThrow(() -> notFound(key));
    events.append(
        Event.info(reason, kind + " " + key + what, kind.name(), key.tenant(), key.name())
            .by(req.caller().tokenName()));
    return o;
  }

  /**
   * The {@code ?skipFinalBackup} of a DELETE that removes pods (CloudPod, PodSet): absent or empty
   * is false, {@code true} or {@code false} (any case) as given; any other value is refused (400
   * naming the parameter) rather than read as false, which would take a Final backup the caller
   * meant to skip.
   */
  protected static boolean skipFinalBackup(String value) {
    if (value == null || value.isEmpty() || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw ApiException.badRequest(
        "skipFinalBackup",
        "must be true or false, not '"
            + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
            + "'");
  }

  private ApiException notFound(ResourceKey key) {
    return ApiException.notFound(kind + " " + key);
  }
}
