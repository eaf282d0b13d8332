package io.cloudpods.proxmox;

/**
 * The server refused an operation for a reason retrying will not change: template rules ({@code you
 * can't ...}), protection mode, unsupported linked clone or storage content type, shrinking a disk.
 * Not retryable.
 */
public class ProxmoxRejectedException extends ProxmoxException {

  public ProxmoxRejectedException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
