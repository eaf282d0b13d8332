package io.cloudpods.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** Defaults filled into every IpPool spec at admission. */
@ConfigMapping(prefix = "cloudpods.pools")
public interface PoolsConfig {
  @WithDefault("vmbr0")
  String bridge();

  @WithDefault("1.1.1.1,8.8.8.8")
  List<String> nameservers();
}
