package io.cloudpods.proxmox;

/**
 * {@code DELETE /nodes/{node}/lxc/{vmid}} options. {@code purge} also removes the guest from backup
 * jobs, replication and HA; {@code force} stops a running container first; {@code
 * destroyUnreferencedDisks} removes disks not referenced by the config.
 */
public record DeleteOptions(boolean purge, boolean force, boolean destroyUnreferencedDisks) {

  /** Purge, do not force, destroy unreferenced disks. */
  public static final DeleteOptions DEFAULT = new DeleteOptions(true, false, true);
}
