package io.cloudpods.proxmox;

/**
 * An HTTP 500 whose text is not recognised. Proxmox reports nearly every failure as 500, so an
 * unknown text is treated as retryable with backoff rather than wedging the caller on a one-off
 * error.
 */
public class ProxmoxServerException extends ProxmoxException {

  public ProxmoxServerException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
