package io.cloudpods.proxmox;

/**
 * The server answered with something the client cannot read: not JSON, a missing {@code data}
 * envelope, a malformed UPID, a required field absent. Not retryable: client and server disagree.
 */
public class ProxmoxProtocolException extends ProxmoxException {

  public ProxmoxProtocolException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
