package io.cloudpods.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.api.v1alpha1.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code config/loki/cloudpods-events.alloy}, the Grafana Alloy pipeline that ships the JSON event
 * log to Loki, parsed with the Alloy configuration syntax (blocks, attributes, strings, arrays,
 * objects, references; Debian has no Alloy package to run {@code alloy fmt} with): every component
 * reference resolves, the JSON stage extracts fields the log really writes, and the labels are few
 * and bounded while per-pod values go to structured metadata.
 */
class LokiAgentConfigTest {

  private static final Path CONFIG =
      Path.of(System.getProperty("user.dir"), "config/loki/cloudpods-events.alloy");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Block> config;

  @BeforeAll
  static void parse() throws Exception {
    config = new Parser(Files.readString(CONFIG)).body();
  }

  @Test
  void pipeline_readsTheFileProcessesItAndWritesToLoki_everyReferenceResolves() {
    Map<String, Block> components = new LinkedHashMap<>();
    for (Block b : config) {
      assertThat(b.label).as("component %s has a label", b.name).isNotNull();
      assertThat(components.put(b.name + "." + b.label, b)).as("duplicate " + b.name).isNull();
    }
    assertThat(components.keySet())
        .containsExactly(
            "local.file_match.cloudpods_events",
            "loki.source.file.cloudpods_events",
            "loki.process.cloudpods_events",
            "loki.write.default");
    Map<String, String> exports =
        Map.of(
            "local.file_match", "targets",
            "loki.process", "receiver",
            "loki.write", "receiver");
    List<String> refs = new ArrayList<>();
    for (Block b : config) {
      collectRefs(b, refs);
    }
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      String component = ref.substring(0, ref.lastIndexOf('.'));
      String export = ref.substring(ref.lastIndexOf('.') + 1);
      Block target = components.get(component);
      assertThat(target).as("reference %s names a component defined here", ref).isNotNull();
      assertThat(export).as(ref).isEqualTo(exports.get(target.name));
    }
    Block source = components.get("loki.source.file.cloudpods_events");
    assertThat(source.attrs.get("forward_to"))
        .isEqualTo(List.of(new Ref("loki.process.cloudpods_events.receiver")));
    Block match = components.get("local.file_match.cloudpods_events");
    @SuppressWarnings("unchecked")
    Map<String, Object> target =
        (Map<String, Object>) ((List<?>) match.attrs.get("path_targets")).get(0);
    assertThat((String) target.get("__path__")).endsWith(".log");
    Block write = components.get("loki.write.default");
    assertThat((String) write.child("endpoint").attrs.get("url")).endsWith("/loki/api/v1/push");
  }

  @Test
  void jsonStage_extractsFieldsTheEventLogWrites_labelsBounded_restStructuredMetadata()
      throws Exception {
    Block process = component("loki.process");
    @SuppressWarnings("unchecked")
    Map<String, Object> extracted =
        (Map<String, Object>) process.child("stage.json").attrs.get("expressions");
    String line =
        JsonLineLog.format(
            Event.info("TaskSucceeded", "vzclone finished", "CloudPod", "t", "web")
                .about(9101, "web", "10.1.10.91")
                .by("controller"),
            new EventContext("uid-1", 1L, "UPID:pve:1:2:3:vzclone:9000:u:", "default", 1, 512),
            OffsetDateTime.now(ZoneOffset.UTC));
    JsonNode fields = JSON.readTree(line);
    for (Object field : extracted.values()) {
      assertThat(fields.has((String) field))
          .as("the event log writes '%s': %s", field, line)
          .isTrue();
    }

    Block timestamp = process.child("stage.timestamp");
    assertThat(extracted).containsKey((String) timestamp.attrs.get("source"));
    assertThat(timestamp.attrs.get("format")).isEqualTo("RFC3339");
    OffsetDateTime.parse(fields.path("ts").asText()); // RFC 3339

    @SuppressWarnings("unchecked")
    Map<String, Object> labels =
        (Map<String, Object>) process.child("stage.labels").attrs.get("values");
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata =
        (Map<String, Object>) process.child("stage.structured_metadata").attrs.get("values");
    Set<String> bounded = Set.of("level", "region");
    assertThat(labels.keySet()).as("stream labels of bounded values only").isSubsetOf(bounded);
    assertThat(metadata.keySet()).contains("tenant", "name", "uid", "upid", "vmid", "actor");
    assertThat(metadata.keySet()).doesNotContainAnyElementsOf(labels.keySet());
    Set<Object> used = new HashSet<>(labels.values());
    used.addAll(metadata.values());
    assertThat(extracted.keySet())
        .as("labels and metadata come from the JSON stage")
        .containsAll(used.stream().map(String.class::cast).toList());
    @SuppressWarnings("unchecked")
    Map<String, Object> fileTarget =
        (Map<String, Object>)
            ((List<?>) component("local.file_match").attrs.get("path_targets")).get(0);
    long streamLabels =
        fileTarget.keySet().stream().filter(k -> !k.startsWith("__")).count() + labels.size();
    assertThat(streamLabels).as("service, env, region, level").isLessThanOrEqualTo(4);
    assertThat(process.attrs.get("forward_to"))
        .isEqualTo(List.of(new Ref("loki.write.default.receiver")));
  }

  private static Block component(String name) {
    return config.stream().filter(b -> b.name.equals(name)).findFirst().orElseThrow();
  }

  private static void collectRefs(Block b, List<String> out) {
    b.attrs.values().forEach(v -> collectRefs(v, out));
    b.blocks.forEach(c -> collectRefs(c, out));
  }

  private static void collectRefs(Object v, List<String> out) {
    if (v instanceof Ref r) {
      out.add(r.path);
    } else if (v instanceof List<?> l) {
      l.forEach(x -> collectRefs(x, out));
    } else if (v instanceof Map<?, ?> m) {
      m.values().forEach(x -> collectRefs(x, out));
    }
  }

  record Ref(String path) {}

  static final class Block {
    final String name;
    final String label;
    final Map<String, Object> attrs = new LinkedHashMap<>();
    final List<Block> blocks = new ArrayList<>();

    Block(String name, String label) {
      this.name = name;
      this.label = label;
    }

    Block child(String name) {
      return blocks.stream()
          .filter(b -> b.name.equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no block " + name + " in " + this.name));
    }
  }

  /**
   * The Alloy configuration syntax: {@code body = (attribute | block)*}, {@code attribute = IDENT
   * "=" expr}, {@code block = IDENT ("." IDENT)* [STRING] "{" body "}"}, {@code expr = string |
   * number | bool | null | array | object | reference}; comments {@code //} and {@code /* *}{@code
   * /}. A syntax error names the line.
   */
  static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    List<Block> body() {
      List<Block> top = new ArrayList<>();
      Block root = new Block("", "");
      parseBody(root, true);
      assertThat(root.attrs).as("top-level attributes").isEmpty();
      top.addAll(root.blocks);
      return top;
    }

    private void parseBody(Block into, boolean top) {
      while (true) {
        skip();
        if (i >= s.length()) {
          if (!top) {
            throw error("unclosed block " + into.name);
          }
          return;
        }
        if (s.charAt(i) == '}') {
          if (top) {
            throw error("unexpected }");
          }
          i++;
          return;
        }
        String name = dotted();
        skip();
        char c = peek();
        if (c == '=') {
          i++;
          if (name.contains(".")) {
            throw error("attribute names have no dots: " + name);
          }
          if (into.attrs.put(name, expr()) != null) {
            throw error("attribute " + name + " set twice");
          }
        } else {
          String label = null;
          if (c == '"') {
            label = string();
            skip();
          }
          expect('{');
          Block b = new Block(name, label);
          parseBody(b, false);
          into.blocks.add(b);
        }
      }
    }

    private Object expr() {
      skip();
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (c == '[') {
        i++;
        List<Object> list = new ArrayList<>();
        while (true) {
          skip();
          if (peek() == ']') {
            i++;
            return list;
          }
          list.add(expr());
          skip();
          if (peek() == ',') {
            i++;
          } else {
            skip();
            expect(']');
            return list;
          }
        }
      }
      if (c == '{') {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        while (true) {
          skip();
          if (peek() == '}') {
            i++;
            return m;
          }
          String key = peek() == '"' ? string() : ident();
          skip();
          expect('=');
          if (m.put(key, expr()) != null) {
            throw error("key " + key + " twice");
          }
          skip();
          if (peek() == ',') {
            i++;
          } else {
            skip();
            expect('}');
            return m;
          }
        }
      }
      if (Character.isDigit(c) || c == '-') {
        int start = i++;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        return Double.parseDouble(s.substring(start, i));
      }
      String word = dotted();
      return switch (word) {
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        case "null" -> null;
        default -> new Ref(word);
      };
    }

    private String dotted() {
      StringBuilder b = new StringBuilder(ident());
      while (i < s.length() && s.charAt(i) == '.') {
        i++;
        b.append('.').append(ident());
      }
      return b.toString();
    }

    private String ident() {
      int start = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      if (start == i || Character.isDigit(s.charAt(start))) {
        throw error("identifier expected");
      }
      return s.substring(start, i);
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        if (i >= s.length() || s.charAt(i) == '\n') {
          throw error("unterminated string");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\') {
          char e = s.charAt(i++);
          b.append(
              switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case '"', '\\' -> e;
                default -> throw error("unknown escape \\" + e);
              });
        } else {
          b.append(c);
        }
      }
    }

    private void skip() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (s.startsWith("//", i)) {
          while (i < s.length() && s.charAt(i) != '\n') {
            i++;
          }
        } else if (s.startsWith("/*", i)) {
          int end = s.indexOf("*/", i + 2);
          if (end < 0) {
            throw error("unclosed comment");
          }
          i = end + 2;
        } else {
          return;
        }
      }
    }

    private char peek() {
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(i);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("'" + c + "' expected, found '" + s.charAt(i) + "'");
      }
      i++;
    }

    private AssertionError error(String what) {
      int line = 1;
      for (int k = 0; k < Math.min(i, s.length()); k++) {
        if (s.charAt(k) == '\n') {
          line++;
        }
      }
      return new AssertionError(CONFIG.getFileName() + ":" + line + ": " + what);
    }
  }
}
