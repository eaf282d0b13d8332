package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * kubectl-style plain tables: upper-case headers, columns padded to the widest cell, three spaces
 * apart.
 */
final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(List<String> headers) {
    this.headers = headers;
  }

  Table row(List<String> cells) {
    rows.add(cells);
    return this;
  }

  void print(PrintStream out, boolean withHeaders) {
    int[] w = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    if (withHeaders) {
      all.add(headers);
    }
    all.addAll(rows);
    for (List<String> r : all) {
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.max(w[i], cell(r, i).length());
      }
    }
    for (List<String> r : all) {
      out.println(line(r, w));
    }
  }

  static String line(List<String> r, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String c = cell(r, i);
      sb.append(c);
      if (i < widths.length - 1) {
        sb.append(" ".repeat(Math.max(0, widths[i] - c.length()) + 3));
      }
    }
    return sb.toString().stripTrailing();
  }

  private static String cell(List<String> r, int i) {
    return i < r.size() && r.get(i) != null ? r.get(i) : "";
  }

  /** Text of a field, or {@code <none>} like kubectl when it is absent. */
  static String text(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return "<none>";
    }
    return n.isValueNode() ? n.asText() : Json.compact(n);
  }

  /**
   * Age of an object like kubectl's short form: {@code 5s}, {@code 3m}, {@code 2h}, {@code 4d},
   * {@code 2y}. Timestamps are ISO-8601 strings or epoch seconds; {@code <unknown>} otherwise.
   */
  static String age(JsonNode timestamp, Instant now) {
    Instant t = instant(timestamp);
    return t == null ? "<unknown>" : shortDuration(Duration.between(t, now));
  }

  /**
   * How long until a time: {@code in 3h}, {@code due} once it has passed, {@code <none>} when
   * absent.
   */
  static String until(JsonNode timestamp, Instant now) {
    if (timestamp == null || timestamp.isNull() || timestamp.isMissingNode()) {
      return "<none>";
    }
    Instant t = instant(timestamp);
    if (t == null) {
      return "<unknown>";
    }
    return t.isAfter(now) ? "in " + shortDuration(Duration.between(now, t)) : "due";
  }

  /** A size in bytes the way kubectl shows quantities: {@code 512Ki}, {@code 1.5Gi}. */
  static String bytes(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode() || !n.canConvertToLong()) {
      return "<none>";
    }
    long b = n.asLong();
    String[] units = {"Ki", "Mi", "Gi", "Ti", "Pi"};
    if (b < 1024) {
      return b + "B";
    }
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    String num =
        v >= 100 || v == Math.rint(v)
            ? Long.toString(Math.round(v))
            : String.format(java.util.Locale.ROOT, "%.1f", v).replaceFirst("\\.0$", "");
    return num + units[u];
  }

  static Instant instant(JsonNode timestamp) {
    if (timestamp == null || timestamp.isNull() || timestamp.isMissingNode()) {
      return null;
    }
    if (timestamp.isNumber()) {
      double secs = timestamp.asDouble();
      return Instant.ofEpochSecond(
          (long) Math.floor(secs), (long) ((secs - Math.floor(secs)) * 1e9));
    }
    try {
      return Instant.parse(timestamp.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String shortDuration(Duration d) {
    long s = d.getSeconds();
    if (s < -1) {
      return "<invalid>";
    }
    if (s < 0) {
      return "0s";
    }
    if (s < 60) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 24) {
      return h + "h";
    }
    long days = h / 24;
    if (days < 365) {
      return days + "d";
    }
    return days / 365 + "y";
  }

  /** {@code 5m0s}, {@code 1m30s}, {@code 200ms}: how the CLI echoes a timeout back. */
  static String goDuration(Duration d) {
    if (d.toMillis() < 1000 && d.toMillis() > 0) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    StringBuilder sb = new StringBuilder();
    if (s >= 3600) {
      sb.append(s / 3600).append('h');
      s %= 3600;
      sb.append(s / 60).append('m');
    } else if (s >= 60) {
      sb.append(s / 60).append('m');
    }
    sb.append(s % 60).append('s');
    return sb.toString();
  }
}
