package io.cloudpods.apiserver;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits of the REST API. */
@ConfigMapping(prefix = "cloudpods.api")
public interface ApiConfig {
  /** Largest accepted request body; larger bodies answer 413. */
  @WithDefault("1048576")
  int maxBodyBytes();

  /** Most objects in one apply batch. */
  @WithDefault("500")
  int maxBatchItems();

  /** Events returned by {@code GET /api/v1/events} without {@code limit}. */
  @WithDefault("100")
  int eventsDefaultLimit();

  @WithDefault("1000")
  int eventsMaxLimit();

  /** How often the event stream ({@code ?watch=true}) looks for new events. */
  @WithDefault("500ms")
  Duration watchPollInterval();

  /** Open event streams ({@code ?watch=true}) per token; one more answers 429. */
  @WithDefault("4")
  int maxStreamsPerToken();

  /**
   * Bytes an event stream may have waiting to be sent; a reader that falls this far behind is
   * dropped (its connection closed) instead of being buffered without limit.
   */
  @WithDefault("262144")
  int streamBufferBytes();
}
