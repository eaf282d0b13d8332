package io.cloudpods.backup.schedule;

import java.util.Locale;

/**
 * {@code spec.catchUp}: what a policy does about due times missed while the controller was down.
 */
public enum CatchUp {
  /** Run once at start-up for all the missed due times together (the default). */
  ONCE,
  /** Record the missed due times as skipped and wait for the next one. */
  SKIP;

  /** {@code Once} or {@code Skip} (any case); null or blank = {@link #ONCE}. */
  public static CatchUp parse(String text) {
    if (text == null || text.isBlank()) {
      return ONCE;
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "once" -> ONCE;
      case "skip" -> SKIP;
      default ->
          throw new IllegalArgumentException(
              "spec.catchUp: '" + text + "' is not one of Once, Skip");
    };
  }
}
