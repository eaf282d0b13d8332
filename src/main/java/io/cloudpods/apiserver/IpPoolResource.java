package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.IpPool;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.IpPoolStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * IP pools (cluster-scoped): readable by every token, writable by admins. A deletion is refused
 * (409) while a CloudPod or PodSet uses the pool.
 */
@Path("/api/v1/ippools")
@Produces(MediaType.APPLICATION_JSON)
public class IpPoolResource extends ClusterResourceRoutes<IpPool> {

  public IpPoolResource(IpPoolStore store, RequestSupport req, EventStore events) {
    super(Kind.IpPool, store, IpPool::metadata, store::delete, req, events);
  }

  @PUT
  @Path("/{name}")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response put(
      @PathParam("name") String name,
      @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = IpPool.class)))
          String body) {
    return replace(null, name, body, dryRun);
  }
}
