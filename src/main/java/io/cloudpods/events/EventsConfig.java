package io.cloudpods.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where events go besides the database, how repeats are counted, and how long events are kept. */
@ConfigMapping(prefix = "cloudpods.events")
public interface EventsConfig {

  /**
   * A file that receives every event as one JSON line, in the format of the original scripts'
   * {@code /var/log/migra-cloudpods.log} ({@code ts, level, message, vmid, hostname, ip, tenant}
   * plus {@code reason, kind, name, actor}, and {@code count} for a repeat), ready to ship to Loki
   * or ELK. Unset: no file. The file grows; the operator rotates it (docs/API.md).
   */
  Optional<Path> logFile();

  Series series();

  Retention retention();

  /** How identical events are collapsed into one row. */
  interface Series {
    /**
     * An event identical to one whose last occurrence is at most this long ago is counted on that
     * event's row ({@code count + 1}) instead of being stored again.
     */
    @WithDefault("10m")
    Duration window();
  }

  /** How long events are kept in the database. */
  interface Retention {
    /** Events whose last occurrence is older than this are deleted. */
    @WithDefault("7d")
    Duration maxAge();

    /** At most this many events are kept; the oldest beyond it are deleted. */
    @WithDefault("100000")
    long maxCount();

    /**
     * How often the prune runs ({@code cloudpods.events.retention.prune-interval}, read by the
     * scheduler; {@code off} turns pruning off).
     */
    @WithDefault("1m")
    String pruneInterval();

    /** Rows deleted per statement, so that one prune never holds many row locks for long. */
    @WithDefault("10000")
    int batchSize();
  }
}
