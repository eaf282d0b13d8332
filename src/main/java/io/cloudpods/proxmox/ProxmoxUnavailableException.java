package io.cloudpods.proxmox;

/**
 * Transient: server unreachable, connection refused/reset, timeouts, unexpected EOF, 5xx other than
 * 500/501, 59x proxy pseudo-codes, {@code got no worker upid - start worker failed}. Retryable with
 * backoff.
 */
public class ProxmoxUnavailableException extends ProxmoxException {

  public ProxmoxUnavailableException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
