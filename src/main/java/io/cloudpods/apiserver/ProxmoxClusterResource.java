package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.cluster.ClusterProber;
import io.cloudpods.cluster.DefaultCluster;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.ProxmoxClusterStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * Proxmox clusters (cluster-scoped): readable by admin and read-only tokens, not by tenant tokens,
 * writable by admins. The cluster {@code default} (the {@code cloudpods.proxmox.*} settings) is
 * listed first and cannot be written or deleted. A new or changed cluster is probed at once; a
 * deletion is refused (409) while pods are placed on the cluster.
 */
@Path("/api/v1/proxmoxclusters")
@Produces(MediaType.APPLICATION_JSON)
public class ProxmoxClusterResource extends ClusterResourceRoutes<ProxmoxCluster> {
  private final DefaultCluster defaultCluster;
  private final ClusterProber prober;

  public ProxmoxClusterResource(
      ProxmoxClusterStore store,
      RequestSupport req,
      EventStore events,
      DefaultCluster defaultCluster,
      ClusterProber prober) {
    super(Kind.ProxmoxCluster, store, ProxmoxCluster::metadata, store::delete, req, events);
    this.defaultCluster = defaultCluster;
    this.prober = prober;
  }

  @Override
  protected List<ProxmoxCluster> builtIn() {
    return List.of(defaultCluster.get());
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
                      schema = @Schema(implementation = ProxmoxCluster.class)))
          String body) {
    Response r = replace(null, name, body, dryRun);
    if (!dryRun) {
      prober.probeAll();
    }
    return r;
  }
}
