package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the pods of a tenant may choose. It binds every pod and PodSet of the tenant, whoever writes
 * it (an admin widens it by editing the Tenant). A list that is absent allows only the pod default
 * of {@code cloudpods.pods.*} (template, storage, IP pool); an empty list allows nothing.
 *
 * @param regions stored and checked to be names; regions are not placed by yet
 * @param backupStorages storages its BackupPolicies and Backups may name; absent: only {@code
 *     cloudpods.backups.defaults.storage}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TenantAllowed(
    List<Integer> templates,
    List<String> storages,
    List<String> ipPools,
    List<String> regions,
    List<String> backupStorages) {

  public TenantAllowed(
      List<Integer> templates, List<String> storages, List<String> ipPools, List<String> regions) {
    this(templates, storages, ipPools, regions, null);
  }
}
