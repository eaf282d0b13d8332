package io.cloudpods.proxmox;

/**
 * The guest is in the wrong power state for the operation: {@code CT 9101 already running}, {@code
 * CT 9101 not running}, {@code unable to destroy CT 9101 - container is running}. {@link
 * #actualState()} says which state the server reported. Not retryable as such: callers usually
 * treat "already running" for start and "not running" for stop as success.
 */
public class ProxmoxPowerStateException extends ProxmoxException {

  private final PowerState actualState;

  public ProxmoxPowerStateException(
      ErrorContext context, String proxmoxMessage, PowerState actualState, Throwable cause) {
    super(context, proxmoxMessage, cause);
    this.actualState = actualState;
  }

  /** The state the guest is in according to the message. */
  public PowerState actualState() {
    return actualState;
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
