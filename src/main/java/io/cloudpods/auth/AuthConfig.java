package io.cloudpods.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Bearer-token authentication of the REST API. */
@ConfigMapping(prefix = "cloudpods.auth")
public interface AuthConfig {
  /** Off only for local experiments: every request is then treated as admin. */
  @WithDefault("true")
  boolean enabled();

  /**
   * A token that is stored (hashed) as an admin token at startup, so a fresh installation has a
   * first admin. Remove it from the configuration once real tokens exist.
   */
  Optional<String> bootstrapToken();

  @WithDefault("bootstrap-admin")
  String bootstrapTokenName();
}
