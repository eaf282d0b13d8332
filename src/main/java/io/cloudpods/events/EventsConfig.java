package io.cloudpods.events;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** Where events go besides the database. */
@ConfigMapping(prefix = "cloudpods.events")
public interface EventsConfig {

  /**
   * A file that receives every event as one JSON line, in the format of the original scripts'
   * {@code /var/log/migra-cloudpods.log} ({@code ts, level, message, vmid, hostname, ip, tenant}
   * plus {@code reason, kind, name}), ready to ship to Loki or ELK. Unset: no file.
   */
  Optional<Path> logFile();
}
