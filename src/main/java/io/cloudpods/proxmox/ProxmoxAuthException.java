package io.cloudpods.proxmox;

/**
 * HTTP 401: missing or invalid API token (any reason; new servers hide the detail). Not retryable.
 */
public class ProxmoxAuthException extends ProxmoxException {

  public ProxmoxAuthException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
