package io.cloudpods.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Stores {@code cloudpods.auth.bootstrap-token} as an admin token at startup, but only while no
 * admin token exists: an operator who made their own admin token and revoked the bootstrap one does
 * not get it back on the next start.
 */
@ApplicationScoped
public class AuthBootstrap {
  private static final Logger LOG = Logger.getLogger(AuthBootstrap.class);

  void onStart(@Observes StartupEvent event, AuthConfig config, TokenStore tokens) {
    if (!config.enabled()) {
      LOG.warn("cloudpods.auth.enabled=false: every API request is treated as admin");
      return;
    }
    config
        .bootstrapToken()
        .filter(t -> !t.isBlank())
        .ifPresent(token -> store(config, tokens, token));
  }

  /** True if the token was stored. */
  static boolean store(AuthConfig config, TokenStore tokens, String token) {
    if (tokens.lookup(token).filter(Caller::isAdmin).isPresent()) {
      return false; // already there, e.g. the embedded mode's token on a restart
    }
    if (tokens.anyAdmin()) {
      LOG.infof(
          "an admin token exists: cloudpods.auth.bootstrap-token is not stored as '%s'",
          config.bootstrapTokenName());
      return false;
    }
    boolean stored =
        tokens.insert(config.bootstrapTokenName(), Role.admin, null, token, null, "bootstrap");
    if (stored) {
      LOG.infof("bootstrap admin token stored as '%s'", config.bootstrapTokenName());
    } else {
      LOG.warnf(
          "cloudpods.auth.bootstrap-token not stored: a token named '%s' exists",
          config.bootstrapTokenName());
    }
    return stored;
  }
}
