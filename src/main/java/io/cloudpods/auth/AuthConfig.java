package io.cloudpods.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Bearer-token authentication of the REST API. */
@ConfigMapping(prefix = "cloudpods.auth")
public interface AuthConfig {
  /** Off only for local experiments: every request is then treated as admin. */
  @WithDefault("true")
  boolean enabled();

  /**
   * A token that is stored (hashed) as an admin token at startup while no admin token exists, so a
   * fresh installation has a first admin. Once an admin token exists it is not stored again (an
   * operator who revoked it does not get it back on restart).
   */
  Optional<String> bootstrapToken();

  @WithDefault("bootstrap-admin")
  String bootstrapTokenName();

  /**
   * How long a looked-up token is trusted without reading the database again: a token revoked by
   * another process, or by SQL, stops working (and its event streams close) within this time.
   * Revocation through this process takes effect at once.
   */
  @WithDefault("5s")
  Duration cacheTtl();

  /** {@code last_used_at} of a token is written at most this often. */
  @WithDefault("1m")
  Duration lastUsedInterval();
}
