package io.cloudpods.proxmox;

/**
 * The guest carries a config lock: {@code CT is locked (disk)}. {@link #lock()} names it ({@code
 * create}, {@code disk}, {@code backup}, {@code snapshot}, {@code destroyed}, ...). Retryable:
 * locks are released when the owning task ends (a stale lock needs {@code pct unlock}).
 */
public class ProxmoxLockedException extends ProxmoxException {

  private final String lock;

  public ProxmoxLockedException(
      ErrorContext context, String proxmoxMessage, String lock, Throwable cause) {
    super(context, proxmoxMessage, cause);
    this.lock = lock;
  }

  /** The lock value, e.g. {@code disk}. */
  public String lock() {
    return lock;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
