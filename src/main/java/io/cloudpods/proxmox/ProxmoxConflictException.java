package io.cloudpods.proxmox;

/**
 * The request conflicts with current state (e.g. a guest belongs to another pool). Subclasses:
 * already exists, digest conflict. Not retryable unless a subclass says so.
 */
public class ProxmoxConflictException extends ProxmoxException {

  public ProxmoxConflictException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(context, proxmoxMessage, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
