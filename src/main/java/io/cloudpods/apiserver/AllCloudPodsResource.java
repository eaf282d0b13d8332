package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.store.CloudPodStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/cloudpods}: every CloudPod the caller may see (a tenant token: its own
 * tenant's).
 */
@Path("/api/v1/cloudpods")
@Produces(MediaType.APPLICATION_JSON)
public class AllCloudPodsResource {
  private final CloudPodStore store;
  private final RequestSupport req;

  public AllCloudPodsResource(CloudPodStore store, RequestSupport req) {
    this.store = store;
    this.req = req;
  }

  @GET
  public ObjectList<CloudPod> list() {
    return ObjectList.of("CloudPod", store.list(req.caller().tenantFilter()));
  }
}
