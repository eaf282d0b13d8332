package io.cloudpods.proxmox;

/**
 * The vmid, pool or pool membership already exists: {@code CT 9101 already exists on node 'pve'},
 * the create race loser, {@code nextid?vmid=} taken. Not retryable with the same id.
 */
public class ProxmoxAlreadyExistsException extends ProxmoxConflictException {

  public ProxmoxAlreadyExistsException(
      ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }
}
