package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.BackupPolicyStore;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * BackupPolicies (tenant-scoped). A policy owns nothing outside the database (the Backups it made
 * are objects of their own and stay), so DELETE removes it at once.
 */
@Path("/api/v1/tenants/{tenant}/backuppolicies")
@Produces(MediaType.APPLICATION_JSON)
public class BackupPolicyResource extends TenantResourceRoutes<BackupPolicy> {

  private final BackupPolicyStore policies;

  public BackupPolicyResource(BackupPolicyStore store, RequestSupport req, EventStore events) {
    super(Kind.BackupPolicy, store, " marked for deletion", req, events);
    this.policies = store;
  }

  @GET
  public ObjectList<BackupPolicy> list(@PathParam("tenant") String tenant) {
    return listIn(tenant);
  }

  @GET
  @Path("/{name}")
  public BackupPolicy get(@PathParam("tenant") String tenant, @PathParam("name") String name) {
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
                      schema = @Schema(implementation = BackupPolicy.class)))
          String body) {
    return replace(tenant, name, body, dryRun);
  }

  @DELETE
  @Path("/{name}")
  @Transactional
  public BackupPolicy delete(@PathParam("tenant") String tenant, @PathParam("name") String name) {
    req.requireWrite(kind, tenant);
    ResourceKey key = ResourceKey.of(tenant, name);
    return deleted(policies.delete(key), key, "Deleted", " deleted; its backups stay");
  }
}
