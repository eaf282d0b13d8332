package io.cloudpods.auth;

/** What a bearer token may do. */
public enum Role {
  /** Everything. */
  admin,
  /**
   * Reads and writes only the CloudPods and PodSets of its own tenant; reads its Tenant and the IP
   * pools.
   */
  tenant,
  /** Reads everything, writes nothing (dashboards). */
  readonly
}
