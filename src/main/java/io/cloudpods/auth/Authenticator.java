package io.cloudpods.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Turns an {@code Authorization} header value into a {@link Caller}. */
@ApplicationScoped
public class Authenticator {
  private final AuthConfig config;
  private final TokenStore tokens;

  public Authenticator(AuthConfig config, TokenStore tokens) {
    this.config = config;
    this.tokens = tokens;
  }

  public Optional<Caller> resolve(String authorization) {
    if (!config.enabled()) {
      return Optional.of(Caller.ANONYMOUS_ADMIN);
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? Optional.empty() : tokens.lookup(token);
  }
}
