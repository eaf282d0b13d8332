package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.EventStore;
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

/** CloudPods (tenant-scoped). */
@Path("/api/v1/tenants/{tenant}/cloudpods")
@Produces(MediaType.APPLICATION_JSON)
public class CloudPodResource {
  private final CloudPodStore store;
  private final RequestSupport req;
  private final EventStore events;

  public CloudPodResource(CloudPodStore store, RequestSupport req, EventStore events) {
    this.store = store;
    this.req = req;
    this.events = events;
  }

  @GET
  public ObjectList<CloudPod> list(@PathParam("tenant") String tenant) {
    req.requireRead(Kind.CloudPod, tenant);
    return ObjectList.of("CloudPod", store.list(tenant));
  }

  @GET
  @Path("/{name}")
  public CloudPod get(@PathParam("tenant") String tenant, @PathParam("name") String name) {
    req.requireRead(Kind.CloudPod, tenant);
    return store.get(ResourceKey.of(tenant, name)).orElseThrow(() -> ApiException.notFound("CloudPod " + tenant + "/" + name));
  }

  @PUT
  @Path("/{name}")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response put(
      @PathParam("tenant") String tenant,
      @PathParam("name") String name,
      @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
      String body) {
    req.requireWrite(Kind.CloudPod, tenant);
    return req.put(Kind.CloudPod, tenant, name, body, dryRun);
  }

  /**
   * Marks the pod for deletion. It stays visible with phase {@code Deleting} until the controller
   * has removed its container and released its address.
   */
  @DELETE
  @Path("/{name}")
  @Transactional
  public CloudPod delete(@PathParam("tenant") String tenant, @PathParam("name") String name) {
    req.requireWrite(Kind.CloudPod, tenant);
    CloudPod p =
        store.markDeleted(ResourceKey.of(tenant, name)).orElseThrow(() -> ApiException.notFound("CloudPod " + tenant + "/" + name));
    events.append(EventStore.INFO, "Deleting", "CloudPod " + tenant + "/" + name + " marked for deletion", "CloudPod", tenant, name);
    return p;
  }
}
