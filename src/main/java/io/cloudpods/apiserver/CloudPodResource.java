package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.EventStore;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * CloudPods (tenant-scoped). DELETE marks the pod for deletion: it stays visible with phase {@code
 * Deleting} until the controller has removed its container and released its address. With {@code
 * ?skipFinalBackup=true} the controller does so without taking the pod's Final backup first.
 */
@Path("/api/v1/tenants/{tenant}/cloudpods")
@Produces(MediaType.APPLICATION_JSON)
public class CloudPodResource extends TenantResourceRoutes<CloudPod> {

  private final CloudPodStore pods;

  public CloudPodResource(CloudPodStore store, RequestSupport req, EventStore events) {
    super(Kind.CloudPod, store, " marked for deletion", req, events);
    this.pods = store;
  }

  @GET
  public ObjectList<CloudPod> list(@PathParam("tenant") String tenant) {
    return listIn(tenant);
  }

  @GET
  @Path("/{name}")
  public CloudPod get(@PathParam("tenant") String tenant, @PathParam("name") String name) {
    return getIn(tenant, name);
  }

  @PUT
  @Path("/{name}")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response put(
      @PathParam("tenant") String tenant,
      @PathParam("name") String name,
      @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = CloudPod.class)))
          String body) {
    return replace(tenant, name, body, dryRun);
  }

  @DELETE
  @Path("/{name}")
  @Transactional
  public CloudPod delete(
      @PathParam("tenant") String tenant,
      @PathParam("name") String name,
      @Parameter(
              description = "true: without the Final backup(s); true or false",
              schema = @Schema(type = SchemaType.BOOLEAN))
          @QueryParam("skipFinalBackup")
          String skipFinalBackup) {
    return markDeletedIn(
        tenant,
        name,
        skipFinalBackup,
        key -> pods.markDeleted(key, true),
        " marked for deletion without its final backup (skipFinalBackup)");
  }
}
