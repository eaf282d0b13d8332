package io.cloudpods.proxmox;

/**
 * Any failure talking to Proxmox VE. Subclasses say what went wrong; {@link #isRetryable()} says
 * whether trying the same call again later can succeed (locks, timeouts, unreachable server) or not
 * (not found, already exists, bad parameters, permissions).
 *
 * <p>Carries the HTTP status (0 when there was no HTTP response: I/O failures and failed tasks),
 * the request method and path (never headers, so never credentials), and the server's own message.
 * Instances are built only by {@link ProxmoxErrorMapper}.
 */
public abstract class ProxmoxException extends RuntimeException {

  private final int httpStatus;
  private final String method;
  private final String path;
  private final String proxmoxMessage;

  protected ProxmoxException(ErrorContext context, String proxmoxMessage, Throwable cause) {
    super(format(context, proxmoxMessage), cause);
    this.httpStatus = context.httpStatus();
    this.method = context.method();
    this.path = context.path();
    this.proxmoxMessage = proxmoxMessage == null ? "" : proxmoxMessage;
  }

  private static String format(ErrorContext c, String message) {
    StringBuilder sb = new StringBuilder();
    sb.append(c.method()).append(' ').append(c.path()).append(" failed: ");
    if (c.httpStatus() > 0) {
      sb.append("HTTP ").append(c.httpStatus()).append(' ');
    }
    sb.append(message == null ? "" : message);
    return sb.toString();
  }

  /** Whether the same call may succeed if tried again later. */
  public abstract boolean isRetryable();

  /** HTTP status, or 0 if there was no HTTP response (I/O failure, failed task). */
  public int httpStatus() {
    return httpStatus;
  }

  /** Request method, or {@code TASK} for a failed task. */
  public String method() {
    return method;
  }

  /** Request path below the API root (no query string), or the UPID of a failed task. */
  public String path() {
    return path;
  }

  /** The server's message (reason phrase or body {@code message}), or the I/O error text. */
  public String proxmoxMessage() {
    return proxmoxMessage;
  }

  /**
   * Where a failure happened: HTTP status (0 if none), method ({@code TASK} for tasks) and path.
   */
  public record ErrorContext(int httpStatus, String method, String path) {

    public static ErrorContext of(String method, String path) {
      return new ErrorContext(0, method, path);
    }

    public ErrorContext withStatus(int status) {
      return new ErrorContext(status, method, path);
    }

    static ErrorContext task(Upid upid) {
      return new ErrorContext(0, "TASK", upid.toString());
    }
  }
}
