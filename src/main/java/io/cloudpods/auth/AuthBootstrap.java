package io.cloudpods.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Stores {@code cloudpods.auth.bootstrap-token} as an admin token at startup. */
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
        .ifPresent(
            token -> {
              tokens.put(config.bootstrapTokenName(), Role.admin, null, token);
              LOG.infof("bootstrap admin token stored as '%s'", config.bootstrapTokenName());
            });
  }
}
