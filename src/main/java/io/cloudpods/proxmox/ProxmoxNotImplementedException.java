package io.cloudpods.proxmox;

/**
 * HTTP 501: unknown path or method on this server version ({@code Method 'PUT /pools' not
 * implemented}), or a body sent on GET/DELETE. Not retryable.
 */
public class ProxmoxNotImplementedException extends ProxmoxException {

  public ProxmoxNotImplementedException(
      ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
