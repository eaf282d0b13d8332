package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.ResourceKey;
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

/** PodSets (tenant-scoped). */
@Path("/api/v1/tenants/{tenant}/podsets")
@Produces(MediaType.APPLICATION_JSON)
public class PodSetResource {
  private final PodSetStore store;
  private final RequestSupport req;
  private final EventStore events;

  public PodSetResource(PodSetStore store, RequestSupport req, EventStore events) {
    this.store = store;
    this.req = req;
    this.events = events;
  }

  @GET
  public ObjectList<PodSet> list(@PathParam("tenant") String tenant) {
    req.requireRead(Kind.PodSet, tenant);
    return ObjectList.of("PodSet", store.list(tenant));
  }

  @GET
  @Path("/{name}")
  public PodSet get(@PathParam("tenant") String tenant, @PathParam("name") String name) {
    req.requireRead(Kind.PodSet, tenant);
    return store.get(ResourceKey.of(tenant, name)).orElseThrow(() -> ApiException.notFound("PodSet " + tenant + "/" + name));
  }

  @PUT
  @Path("/{name}")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response put(
      @PathParam("tenant") String tenant,
      @PathParam("name") String name,
      @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
      String body) {
    req.requireWrite(Kind.PodSet, tenant);
    return req.put(Kind.PodSet, tenant, name, body, dryRun);
  }

  /** Marks the PodSet and all its pods for deletion. */
  @DELETE
  @Path("/{name}")
  @Transactional
  public PodSet delete(@PathParam("tenant") String tenant, @PathParam("name") String name) {
    req.requireWrite(Kind.PodSet, tenant);
    PodSet s =
        store.markDeleted(ResourceKey.of(tenant, name)).orElseThrow(() -> ApiException.notFound("PodSet " + tenant + "/" + name));
    events.append(EventStore.INFO, "Deleting", "PodSet " + tenant + "/" + name + " and its pods marked for deletion", "PodSet", tenant, name);
    return s;
  }
}
