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
    return format(e, EventContext.NONE.withUpid(upidOf(e)), ts);
  }

  /**
   * Formats one event with what its object's row adds: the seed's fields ({@code ts, level,
   * message, vmid, hostname, ip, tenant, cores, memory_mb}), then {@code reason, kind, name, uid,
   * generation, upid, region, actor} and {@code count} for a repeat. Absent values are left out,
   * except {@code region}.
   */
  public static String format(Event e, EventContext c, OffsetDateTime ts) {
    StringWriter w = new StringWriter(320);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField(
          "ts", ts.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      g.writeStringField("level", e.level());
      g.writeStringField("message", e.message());
      if (e.vmid() != null) {
        g.writeNumberField("vmid", e.vmid());
      }
      string(g, "hostname", e.hostname());
      string(g, "ip", e.ip());
      string(g, "tenant", e.tenant());
      if (c.cores() != null) {
        g.writeNumberField("cores", c.cores());
      }
      if (c.memoryMb() != null) {
        g.writeNumberField("memory_mb", c.memoryMb());
      }
      g.writeStringField("reason", e.reason());
      string(g, "kind", e.kind());
      string(g, "name", e.name());
      string(g, "uid", c.uid());
      if (c.generation() != null) {
        g.writeNumberField("generation", c.generation());
      }
      string(g, "upid", c.upid());
      g.writeStringField("region", c.region() == null ? EventContext.DEFAULT_REGION : c.region());
      string(g, "actor", e.actor());
      if (e.count() != null && e.count() > 1) {
        g.writeNumberField("count", e.count());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return w.toString();
  }

  /** The task an event names in {@code extra.upid}, or null. */
  static String upidOf(Event e) {
    Object u = e.extra() == null ? null : e.extra().get(UPID);
    return u == null ? null : u.toString();
  }

  /** The {@code extra} key of the Proxmox task an event is about. */
  public static final String UPID = "upid";

  private static void string(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }

  /** Appends {@code e} as it is, without its object's context. */
  public void append(Event e) {
    append(e, EventContext.NONE.withUpid(upidOf(e)));
  }

  /**
   * Appends one line for {@code e}, timed at its latest occurrence ({@code lastSeen}), or now for
   * an event not stored.
   */
  public synchronized void append(Event e, EventContext c) {
    OffsetDateTime ts =
        e.lastSeen() != null
            ? e.lastSeen().atOffset(ZoneOffset.UTC)
            : OffsetDateTime.now(ZoneOffset.UTC);
    String line = format(e, c, ts) + "\n";
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
