package io.cloudpods.sim;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses human durations such as {@code 10s}, {@code 250ms}, {@code 2m}, {@code 1.5s} or ISO-8601
 * {@code PT10S}.
 */
final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  private Durations() {}

  static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("pt")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    }
    Matcher m = SIMPLE.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (expected e.g. 10s, 250ms, 2m)");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis =
        switch (unit) {
          case "ms" -> value;
          case "s" -> value * 1000;
          case "m" -> value * 60_000;
          default -> value * 3_600_000;
        };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
