package io.cloudpods.backup;

import io.cloudpods.proxmox.TaskStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * What a finished vzdump task means for its Backup, from the task's status and log: pure.
 *
 * <p>A guest lock ({@code CT is locked (snapshot)}) and the node's global backup lock timing out
 * are waits, not failures: they do not count as an attempt. Any other failure counts; below {@code
 * maxAttempts} the backup is retried after a backoff, at {@code maxAttempts} it is Failed with the
 * exit status and the log's ERROR line.
 */
public sealed interface TaskOutcome {

  /** Finished with OK (or warnings): the archive {@code volid} if the log named it. */
  record Succeeded(Optional<String> volid, VzdumpLog log) implements TaskOutcome {}

  /** The guest held {@code lock}: wait and try again, no attempt counted. */
  record Locked(String lock, String message) implements TaskOutcome {}

  /** The node's backup lock timed out (another vzdump ran long): wait, no attempt counted. */
  record NodeBusy(String message) implements TaskOutcome {}

  /** Failed; retried after {@code backoff}. */
  record Retry(String message, Duration backoff) implements TaskOutcome {}

  /** Failed for the last allowed time. */
  record GaveUp(String message) implements TaskOutcome {}

  /**
   * @param attempts the attempts made so far, this one included
   * @param baseBackoff the wait after the first failure; doubled per further failure
   */
  public static TaskOutcome of(
      TaskStatus status,
      VzdumpLog log,
      String storage,
      int attempts,
      int maxAttempts,
      Duration baseBackoff,
      Duration maxBackoff) {
    if (status.isOk()) {
      return new Succeeded(log.volid(storage), log);
    }
    String message = log.failureMessage(status.exitStatus().orElse("failed"));
    if (log.lockedBy().isPresent()) {
      return new Locked(log.lockedBy().get(), message);
    }
    if (log.nodeLockTimeout()) {
      return new NodeBusy(message);
    }
    if (attempts >= maxAttempts) {
      return new GaveUp(message);
    }
    return new Retry(message, backoff(attempts, baseBackoff, maxBackoff));
  }

  /** {@code base * 2^(attempts-1)}, at most {@code max}. */
  public static Duration backoff(int attempts, Duration base, Duration max) {
    long factor = 1L << Math.min(20, Math.max(0, attempts - 1));
    Duration d = base.multipliedBy(factor);
    return d.compareTo(max) > 0 ? max : d;
  }
}
