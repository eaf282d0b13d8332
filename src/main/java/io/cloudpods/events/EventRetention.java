package io.cloudpods.events;

import io.cloudpods.store.EventStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * Keeps the events table bounded: every {@code cloudpods.events.retention.prune-interval} it
 * deletes the events whose last occurrence is older than {@code max-age}, then the oldest beyond
 * the newest {@code max-count}. Each bound is one {@code DELETE ... WHERE id IN (SELECT ... LIMIT
 * batch-size)} repeated in short transactions of its own, so a prune never holds many row locks for
 * long. An event series that occurred again recently stays, however old its first occurrence: age
 * is {@code last_seen}, and the newest are those with the highest (renewed) ids.
 */
@ApplicationScoped
public class EventRetention {

  private static final Logger LOG = Logger.getLogger(EventRetention.class);

  private final EventStore store;
  private final EventsConfig.Retention config;
  private final EventsConfig.Series series;

  public EventRetention(EventStore store, EventsConfig config) {
    this.store = store;
    this.config = config.retention();
    this.series = config.series();
  }

  /** Refuses to start with a retention bound or series window that makes no sense. */
  void onStart(@Observes StartupEvent event) {
    validate(config);
    validate(series);
  }

  /**
   * Throws an {@link IllegalArgumentException} naming the first key whose value is not positive.
   */
  public static void validate(EventsConfig.Retention r) {
    if (r.maxAge().isNegative() || r.maxAge().isZero()) {
      throw invalid("max-age", r.maxAge());
    }
    if (r.maxCount() <= 0) {
      throw invalid("max-count", r.maxCount());
    }
    if (r.batchSize() <= 0) {
      throw invalid("batch-size", r.batchSize());
    }
  }

  /** Validates the series window the same way. */
  public static void validate(EventsConfig.Series s) {
    if (s.window().isNegative()) {
      throw new IllegalArgumentException(
          "cloudpods.events.series.window must not be negative (0 turns series off), got "
              + s.window());
    }
  }

  private static IllegalArgumentException invalid(String key, Object value) {
    return new IllegalArgumentException(
        "cloudpods.events.retention." + key + " must be positive, got " + value);
  }

  @Scheduled(
      identity = "event-retention",
      every = "${cloudpods.events.retention.prune-interval:1m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledPrune() {
    try {
      prune();
    } catch (RuntimeException e) {
      LOG.warnf("event retention: prune failed, trying again next time: %s", e.getMessage());
    }
  }

  /** Runs one prune now; returns how many events it deleted. */
  public long prune() {
    long deleted = pruneOlderThan(config.maxAge());
    OptionalLong beyond = store.idBeyondNewest(config.maxCount());
    if (beyond.isPresent()) {
      int n;
      do {
        n = store.deleteUpTo(beyond.getAsLong(), config.batchSize());
        deleted += n;
      } while (n == config.batchSize());
    }
    if (deleted > 0) {
      LOG.debugf("event retention: deleted %d events", deleted);
    }
    return deleted;
  }

  private long pruneOlderThan(Duration maxAge) {
    long deleted = 0;
    int n;
    do {
      n = store.deleteOlderThan(maxAge, config.batchSize());
      deleted += n;
    } while (n == config.batchSize());
    return deleted;
  }
}
