package io.cloudpods.store;

/**
 * Identifies one object of a kind: {@code tenant} is null for cluster-scoped kinds (Tenant,
 * IpPool). This is what the controller's work queue carries.
 */
public record ResourceKey(String tenant, String name) {

  public static ResourceKey cluster(String name) {
    return new ResourceKey(null, name);
  }

  public static ResourceKey of(String tenant, String name) {
    return new ResourceKey(tenant, name);
  }

  @Override
  public String toString() {
    return tenant == null ? name : tenant + "/" + name;
  }
}
