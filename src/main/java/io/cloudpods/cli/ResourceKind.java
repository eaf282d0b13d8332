package io.cloudpods.cli;

import java.util.Locale;
import java.util.Optional;

/**
 * The API's resource kinds, their kubectl-style names and their REST paths, in the server's
 * admission order (owners before what they own; {@code delete -f} deletes in reverse).
 */
enum ResourceKind {
  PROXMOXCLUSTER(
      "ProxmoxCluster",
      "proxmoxclusters",
      false,
      "proxmoxcluster",
      "proxmoxclusters",
      "cluster",
      "clusters",
      "pxc"),
  TENANT("Tenant", "tenants", false, "tenant", "tenants", "tn"),
  IPPOOL("IpPool", "ippools", false, "ippool", "ippools", "pool", "pools", "ipp"),
  PODSET("PodSet", "podsets", true, "podset", "podsets", "ps"),
  CLOUDPOD("CloudPod", "cloudpods", true, "cloudpod", "cloudpods", "cp", "pod", "pods"),
  BACKUPPOLICY(
      "BackupPolicy", "backuppolicies", true, "backuppolicy", "backuppolicies", "bp", "bkp"),
  BACKUP("Backup", "backups", true, "backup", "backups", "bk"),
  RESTORE("Restore", "restores", true, "restore", "restores", "rs");

  /** Every accepted spelling, for help texts and shell completion. */
  static final String ALL_NAMES =
      "clusters (proxmoxclusters, pxc), tenants (tn), ippools (pool, ipp), cloudpods (cp, pod), podsets (ps), backuppolicies (bp),"
          + " backups (bk), restores (rs)";

  private final String kind;
  private final String plural;
  private final boolean tenantScoped;
  private final String[] aliases;

  ResourceKind(String kind, String plural, boolean tenantScoped, String... aliases) {
    this.kind = kind;
    this.plural = plural;
    this.tenantScoped = tenantScoped;
    this.aliases = aliases;
  }

  /** A name typed on the command line, case-insensitive ({@code cp}, {@code CloudPods}, ...). */
  static Optional<ResourceKind> parse(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    for (ResourceKind k : values()) {
      for (String a : k.aliases) {
        if (a.equals(t)) {
          return Optional.of(k);
        }
      }
      // the fully qualified form printed by apply: cloudpod.cloudpods.io
      if (t.equals(k.qualified())) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  static ResourceKind require(String text) {
    if (Controllers.named(text)) {
      throw CliException.usage(
          "controllers are no object kind: see them with 'cloudpods get controllers'");
    }
    return parse(text)
        .orElseThrow(
            () ->
                CliException.usage(
                    "unknown resource kind '" + text + "' (known: " + ALL_NAMES + ")"));
  }

  /** The {@code kind} field of a manifest ({@code CloudPod}); exact, as the server requires. */
  static Optional<ResourceKind> ofKindField(String kindField) {
    for (ResourceKind k : values()) {
      if (k.kind.equals(kindField)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  String kind() {
    return kind;
  }

  String plural() {
    return plural;
  }

  boolean tenantScoped() {
    return tenantScoped;
  }

  /** {@code cloudpod} — used in {@code KIND/NAME} references. */
  String singular() {
    return kind.toLowerCase(Locale.ROOT);
  }

  /** {@code cloudpod.cloudpods.io}, the kubectl-style name apply and delete print. */
  String qualified() {
    return singular() + ".cloudpods.io";
  }

  /**
   * The collection path; a tenant-scoped kind without a tenant lists all tenants (CloudPods only).
   */
  String collectionPath(String tenant) {
    if (!tenantScoped) {
      return "/api/v1/" + plural;
    }
    if (tenant == null) {
      if (this == CLOUDPOD) {
        return "/api/v1/cloudpods";
      }
      throw CliException.usage(
          plural + " are tenant-scoped: pass --tenant T (or set CLOUDPODS_TENANT)");
    }
    return "/api/v1/tenants/" + Http.segment(tenant) + "/" + plural;
  }

  String objectPath(String tenant, String name) {
    if (tenantScoped && tenant == null) {
      throw CliException.usage(
          plural + " are tenant-scoped: pass --tenant T (or set CLOUDPODS_TENANT)");
    }
    String base =
        tenantScoped
            ? "/api/v1/tenants/" + Http.segment(tenant) + "/" + plural
            : "/api/v1/" + plural;
    return base + "/" + Http.segment(name);
  }
}
