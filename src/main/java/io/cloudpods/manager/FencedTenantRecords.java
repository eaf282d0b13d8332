package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.store.TenantRecords;
import java.util.List;
import java.util.Optional;

/**
 * What the tenant controller writes (the deletion marks of a deleted tenant's contents, its
 * conditions, its removal), written only in the transaction that proves this replica holds the
 * lease of {@code default}, whose holder runs the tenants; refused otherwise ({@link
 * io.cloudpods.proxmox.FencedException}, nothing stored). Reads are not fenced.
 */
final class FencedTenantRecords implements TenantRecords {

  private final TenantRecords tenants;
  private final ClusterLease lease;

  FencedTenantRecords(TenantRecords tenants, ClusterLease lease) {
    this.tenants = tenants;
    this.lease = lease;
  }

  @Override
  public Optional<Tenant> get(String name) {
    return tenants.get(name);
  }

  @Override
  public Counts markContents(String tenant) {
    return lease.proven(
        "deletion of what tenant " + tenant + " owns", () -> tenants.markContents(tenant));
  }

  @Override
  public Remaining remaining(String tenant, int sample) {
    return tenants.remaining(tenant, sample);
  }

  @Override
  public boolean updateConditions(String tenant, List<Condition> conditions) {
    return lease.proven(
        "status write of Tenant " + tenant, () -> tenants.updateConditions(tenant, conditions));
  }

  @Override
  public boolean finalizeDeletion(String tenant) {
    return lease.proven(
        "removal of deleted Tenant " + tenant, () -> tenants.finalizeDeletion(tenant));
  }

  @Override
  public List<String> deleting() {
    return tenants.deleting();
  }
}
