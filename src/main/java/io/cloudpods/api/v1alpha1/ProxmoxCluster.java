package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A Proxmox VE cluster the controller talks to (cluster-scoped). The cluster {@code default} is the
 * one of the {@code cloudpods.proxmox.*} settings; it is listed like the others but is not stored
 * and cannot be written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProxmoxCluster(
    String apiVersion,
    String kind,
    ObjectMeta metadata,
    ProxmoxClusterSpec spec,
    ProxmoxClusterStatus status) {
  public static final String DEFAULT = "default";

  public static ProxmoxCluster of(ObjectMeta metadata, ProxmoxClusterSpec spec) {
    return new ProxmoxCluster(ApiVersion.V1ALPHA1, "ProxmoxCluster", metadata, spec, null);
  }
}
