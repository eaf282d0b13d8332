package io.cloudpods.proxmox;

import java.util.Map;

/**
 * HTTP 400 {@code Parameter verification failed.}: {@link #errors()} maps each rejected parameter
 * to the server's reason (e.g. {@code net0 -> invalid format - ...}). Not retryable.
 */
public class ProxmoxParameterException extends ProxmoxException {

  private final Map<String, String> errors;

  public ProxmoxParameterException(
      ErrorContext context, String proxmoxMessage, Map<String, String> errors, Throwable cause) {
    super(context, proxmoxMessage, cause);
    this.errors = Map.copyOf(errors);
  }

  /** Parameter name to message, as sent by the server (trailing newlines removed). */
  public Map<String, String> errors() {
    return errors;
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
