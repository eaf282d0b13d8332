package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.TenantStore;
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
 * Tenants (cluster-scoped). A tenant token sees only its own tenant and cannot write tenants. A
 * deletion is refused (409) while the tenant still has CloudPods or PodSets.
 */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
public class TenantResource extends ClusterResourceRoutes<Tenant> {

  public TenantResource(TenantStore store, RequestSupport req, EventStore events) {
    super(Kind.Tenant, store, Tenant::metadata, store::delete, req, events);
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
                      schema = @Schema(implementation = Tenant.class)))
          String body) {
    return replace(null, name, body, dryRun);
  }

  /** A tenant is readable by the tokens of that tenant. */
  @Override
  protected String readTenant(String name) {
    return name;
  }
}
