package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * {@code events}: the recent events as a table; with {@code --watch}, then every new one as it
 * arrives over Server-Sent Events ({@code GET /api/v1/events?watch=true}). A repeated event (an
 * event series) shows its count and last occurrence after its message, e.g. {@code (x12, last 3m
 * ago)}; {@code -o wide} adds who caused each event.
 */
final class Events {
  private static final List<String> HEADERS =
      List.of("AGE", "TENANT", "LEVEL", "REASON", "OBJECT", "MESSAGE");

  private static final List<String> WIDE_HEADERS =
      List.of("AGE", "TENANT", "LEVEL", "REASON", "OBJECT", "ACTOR", "MESSAGE");

  /** Column widths of a watched stream, where later rows cannot widen earlier ones. */
  private static final int[] STREAM_WIDTHS = {5, 12, 5, 16, 24, 0};

  private static final int[] WIDE_STREAM_WIDTHS = {5, 12, 5, 16, 24, 12, 0};

  private final CliMain cli;

  Events(CliMain cli) {
    this.cli = cli;
  }

  int events(Args a) {
    if (!a.operands().isEmpty()) {
      throw CliException.usage("events takes no arguments (got '" + a.operands().get(0) + "')");
    }
    String output = a.value("output") == null ? "" : a.value("output");
    if (!List.of("", "json", "wide").contains(output)) {
      throw CliException.usage(
          "unknown output format '" + output + "' for events (one of: json, wide)");
    }
    boolean json = output.equals("json");
    boolean wide = output.equals("wide");
    List<String> headers = wide ? WIDE_HEADERS : HEADERS;
    int[] widths = wide ? WIDE_STREAM_WIDTHS : STREAM_WIDTHS;
    int limit = 100;
    if (a.has("limit")) {
      try {
        limit = Integer.parseInt(a.value("limit"));
      } catch (NumberFormatException e) {
        throw CliException.usage("--limit must be a number, got '" + a.value("limit") + "'");
      }
    }
    String tenant = cli.tenant(a);
    String tenantQuery = tenant == null ? "" : "&tenant=" + Http.segment(tenant);
    Http http = cli.http();
    JsonNode recent = http.get("/api/v1/events?limit=" + limit + tenantQuery);
    List<JsonNode> items = new ArrayList<>();
    (recent.isArray() ? recent : recent.path("items")).forEach(items::add);
    PrintStream out = cli.out;
    Instant now = cli.now();
    if (!a.bool("watch")) {
      if (json) {
        out.println(Json.pretty(recent));
      } else if (items.isEmpty()) {
        cli.err.println("No events found.");
      } else {
        Table t = new Table(headers);
        items.forEach(e -> t.row(row(e, now, wide)));
        t.print(out, true);
      }
      return 0;
    }
    if (json) {
      items.forEach(e -> out.println(Json.compact(e)));
    } else {
      out.println(Table.line(headers, widths));
      items.forEach(e -> out.println(Table.line(row(e, now, wide), widths)));
    }
    out.flush();
    String since =
        items.isEmpty() ? "" : "&since=" + items.get(items.size() - 1).path("id").asLong();
    try (Response r = http.stream("/api/v1/events?watch=true" + tenantQuery + since)) {
      readStream(
          r.body().source(),
          data -> {
            JsonNode e = Json.parse(data, "an event from the stream");
            out.println(json ? Json.compact(e) : Table.line(row(e, cli.now(), wide), widths));
            out.flush();
          });
    } catch (IOException e) {
      throw CliException.failure(
          "the event stream from " + http.server() + " broke: " + e.getMessage());
    }
    throw CliException.failure(
        "the event stream from " + http.server() + " ended (the server closed it)");
  }

  /**
   * Reads {@code text/event-stream} until it ends: {@code data:} lines are joined and handed over
   * at each blank line; comments ({@code :...}) and the {@code id}, {@code event}, {@code retry}
   * fields are skipped.
   */
  static void readStream(BufferedSource source, Consumer<String> onData) throws IOException {
    StringBuilder data = new StringBuilder();
    boolean hasData = false;
    String line;
    while ((line = source.readUtf8Line()) != null) {
      if (line.isEmpty()) {
        if (hasData) {
          onData.accept(data.toString());
        }
        data.setLength(0);
        hasData = false;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      if (field.equals("data")) {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
    }
    if (hasData) {
      onData.accept(data.toString());
    }
  }

  static List<String> row(JsonNode e, Instant now) {
    return row(e, now, false);
  }

  static List<String> row(JsonNode e, Instant now, boolean wide) {
    String kind = e.path("kind").asText("");
    String name = e.path("name").asText("");
    String object = kind.isEmpty() ? name : kind.toLowerCase(Locale.ROOT) + "/" + name;
    List<String> row =
        new ArrayList<>(
            List.of(
                Table.age(e.get("ts"), now),
                e.path("tenant").asText(""),
                e.path("level").asText(""),
                e.path("reason").asText(""),
                object));
    if (wide) {
      row.add(actor(e));
    }
    row.add(message(e, now));
    return row;
  }

  /** Who caused the event; {@code <unknown>} for events stored before actors were recorded. */
  static String actor(JsonNode e) {
    return e.path("actor").asText("<unknown>");
  }

  /** The message, with {@code (xN, last AGE ago)} for an event that occurred N > 1 times. */
  static String message(JsonNode e, Instant now) {
    String message = e.path("message").asText("");
    int count = e.path("count").asInt(1);
    if (count <= 1) {
      return message;
    }
    JsonNode last = e.hasNonNull("lastSeen") ? e.get("lastSeen") : e.get("ts");
    String suffix = "(x" + count + ", last " + Table.age(last, now) + " ago)";
    return message.isEmpty() ? suffix : message + " " + suffix;
  }
}
