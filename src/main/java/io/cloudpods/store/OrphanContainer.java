package io.cloudpods.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A container carrying our marker for a pod that is not stored: which cluster and node it is on,
 * whose marker it carries, what the cluster list showed, and since when it has been seen so. VMIDs
 * are unique per cluster, so an orphan is named by its cluster and VMID.
 */
public record OrphanContainer(
    String cluster,
    int vmid,
    String node,
    String name,
    String ownerUid,
    String status,
    List<String> tags,
    Instant since) {

  public OrphanContainer {
    tags = List.copyOf(tags);
  }

  private static final String TENANT_TAG_PREFIX = "tenant-";

  /**
   * The tag a tenant's containers carry. Tenant names are RFC 1123 labels (a CHECK constraint holds
   * SQL writers to it too), which are already valid Proxmox tags, so the name is used as is.
   */
  public static String tenantTagOf(String tenant) {
    return TENANT_TAG_PREFIX + tenant;
  }

  /** The container's tenant tag, if it has one. */
  public Optional<String> tenantTag() {
    return tags.stream().filter(t -> t.startsWith(TENANT_TAG_PREFIX)).findFirst();
  }

  /** The tenant named by the container's tenant tag, if it has one. */
  public Optional<String> tenant() {
    return tenantTag().map(t -> t.substring(TENANT_TAG_PREFIX.length()));
  }
}
