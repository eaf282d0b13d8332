package io.cloudpods.proxmox;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /nodes/{node}/tasks/{upid}/status}. {@code exitStatus} is present only once the task
 * has stopped: {@code OK}, {@code WARNINGS: n} (also a success), or an error text.
 */
public record TaskStatus(
    Upid upid,
    String node,
    String type,
    String id,
    String user,
    Optional<String> tokenId,
    boolean running,
    Optional<String> exitStatus,
    long startTime) {

  private static final Pattern WARNINGS = Pattern.compile("^WARNINGS: (\\d+)$");

  /** Whether the task has finished (successfully or not). */
  public boolean isStopped() {
    return !running;
  }

  /** Finished with {@code OK} or {@code WARNINGS: n}. */
  public boolean isOk() {
    return !running
        && exitStatus.filter(s -> s.equals("OK") || WARNINGS.matcher(s).matches()).isPresent();
  }

  /** Finished and not {@link #isOk()}. */
  public boolean isFailed() {
    return !running && !isOk();
  }

  /** The {@code n} of {@code WARNINGS: n}, else 0. */
  public int warningCount() {
    if (exitStatus.isEmpty()) {
      return 0;
    }
    Matcher m = WARNINGS.matcher(exitStatus.get());
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  /**
   * The failure of a failed task, classified like an API error (locked, lock timeout, not found,
   * ...) so callers can tell retryable from terminal; empty while running or on success.
   */
  public Optional<ProxmoxException> failure() {
    if (!isFailed()) {
      return Optional.empty();
    }
    return Optional.of(
        ProxmoxErrorMapper.fromTaskFailure(upid, exitStatus.orElse("unexpected status")));
  }
}
