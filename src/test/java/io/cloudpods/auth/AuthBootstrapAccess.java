package io.cloudpods.auth;

/** Lets tests outside the package call {@link AuthBootstrap#store}. */
public final class AuthBootstrapAccess {
  private AuthBootstrapAccess() {}

  public static boolean store(AuthConfig config, TokenStore tokens, String token) {
    return AuthBootstrap.store(config, tokens, token);
  }
}
