package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.IpPool;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.IpPoolStore;
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

/** IP pools (cluster-scoped): readable by every token, writable by admins. */
@Path("/api/v1/ippools")
@Produces(MediaType.APPLICATION_JSON)
public class IpPoolResource {
  private final IpPoolStore store;
  private final RequestSupport req;
  private final EventStore events;

  public IpPoolResource(IpPoolStore store, RequestSupport req, EventStore events) {
    this.store = store;
    this.req = req;
    this.events = events;
  }

  @GET
  public ObjectList<IpPool> list() {
    req.requireRead(Kind.IpPool, null);
    return ObjectList.of("IpPool", store.list(null));
  }

  @GET
  @Path("/{name}")
  public IpPool get(@PathParam("name") String name) {
    req.requireRead(Kind.IpPool, null);
    return store.get(ResourceKey.cluster(name)).orElseThrow(() -> ApiException.notFound("IpPool " + name));
  }

  @PUT
  @Path("/{name}")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response put(@PathParam("name") String name, @QueryParam("dryRun") @DefaultValue("false") boolean dryRun, String body) {
    req.requireWrite(Kind.IpPool, null);
    return req.put(Kind.IpPool, null, name, body, dryRun);
  }

  /** Removes a pool at once; refused (409) while a CloudPod or PodSet uses it. */
  @DELETE
  @Path("/{name}")
  @Transactional
  public IpPool delete(@PathParam("name") String name, @QueryParam("resourceVersion") String resourceVersion) {
    req.requireWrite(Kind.IpPool, null);
    IpPool p =
        store.delete(ResourceKey.cluster(name), resourceVersion).orElseThrow(() -> ApiException.notFound("IpPool " + name));
    events.append(EventStore.INFO, "Deleted", "IpPool " + name + " deleted", "IpPool", null, name);
    return p;
  }
}
