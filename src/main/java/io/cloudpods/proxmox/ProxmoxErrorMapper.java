package io.cloudpods.proxmox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.proxmox.ProxmoxException.ErrorContext;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The one place that turns Proxmox failures into typed {@link ProxmoxException}s, and the only code
 * that matches Proxmox message texts.
 *
 * <p>Proxmox reports errors as HTTP status + reason phrase (the first line of the message). Servers
 * with libpve-http-server-perl 5.2+ (PVE 8.3/8.4 on) also send the full message as a {@code
 * message} body field (with a trailing newline); 400 responses carry a per-parameter {@code errors}
 * map. Both sources are read and the fuller message wins. Nearly all domain errors (not found,
 * already exists, locked, running) are HTTP 500 and are told apart by their text.
 *
 * <p>Failed tasks are classified with the same text rules ({@link #fromTaskFailure}), so a caller
 * can treat {@code clone failed: ... got lock request timeout} like the synchronous lock timeout.
 */
public final class ProxmoxErrorMapper {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern LOCK_FILE_TIMEOUT =
      Pattern.compile("can't lock file '([^']+)' - got timeout");
  private static final Pattern CFS_LOCK_TIMEOUT =
      Pattern.compile("cfs-lock '([^']+)' error: got lock request timeout");

  /** {@code VZDump.pm getlock}: the node-wide vzdump lock ({@code lockwait} ran out). */
  private static final Pattern VZDUMP_LOCK_TIMEOUT =
      Pattern.compile("can't acquire lock '([^']+)' - got timeout");

  private static final Pattern MIGRATION_LOCK =
      Pattern.compile("Failed to obtain guest migration lock");
  private static final Pattern GENERIC_LOCK_TIMEOUT =
      Pattern.compile("lock.*got timeout|got lock (?:request )?timeout");
  private static final Pattern LOCKED = Pattern.compile("\\b(?:CT|VM) is locked \\(([^)]+)\\)");
  private static final Pattern DIGEST = Pattern.compile("detected modified configuration");
  private static final Pattern TRANSIENT =
      Pattern.compile(
          "got no worker upid|start worker failed|Connection refused|Connection reset|Connection timed out"
              + "|Broken pipe|proxy handshake");
  private static final Pattern ALREADY_EXISTS =
      Pattern.compile("already exists|is already a pool member|name '[^']*' already used");
  private static final Pattern OTHER_POOL = Pattern.compile("belongs already to pool");

  /**
   * {@code raise_perm_exc} inside a task: vzdump checks VM.Backup per guest in its worker, so a
   * missing privilege shows as the task's exit status, not as a 403.
   */
  private static final Pattern PERMISSION = Pattern.compile("^Permission check failed \\(");

  /** {@code API2/LXC.pm create_vm}: a forced restore over a running container. */
  private static final Pattern RESTORE_OVER_RUNNING =
      Pattern.compile("can't overwrite running container");

  private static final Pattern NOT_RUNNING = Pattern.compile("\\bnot running\\b");
  private static final Pattern RUNNING = Pattern.compile("\\balready running\\b|\\bis running\\b");
  private static final Pattern NOT_FOUND =
      Pattern.compile(
          "does not exist|no such task|is not a pool member|no such (?:VM|CT|pool|snapshot|IPSet)\\b"
              // Content.pm GET of a backup or disk that is not there (file_size_info finds none)
              + "|volume_size_info on '[^']*' failed - no format");
  private static final Pattern POOL_MISSING = Pattern.compile("pool '[^']*' does not exist");
  private static final Pattern REJECTED =
      Pattern.compile(
          "you can't|protection mode enabled|not allowed for linked clones|Linked clone feature"
              + "|is not available or configured on storage|does not support container directories"
              + "|unable to shrink disk size|only possible from a snapshot|unable to use snapshot name"
              + "|snapshot feature is not available|unable to create template|still in use by linked clones"
              + "|unable to delete required option|read-only option|can't clone"
              + "|IPSet '[^']*' is not empty"
              // Plugin.pm free_image and the protected-backup limits of Storage.pm / VZDump.pm
              + "|cannot remove protected volume|number of protected backups per guest is limited");
  private static final Pattern TASK_ERROR_PREFIX = Pattern.compile("^TASK ERROR: ");

  private ProxmoxErrorMapper() {}

  /**
   * Maps a non-2xx HTTP response.
   *
   * @param method HTTP method
   * @param path path below {@code /api2/json}, without query string
   * @param status HTTP status code
   * @param reasonPhrase the status line's reason phrase (may be empty)
   * @param body the response body (may be empty or not JSON)
   */
  public static ProxmoxException fromHttp(
      String method, String path, int status, String reasonPhrase, String body) {
    ErrorContext ctx = new ErrorContext(status, method, path);
    String bodyMessage = null;
    Map<String, String> errors = new LinkedHashMap<>();
    JsonNode root = parseQuietly(body);
    if (root != null && root.isObject()) {
      JsonNode m = root.get("message");
      if (m != null && m.isTextual()) {
        bodyMessage = m.asText();
      }
      JsonNode e = root.get("errors");
      if (e != null && e.isObject()) {
        e.fields()
            .forEachRemaining(f -> errors.put(f.getKey(), stripTrailing(f.getValue().asText())));
      }
    }
    String message = chooseMessage(reasonPhrase, bodyMessage);
    return classifyHttp(ctx, message, errors);
  }

  /**
   * Maps an I/O failure (no usable HTTP response): TLS problems, timeouts, refused/reset
   * connections.
   */
  public static ProxmoxException fromIo(String method, String path, IOException e) {
    ErrorContext ctx = ErrorContext.of(method, path);
    Optional<CertificateException> cert = findCause(e, CertificateException.class);
    if (cert.isPresent()) {
      return new ProxmoxTlsException(
          ctx, "TLS certificate rejected: " + cert.get().getMessage(), e);
    }
    if (e instanceof SSLPeerUnverifiedException || e instanceof SSLHandshakeException) {
      return new ProxmoxTlsException(ctx, "TLS handshake failed: " + e.getMessage(), e);
    }
    String text =
        e.getMessage() == null
            ? e.getClass().getSimpleName()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new ProxmoxUnavailableException(ctx, text, e);
  }

  /**
   * Classifies a failed task's {@code exitstatus} (e.g. {@code clone failed: ...}, {@code CT is
   * locked (disk)}, lock timeouts) into the same taxonomy as HTTP errors; unrecognised texts become
   * {@link ProxmoxTaskFailedException}.
   */
  public static ProxmoxException fromTaskFailure(Upid upid, String exitStatus) {
    String message = TASK_ERROR_PREFIX.matcher(stripTrailing(exitStatus)).replaceFirst("");
    ErrorContext ctx = ErrorContext.task(upid);
    ProxmoxException known = classifyText(ctx, message);
    return known != null
        ? known
        : new ProxmoxTaskFailedException(ctx, upid.type() + ": " + message, null);
  }

  /**
   * The message to report: the body's {@code message} (trailing newline removed) when it is at
   * least as complete as the reason phrase, else the reason phrase.
   */
  static String chooseMessage(String reasonPhrase, String bodyMessage) {
    String reason = reasonPhrase == null ? "" : reasonPhrase.strip();
    String body = bodyMessage == null ? "" : stripTrailing(bodyMessage);
    if (body.isBlank()) {
      return reason;
    }
    if (reason.isBlank() || body.length() >= reason.length()) {
      return body;
    }
    return reason;
  }

  private static ProxmoxException classifyHttp(
      ErrorContext ctx, String message, Map<String, String> errors) {
    int status = ctx.httpStatus();
    if (status == 401) {
      return new ProxmoxAuthException(
          ctx, message.isBlank() ? "authentication failed" : message, null);
    }
    if (status == 403) {
      if (POOL_MISSING.matcher(message).find()) {
        return new ProxmoxNotFoundException(ctx, message, null);
      }
      return new ProxmoxPermissionException(ctx, message, null);
    }
    if (status == 400) {
      String vmidError = errors.get("vmid");
      if (vmidError != null && ALREADY_EXISTS.matcher(vmidError).find()) {
        return new ProxmoxAlreadyExistsException(ctx, withErrors(message, errors), null);
      }
      // firewall IP sets: "IPSet 'x' already exists" (name), "address 'y' already exists" and
      // "no such IP/Network" (cidr)
      for (String field : new String[] {"name", "cidr"}) {
        String e = errors.get(field);
        if (e != null && e.startsWith("no such IP/Network")) {
          return new ProxmoxNotFoundException(ctx, withErrors(message, errors), null);
        }
        if (e != null && errors.size() == 1 && ALREADY_EXISTS.matcher(e).find()) {
          return new ProxmoxAlreadyExistsException(ctx, withErrors(message, errors), null);
        }
      }
      String upidError = errors.get("upid");
      if (upidError != null && upidError.contains("no such task")) {
        return new ProxmoxNotFoundException(ctx, withErrors(message, errors), null);
      }
      return new ProxmoxParameterException(ctx, withErrors(message, errors), errors, null);
    }
    if (status == 501) {
      return new ProxmoxNotImplementedException(ctx, message, null);
    }
    if (status == 500) {
      ProxmoxException known = classifyText(ctx, message);
      return known != null ? known : new ProxmoxServerException(ctx, message, null);
    }
    if (status >= 500 || status == 408 || status == 429) {
      return new ProxmoxUnavailableException(ctx, message, null);
    }
    return new ProxmoxServerException(
        ctx, message.isBlank() ? "unexpected HTTP status" : message, null);
  }

  /** Text rules shared by HTTP 500s and failed tasks; null when nothing matches. */
  private static ProxmoxException classifyText(ErrorContext ctx, String message) {
    Matcher m = LOCK_FILE_TIMEOUT.matcher(message);
    if (m.find()) {
      return new ProxmoxLockTimeoutException(ctx, message, m.group(1), null);
    }
    m = CFS_LOCK_TIMEOUT.matcher(message);
    if (m.find()) {
      return new ProxmoxLockTimeoutException(ctx, message, m.group(1), null);
    }
    m = VZDUMP_LOCK_TIMEOUT.matcher(message);
    if (m.find()) {
      return new ProxmoxLockTimeoutException(ctx, message, m.group(1), null);
    }
    if (MIGRATION_LOCK.matcher(message).find()) {
      return new ProxmoxLockTimeoutException(ctx, message, "guest-migration", null);
    }
    if (GENERIC_LOCK_TIMEOUT.matcher(message).find()) {
      return new ProxmoxLockTimeoutException(ctx, message, "unknown", null);
    }
    m = LOCKED.matcher(message);
    if (m.find()) {
      return new ProxmoxLockedException(ctx, message, m.group(1), null);
    }
    if (DIGEST.matcher(message).find()) {
      return new ProxmoxDigestConflictException(ctx, message, null);
    }
    if (TRANSIENT.matcher(message).find()) {
      return new ProxmoxUnavailableException(ctx, message, null);
    }
    if (ALREADY_EXISTS.matcher(message).find()) {
      return new ProxmoxAlreadyExistsException(ctx, message, null);
    }
    if (OTHER_POOL.matcher(message).find()) {
      return new ProxmoxConflictException(ctx, message, null);
    }
    if (PERMISSION.matcher(message).find()) {
      return new ProxmoxPermissionException(ctx, message, null);
    }
    if (RESTORE_OVER_RUNNING.matcher(message).find()) {
      return new ProxmoxPowerStateException(ctx, message, PowerState.RUNNING, null);
    }
    if (NOT_RUNNING.matcher(message).find()) {
      return new ProxmoxPowerStateException(ctx, message, PowerState.STOPPED, null);
    }
    if (RUNNING.matcher(message).find()) {
      return new ProxmoxPowerStateException(ctx, message, PowerState.RUNNING, null);
    }
    if (NOT_FOUND.matcher(message).find()) {
      return new ProxmoxNotFoundException(ctx, message, null);
    }
    if (REJECTED.matcher(message).find()) {
      return new ProxmoxRejectedException(ctx, message, null);
    }
    return null;
  }

  private static String withErrors(String message, Map<String, String> errors) {
    if (errors.isEmpty()) {
      return message;
    }
    StringBuilder sb =
        new StringBuilder(message.isBlank() ? "Parameter verification failed." : message);
    sb.append(" (");
    boolean first = true;
    for (Map.Entry<String, String> e : errors.entrySet()) {
      if (!first) {
        sb.append("; ");
      }
      sb.append(e.getKey()).append(": ").append(e.getValue().replace('\n', ' ').strip());
      first = false;
    }
    return sb.append(')').toString();
  }

  private static JsonNode parseQuietly(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String stripTrailing(String s) {
    return s == null ? "" : s.stripTrailing();
  }

  private static <T extends Throwable> Optional<T> findCause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return Optional.of(type.cast(c));
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return Optional.empty();
  }
}
