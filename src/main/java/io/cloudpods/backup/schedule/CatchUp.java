package io.cloudpods.backup.schedule;

import java.util.Locale;

/**
 * {@code spec.catchUp}: what a policy does about due times missed while the controller was down.
 */
public enum CatchUp {
  /** Run once at start-up for all the missed due times together. */
  ONCE,
  /** Record the missed due times as skipped and wait for the next one (the default). */
  SKIP;

  /**
   * {@code Once} or {@code Skip} (any case); null or blank = {@link #SKIP}, the schema's default (a
   * row written by SQL without it reads the same as one written through the API).
   */
  public static CatchUp parse(String text) {
    if (text == null || text.isBlank()) {
      return SKIP;
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
