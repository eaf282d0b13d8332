package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.PodSetStore;
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
 * PodSets (tenant-scoped). DELETE marks the PodSet and all its pods for deletion ({@code
 * ?skipFinalBackup=true}: without the pods' Final backups).
 */
@Path("/api/v1/tenants/{tenant}/podsets")
@Produces(MediaType.APPLICATION_JSON)
public class PodSetResource extends TenantResourceRoutes<PodSet> {

  private final PodSetStore sets;

  public PodSetResource(PodSetStore store, RequestSupport req, EventStore events) {
    super(Kind.PodSet, store, " and its pods marked for deletion", req, events);
    this.sets = store;
  }

  @GET
  public ObjectList<PodSet> list(@PathParam("tenant") String tenant) {
    return listIn(tenant);
  }

  @GET
  @Path("/{name}")
  public PodSet get(@PathParam("tenant") String tenant, @PathParam("name") String name) {
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
                      schema = @Schema(implementation = PodSet.class)))
          String body) {
    return replace(tenant, name, body, dryRun);
  }

  @DELETE
  @Path("/{name}")
  @Transactional
  public PodSet delete(
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
        key -> sets.markDeleted(key, true),
        " and its pods marked for deletion without their final backups (skipFinalBackup)");
  }
}
