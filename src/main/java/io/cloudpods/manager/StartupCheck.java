package io.cloudpods.manager;

import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.jboss.logging.Logger;

/**
 * One call to Proxmox before the controller starts. A server error (a busy or restarting API
 * daemon) is tried again a few times, each attempt scheduled after a growing delay; anything else
 * (unreachable, bad token, TLS) fails at once with a message naming the settings to check.
 */
final class StartupCheck {

  private static final Logger LOG = Logger.getLogger(StartupCheck.class);

  static final int ATTEMPTS = 5;

  private final ProxmoxClient client;
  private final String url;
  private final IntFunction<Executor> delayBeforeAttempt;

  /**
   * @param delayBeforeAttempt the executor that runs attempt {@code n} (2..{@link #ATTEMPTS}) after
   *     its delay
   */
  StartupCheck(ProxmoxClient client, String url, IntFunction<Executor> delayBeforeAttempt) {
    this.client = client;
    this.url = url;
    this.delayBeforeAttempt = delayBeforeAttempt;
  }

  /** Attempt {@code n} waits {@code n - 1} seconds. */
  static StartupCheck withDefaultDelays(ProxmoxClient client, String url) {
    return new StartupCheck(
        client, url, attempt -> CompletableFuture.delayedExecutor(attempt - 1L, TimeUnit.SECONDS));
  }

  /**
   * Returns when Proxmox answered; throws {@link IllegalStateException} when it cannot be reached.
   */
  void await() {
    try {
      attempt(1).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IllegalStateException ise) {
        throw ise;
      }
      throw e;
    }
  }

  private CompletableFuture<Void> attempt(int n) {
    try {
      client.version();
      return CompletableFuture.completedFuture(null);
    } catch (ProxmoxException e) {
      if (e.httpStatus() >= 500 && e.isRetryable() && n < ATTEMPTS) {
        LOG.warnf(
            "Proxmox answered %s at start; trying again (%d/%d)", e.getMessage(), n, ATTEMPTS);
        return CompletableFuture.supplyAsync(() -> n + 1, delayBeforeAttempt.apply(n + 1))
            .thenCompose(this::attempt);
      }
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "cannot reach Proxmox VE at "
                  + url
                  + ": "
                  + e.getMessage()
                  + " (check cloudpods.proxmox.url, token-id/token-secret and the TLS settings)",
              e));
    }
  }
}
