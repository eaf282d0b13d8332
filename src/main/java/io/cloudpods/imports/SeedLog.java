package io.cloudpods.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The seed scripts' JSON log, {@code /var/log/migra-cloudpods.log}: one object per line written by
 * {@code json_log} ({@code ts}, {@code level}, {@code message} with its quotes escaped, then the
 * step's fields: {@code vmid}, {@code hostname}, {@code ip} as {@code a.b.c.d/24}, {@code tenant},
 * {@code cores}, {@code memory_mb}, ...). Read as a stream and folded per VMID, so memory grows
 * with the number of pods, not with the file: a line that is not a JSON object (the script's fields
 * are not escaped, a write cut short) is a warning naming its line and is skipped.
 */
public final class SeedLog {

  static final int MAX_LINE_BYTES = 64 * 1024;
  static final int MAX_WARNINGS = 200;

  /** The log as read: the state of every VMID it mentions, and the lines that were not used. */
  public record Contents(Map<Integer, LogPod> pods, List<ImportWarning> warnings, long lines) {
    public Contents {
      pods = java.util.Collections.unmodifiableMap(new TreeMap<>(pods));
      warnings = List.copyOf(warnings);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SeedLog() {}

  /** Reads the log from {@code in} (named {@code file} in messages), as a stream. */
  public static Contents read(InputStream in, String file) {
    LineReader r = new LineReader(in, file, MAX_LINE_BYTES);
    Map<Integer, LogPod> pods = new TreeMap<>();
    List<ImportWarning> warnings = new ArrayList<>();
    Warnings w = new Warnings(file, warnings, MAX_WARNINGS);
    LineReader.Line line;
    long lines = 0;
    while ((line = r.next()) != null) {
      lines = line.number();
      if (line.tooLong()) {
        w.add(line.number(), "line longer than " + MAX_LINE_BYTES + " bytes; skipped");
        continue;
      }
      String t = line.text().strip();
      if (t.isEmpty()) {
        continue;
      }
      JsonNode node;
      try {
        node = MAPPER.readTree(t);
      } catch (JsonProcessingException e) {
        boolean truncated = t.startsWith("{") && !t.endsWith("}");
        w.add(
            line.number(),
            (truncated
                    ? "truncated JSON (the line ends before the object does)"
                    : "not JSON: " + firstLine(e.getOriginalMessage()))
                + "; skipped: '"
                + Warnings.excerpt(t)
                + "'");
        continue;
      }
      if (node == null || !node.isObject()) {
        w.add(line.number(), "not a JSON object; skipped: '" + Warnings.excerpt(t) + "'");
        continue;
      }
      fold(pods, node, line.number(), w);
    }
    w.finish();
    return new Contents(pods, warnings, lines);
  }

  private static void fold(Map<Integer, LogPod> pods, JsonNode o, long line, Warnings w) {
    JsonNode v = o.get("vmid");
    if (v == null) {
      return; // a line about no pod
    }
    int vmid;
    if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() > 0) {
      vmid = v.asInt();
    } else if (v.isTextual() && v.asText().strip().matches("[1-9]\\d{0,8}")) {
      vmid = Integer.parseInt(v.asText().strip());
    } else {
      w.add(line, "vmid is not a number: '" + Warnings.excerpt(v.asText()) + "'; skipped");
      return;
    }
    String message = o.path("message").asText("");
    LogPod before = pods.get(vmid);
    LogPod.State state = stateOf(message, before == null ? null : before.state());
    pods.put(
        vmid,
        new LogPod(
            vmid,
            text(o, "hostname", before == null ? null : before.hostname()),
            address(o, before == null ? null : before.ip()),
            text(o, "tenant", before == null ? null : before.tenant()),
            number(o, "cores", before == null ? null : before.cores()),
            number(o, "memory_mb", before == null ? null : before.memoryMb()),
            state,
            line));
  }

  private static LogPod.State stateOf(String message, LogPod.State before) {
    return switch (message) {
      case "CloudPod create requested", "Cloning template", "Configuring netplan" ->
          before == LogPod.State.CREATED && !message.equals("CloudPod create requested")
              ? LogPod.State.CREATED
              : LogPod.State.REQUESTED;
      case "CloudPod created successfully" -> LogPod.State.CREATED;
      case "CloudPod destroy requested" -> LogPod.State.DESTROYING;
      case "CloudPod destroyed successfully" -> LogPod.State.DESTROYED;
      default -> before == null ? LogPod.State.REQUESTED : before;
    };
  }

  private static String text(JsonNode o, String field, String before) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull() || !n.isValueNode() || n.asText().isBlank()) {
      return before;
    }
    return n.asText().strip();
  }

  private static Integer number(JsonNode o, String field, Integer before) {
    JsonNode n = o.get(field);
    return n != null && n.canConvertToInt() && n.isIntegralNumber()
        ? Integer.valueOf(n.asInt())
        : before;
  }

  /** {@code 10.1.10.91/24} or {@code 10.1.10.91}; an empty or unreadable address never wins. */
  private static String address(JsonNode o, String before) {
    String ip = text(o, "ip", null);
    if (ip == null) {
      return before;
    }
    int slash = ip.indexOf('/');
    String bare = slash < 0 ? ip : ip.substring(0, slash);
    return IpamFile.isIpv4(bare) ? bare : before;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
