package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.BackupStore;
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
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * Backups (tenant-scoped). A PUT creates a backup of a pod (a tenant token: reason {@code Manual}
 * only) or changes the two fields that may change, {@code protected} and {@code notes}.
 *
 * <p>DELETE of a protected Backup is refused with 409 naming {@code spec.protected}, as Proxmox
 * refuses to delete a protected archive: unprotect it first. Otherwise a Backup whose archive may
 * exist is marked, and the controller deletes the archive and then the Backup; one without an
 * archive to deal with (never started, Failed, Missing) is removed at once.
 */
@Path("/api/v1/tenants/{tenant}/backups")
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource extends TenantResourceRoutes<Backup> {

  private final BackupStore backups;
  private final TenantStore tenants;

  public BackupResource(
      BackupStore store, TenantStore tenants, RequestSupport req, EventStore events) {
    super(Kind.Backup, store, " marked for deletion", req, events);
    this.backups = store;
    this.tenants = tenants;
  }

  @GET
  public ObjectList<Backup> list(@PathParam("tenant") String tenant) {
    return listIn(tenant);
  }

  @GET
  @Path("/{name}")
  public Backup get(@PathParam("tenant") String tenant, @PathParam("name") String name) {
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
                      schema = @Schema(implementation = Backup.class)))
          String body) {
    return replace(tenant, name, body, dryRun);
  }

  @DELETE
  @Path("/{name}")
  @Transactional
  public Backup delete(@PathParam("tenant") String tenant, @PathParam("name") String name) {
    req.requireWrite(kind, tenant);
    ResourceKey key = ResourceKey.of(tenant, name);
    // every Backup write is admitted under its tenant's row lock, so no write can protect the
    // Backup between the check below and the delete
    tenants.lock(tenant);
    Optional<Backup> stored = backups.get(key);
    if (stored.isPresent() && stored.get().spec().isProtected()) {
      String message =
          "Backup "
              + key
              + " is protected, and Proxmox refuses to delete a protected archive; set"
              + " spec.protected to false first (apply or PUT), then delete it";
      throw new ApiException(
          409, "Conflict", message, List.of(new FieldError("spec.protected", message)));
    }
    Optional<BackupStore.Deleted> d = backups.delete(key);
    boolean removed = d.map(BackupStore.Deleted::removed).orElse(false);
    return deleted(
        d.map(BackupStore.Deleted::backup),
        key,
        removed ? "Deleted" : "Deleting",
        removed
            ? " deleted (it had no archive to remove)"
            : " marked for deletion; the controller deletes its archive, then the Backup");
  }
}
