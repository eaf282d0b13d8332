package io.cloudpods.auth;

import io.cloudpods.auth.TokenCache.Resolution;
import io.cloudpods.auth.TokenStore.StoredToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Turns an {@code Authorization} header value into a {@link Caller}, through a short-lived {@link
 * TokenCache}. Revocation through {@link #revoked} clears the token's cache entry at once and tells
 * the listeners (the event stream closes the token's open streams).
 */
@ApplicationScoped
public class Authenticator {
  private final AuthConfig config;
  private final TokenCache cache;
  private final CopyOnWriteArrayList<Consumer<String>> revocationListeners =
      new CopyOnWriteArrayList<>();

  public Authenticator(AuthConfig config, TokenStore tokens) {
    this.config = config;
    this.cache =
        new TokenCache(
            new TokenCache.Source() {
              @Override
              public Optional<StoredToken> load(String hash) {
                return tokens.lookupHash(hash);
              }

              @Override
              public void touch(long id, Instant when) {
                tokens.touch(id, when);
              }
            },
            Clock.systemUTC(),
            config.cacheTtl(),
            config.lastUsedInterval(),
            10_000);
  }

  public Optional<Caller> resolve(String authorization) {
    Resolution r = resolveHeader(authorization);
    return Optional.ofNullable(r.caller());
  }

  /** The caller of the header, or {@link UnauthenticatedException} saying why not. */
  public Caller authenticate(String authorization) {
    Resolution r = resolveHeader(authorization);
    if (!r.authenticated()) {
      throw new UnauthenticatedException(r.failure());
    }
    return r.caller();
  }

  public Resolution resolveHeader(String authorization) {
    if (!config.enabled()) {
      return new Resolution(Caller.ANONYMOUS_ADMIN, null);
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Resolution(null, UnauthenticatedException.MESSAGE);
    }
    String token = authorization.substring(7).trim();
    if (token.isEmpty()) {
      return new Resolution(null, UnauthenticatedException.MESSAGE);
    }
    return cache.resolve(TokenStore.sha256(token));
  }

  /** Looks up a token by its hash again, in the database (for long-lived streams). */
  public Resolution recheck(String hash) {
    if (!config.enabled()) {
      return new Resolution(Caller.ANONYMOUS_ADMIN, null);
    }
    return cache.refresh(hash);
  }

  /** The token of that name was revoked (or replaced) through this process. */
  public void revoked(String tokenName) {
    cache.invalidate(tokenName);
    revocationListeners.forEach(l -> l.accept(tokenName));
  }

  /** Called with the name of each token revoked through this process. */
  public void onRevocation(Consumer<String> listener) {
    revocationListeners.add(listener);
  }

  public java.time.Duration cacheTtl() {
    return cache.ttl();
  }
}
