package io.cloudpods.auth;

import io.cloudpods.api.v1alpha1.Kind;

/** The authenticated caller of one request. */
public record Caller(String tokenName, Role role, String tenant) {

  public static final Caller ANONYMOUS_ADMIN = new Caller("auth-disabled", Role.admin, null);

  public boolean isAdmin() {
    return role == Role.admin;
  }

  /** May this caller see objects of {@code objectTenant} (null for the Tenant/IpPool kinds)? */
  public boolean canRead(Kind kind, String objectTenant) {
    if (role != Role.tenant) {
      return true;
    }
    return switch (kind) {
      case IpPool -> true;
      case ProxmoxCluster -> false; // where the infrastructure is: operators only
      case Tenant, CloudPod, PodSet, BackupPolicy, Backup, Restore -> tenant.equals(objectTenant);
    };
  }

  /** May this caller write objects of {@code kind} in {@code objectTenant}? */
  public boolean canWrite(Kind kind, String objectTenant) {
    return switch (role) {
      case admin -> true;
      case readonly -> false;
      case tenant -> kind.tenantScoped() && tenant.equals(objectTenant);
    };
  }

  /** The tenant a listing must be restricted to, or null for all. */
  public String tenantFilter() {
    return role == Role.tenant ? tenant : null;
  }
}
