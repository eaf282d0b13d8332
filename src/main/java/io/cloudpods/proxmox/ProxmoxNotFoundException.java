package io.cloudpods.proxmox;

/**
 * The guest, pool, snapshot, task or other object does not exist (Proxmox reports this as HTTP 500,
 * or 403 for a missing pool). Not retryable.
 */
public class ProxmoxNotFoundException extends ProxmoxException {

  public ProxmoxNotFoundException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
