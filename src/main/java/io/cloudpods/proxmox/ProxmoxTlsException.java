package io.cloudpods.proxmox;

/**
 * The TLS handshake failed: certificate not trusted, host name mismatch, or pinned fingerprint
 * mismatch. Not retryable: the configuration or the server certificate must change.
 */
public class ProxmoxTlsException extends ProxmoxException {

  public ProxmoxTlsException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
