package io.cloudpods.proxmox;

/** HTTP 403 {@code Permission check failed (...)}: the token lacks a privilege. Not retryable. */
public class ProxmoxPermissionException extends ProxmoxException {

  public ProxmoxPermissionException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
