package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.Restore;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.RestoreStore;
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
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * Restores (tenant-scoped; the spec is immutable once stored). DELETE removes a Restore that has
 * not started or has ended at once, and marks one in progress, which the controller removes when it
 * has stopped working on it. What a Restore made (a new pod) stays.
 */
@Path("/api/v1/tenants/{tenant}/restores")
@Produces(MediaType.APPLICATION_JSON)
public class RestoreResource extends TenantResourceRoutes<Restore> {

  private final RestoreStore restores;

  public RestoreResource(RestoreStore store, RequestSupport req, EventStore events) {
    super(Kind.Restore, store, " marked for deletion", req, events);
    this.restores = store;
  }

  @GET
  public ObjectList<Restore> list(@PathParam("tenant") String tenant) {
    return listIn(tenant);
  }

  @GET
  @Path("/{name}")
  public Restore get(@PathParam("tenant") String tenant, @PathParam("name") String name) {
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
                      schema = @Schema(implementation = Restore.class)))
          String body) {
    return replace(tenant, name, body, dryRun);
  }

  @DELETE
  @Path("/{name}")
  @Transactional
  public Restore delete(@PathParam("tenant") String tenant, @PathParam("name") String name) {
    req.requireWrite(kind, tenant);
    ResourceKey key = ResourceKey.of(tenant, name);
    Optional<RestoreStore.Deleted> d = restores.delete(key);
    boolean removed = d.map(RestoreStore.Deleted::removed).orElse(false);
    return deleted(
        d.map(RestoreStore.Deleted::restore),
        key,
        removed ? "Deleted" : "Deleting",
        removed
            ? " deleted; what it restored stays"
            : " marked for deletion; the controller removes it once its restore has stopped");
  }
}
