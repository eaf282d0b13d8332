package io.cloudpods.proxmox;

/**
 * The config changed since the digest sent with the update was read. Retryable after reading the
 * config again.
 */
public class ProxmoxDigestConflictException extends ProxmoxConflictException {

  public ProxmoxDigestConflictException(
      ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
