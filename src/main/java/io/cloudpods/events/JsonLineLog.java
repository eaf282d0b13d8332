package io.cloudpods.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cloudpods.api.v1alpha1.Event;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Appends events as JSON lines, one per occurrence, like the original scripts did: a repeat counted
 * on an event series in the database is still a line here, with the series' {@code count}. Each
 * line is written with one {@code write} on a file opened in append mode, so concurrent writers
 * never interleave inside a line.
 */
public final class JsonLineLog {

  private static final JsonFactory JSON = new JsonFactory();
  private final Path file;

  public JsonLineLog(Path file) {
    this.file = file;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of the event log " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  /** Formats one event as the line written to the file (without the newline). */
  public static String format(Event e, OffsetDateTime ts) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField(
          "ts", ts.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      g.writeStringField("level", e.level());
      g.writeStringField("message", e.message());
      if (e.vmid() != null) {
        g.writeNumberField("vmid", e.vmid());
      }
      if (e.hostname() != null) {
        g.writeStringField("hostname", e.hostname());
      }
      if (e.ip() != null) {
        g.writeStringField("ip", e.ip());
      }
      if (e.tenant() != null) {
        g.writeStringField("tenant", e.tenant());
      }
      g.writeStringField("reason", e.reason());
      if (e.kind() != null) {
        g.writeStringField("kind", e.kind());
      }
      if (e.name() != null) {
        g.writeStringField("name", e.name());
      }
      if (e.actor() != null) {
        g.writeStringField("actor", e.actor());
      }
      if (e.count() != null && e.count() > 1) {
        g.writeNumberField("count", e.count());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return w.toString();
  }

  public synchronized void append(Event e) {
    String line = format(e, OffsetDateTime.now(ZoneOffset.UTC)) + "\n";
    try {
      Files.writeString(
          file,
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot append to the event log " + file, ex);
    }
  }
}
