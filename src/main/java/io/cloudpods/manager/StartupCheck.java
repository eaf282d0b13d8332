package io.cloudpods.manager;

import io.cloudpods.proxmox.ProxmoxAuthException;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxPermissionException;
import io.cloudpods.proxmox.ProxmoxTlsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Calls Proxmox before the controller starts, and again after a growing delay (scheduled, never
 * slept) until it answers; then hands the client over. Nothing here stops the process: an
 * unreachable server, a refused token, a failed TLS handshake or invalid settings are logged (once
 * per distinct message) and kept in {@link #state()} for readiness, with a message naming the
 * settings to check, while the API serves.
 */
final class StartupCheck {

  private static final Logger LOG = Logger.getLogger(StartupCheck.class);

  /** The longest wait between two attempts, whatever the reconcile backoff allows. */
  static final Duration MAX_DELAY = Duration.ofSeconds(30);

  /** {@code delay}, but not longer than {@link #MAX_DELAY}. */
  static Duration atMostMaxDelay(Duration delay) {
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }

  /** Runs a task after a delay (a scheduled executor in production). */
  interface Scheduler {
    void after(Duration delay, Runnable task);
  }

  /**
   * Where the check is: attempts made, when the first began, and the last failure's explanation
   * (null before the first failure).
   */
  record State(int attempts, Instant since, String lastError, Instant lastErrorAt) {}

  private final Supplier<ProxmoxClient> client;
  private final String url;
  private final Scheduler scheduler;
  private final Duration maxDelay;
  private final Clock clock;
  private final BiConsumer<StartupCheck, ProxmoxClient> onAnswer;
  private volatile boolean cancelled;
  private volatile State state;
  private Duration delay;

  /**
   * @param client the client, built on first use (its construction fails on invalid settings)
   * @param onAnswer called once, on the scheduler's thread, when Proxmox answered; when it throws,
   *     the check goes on as after a failed call
   */
  StartupCheck(
      Supplier<ProxmoxClient> client,
      String url,
      Scheduler scheduler,
      Duration initialDelay,
      Duration maxDelay,
      Clock clock,
      BiConsumer<StartupCheck, ProxmoxClient> onAnswer) {
    this.client = client;
    this.url = url;
    this.scheduler = scheduler;
    this.maxDelay = maxDelay;
    this.clock = clock;
    this.onAnswer = onAnswer;
    this.delay = initialDelay;
    this.state = new State(0, clock.instant(), null, null);
  }

  /** Schedules the first attempt at once. */
  void begin() {
    schedule(Duration.ZERO);
  }

  /** No further attempt; an attempt under way does not hand the client over. */
  void cancel() {
    cancelled = true;
  }

  State state() {
    return state;
  }

  private void schedule(Duration after) {
    try {
      scheduler.after(after, this::attempt);
    } catch (RejectedExecutionException e) {
      cancelled = true; // the scheduler was shut down: the controller is stopping
    }
  }

  private void attempt() {
    if (cancelled) {
      return;
    }
    State before = state;
    state =
        new State(before.attempts() + 1, before.since(), before.lastError(), before.lastErrorAt());
    ProxmoxClient c;
    try {
      c = client.get();
      c.version();
    } catch (ProxmoxException e) {
      failed(explain(e), !e.isRetryable());
      return;
    } catch (RuntimeException e) {
      failed(
          "the Proxmox VE settings are invalid: "
              + e.getMessage()
              + " (check the cloudpods.proxmox.* settings)",
          true);
      return;
    }
    if (cancelled) {
      return;
    }
    if (state.attempts() > 1) {
      LOG.infof("Proxmox VE at %s answered after %d attempts", url, state.attempts());
    }
    try {
      onAnswer.accept(this, c);
    } catch (RuntimeException e) {
      failed("the controller could not start: " + e.getMessage(), true);
    }
  }

  private void failed(String message, boolean needsOperator) {
    if (cancelled) {
      return;
    }
    State before = state;
    Duration next = delay;
    delay = next.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : next.multipliedBy(2);
    if (!message.equals(before.lastError())) {
      String line =
          message + "; the API serves meanwhile, next attempt in " + next.toMillis() + " ms";
      if (needsOperator) {
        LOG.error(line);
      } else {
        LOG.warn(line);
      }
    } else {
      LOG.debugf("Proxmox VE still not usable (attempt %d): %s", before.attempts(), message);
    }
    state = new State(before.attempts(), before.since(), message, clock.instant());
    schedule(next);
  }

  /** One sentence: what failed and which settings to check. */
  String explain(ProxmoxException e) {
    if (e instanceof ProxmoxAuthException
        || e instanceof ProxmoxPermissionException
        || e.httpStatus() == 401
        || e.httpStatus() == 403) {
      return "Proxmox VE at "
          + url
          + " refused the API token: "
          + e.getMessage()
          + " (check cloudpods.proxmox.token-id/token-secret and the token's privileges)";
    }
    if (e instanceof ProxmoxTlsException) {
      return "cannot reach Proxmox VE at "
          + url
          + ": the TLS handshake failed: "
          + e.getMessage()
          + " (check cloudpods.proxmox.fingerprint, ca-cert or verify-tls)";
    }
    return "cannot reach Proxmox VE at "
        + url
        + ": "
        + e.getMessage()
        + " (check cloudpods.proxmox.url, token-id/token-secret and the TLS settings)";
  }
}
