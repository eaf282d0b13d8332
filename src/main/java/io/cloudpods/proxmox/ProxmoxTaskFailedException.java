package io.cloudpods.proxmox;

/**
 * A task stopped with an error text that is not recognised (e.g. {@code job errors}, a failed
 * command). Treated as retryable with backoff, like unknown HTTP 500s.
 */
public class ProxmoxTaskFailedException extends ProxmoxException {

  public ProxmoxTaskFailedException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
