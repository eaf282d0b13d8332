package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.auth.Caller;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.TenantStore;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Tenants (cluster-scoped). A tenant token sees only its own tenant and cannot write tenants. */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
public class TenantResource {
  private final TenantStore store;
  private final RequestSupport req;
  private final EventStore events;

  public TenantResource(TenantStore store, RequestSupport req, EventStore events) {
    this.store = store;
    this.req = req;
    this.events = events;
  }

  @GET
  public ObjectList<Tenant> list() {
    Caller c = req.caller();
    return ObjectList.of(
        "Tenant", store.list(null).stream().filter(t -> c.canRead(Kind.Tenant, t.metadata().name())).toList());
  }

  @GET
  @Path("/{name}")
  public Tenant get(@PathParam("name") String name) {
    req.requireRead(Kind.Tenant, name);
    return store.get(ResourceKey.cluster(name)).orElseThrow(() -> ApiException.notFound("Tenant " + name));
  }

  @PUT
  @Path("/{name}")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response put(@PathParam("name") String name, @QueryParam("dryRun") @DefaultValue("false") boolean dryRun, String body) {
    req.requireWrite(Kind.Tenant, null);
    return req.put(Kind.Tenant, null, name, body, dryRun);
  }

  /** Removes a tenant at once; refused (409) while it still has CloudPods or PodSets. */
  @DELETE
  @Path("/{name}")
  @Transactional
  public Tenant delete(@PathParam("name") String name, @QueryParam("resourceVersion") String resourceVersion) {
    req.requireWrite(Kind.Tenant, null);
    Tenant t =
        store.delete(ResourceKey.cluster(name), resourceVersion).orElseThrow(() -> ApiException.notFound("Tenant " + name));
    events.append(EventStore.INFO, "Deleted", "Tenant " + name + " deleted", "Tenant", null, name);
    return t;
  }
}
