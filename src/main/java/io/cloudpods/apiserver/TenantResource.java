package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.TenantRecords;
import io.cloudpods.store.TenantStore;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
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
 * Tenants (cluster-scoped). A tenant token sees only its own tenant and cannot write tenants. A
 * deletion works like deleting a Kubernetes namespace: it marks the tenant and everything it owns
 * ({@code status.phase} Deleting); the tenant then takes no new CloudPods or PodSets, and the
 * controller removes it once its pods and PodSets are gone.
 */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
public class TenantResource extends ClusterResourceRoutes<Tenant> {

  private final TenantStore tenants;
  private final EventStore events;

  public TenantResource(TenantStore store, RequestSupport req, EventStore events) {
    super(Kind.Tenant, store, Tenant::metadata, (k, v) -> Optional.empty(), req, events);
    this.tenants = store;
    this.events = events;
  }

  /**
   * Marks the tenant and what it owns for deletion; answers the tenant as stored, with {@code
   * metadata.deletionTimestamp} and phase {@code Deleting}. Repeating it changes nothing. A tenant
   * that owns nothing is removed at once (the answer is its last state).
   */
  @DELETE
  @Path("/{name}")
  @Transactional
  @Override
  public Tenant delete(
      @PathParam("name") String name, @QueryParam("resourceVersion") String resourceVersion) {
    req.requireWrite(kind, null);
    TenantStore.Marked marked =
        tenants
            .markDeleted(name, resourceVersion)
            .orElseThrow(() -> ApiException.notFound(kind + " " + name));
    TenantRecords.Counts counts = marked.marked();
    if (marked.removed()) {
      events.append(
          EventStore.INFO,
          "Deleted",
          kind + " " + name + " deleted; it owned nothing",
          kind.name(),
          null,
          name);
    } else if (marked.first() || counts.total() > 0) {
      events.append(
          EventStore.INFO,
          "Deleting",
          kind
              + " "
              + name
              + " marked for deletion: "
              + counts.podSets()
              + " PodSet(s) and "
              + counts.pods()
              + " CloudPod(s) newly marked",
          kind.name(),
          null,
          name);
    }
    return marked.tenant();
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
