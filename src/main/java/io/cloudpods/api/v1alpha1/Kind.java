package io.cloudpods.api.v1alpha1;

import java.util.Arrays;
import java.util.Optional;

/** The resource kinds, in the order a batch is admitted (owners before what they own). */
public enum Kind {
  ProxmoxCluster(false, "proxmoxcluster"),
  Tenant(false, "tenant"),
  IpPool(false, "ippool"),
  PodSet(true, "podset"),
  CloudPod(true, "cloudpod"),
  BackupPolicy(true, "backuppolicy"),
  Backup(true, "backup"),
  Restore(true, "restore");

  private final boolean tenantScoped;
  private final String schemaName;

  Kind(boolean tenantScoped, String schemaName) {
    this.tenantScoped = tenantScoped;
    this.schemaName = schemaName;
  }

  public boolean tenantScoped() {
    return tenantScoped;
  }

  /** Classpath resource of this kind's JSON Schema. */
  public String schemaResource() {
    return "crd-like-schemas/" + schemaName + ".v1alpha1.schema.json";
  }

  public static Optional<Kind> parse(String text) {
    return Arrays.stream(values()).filter(k -> k.name().equals(text)).findFirst();
  }
}
