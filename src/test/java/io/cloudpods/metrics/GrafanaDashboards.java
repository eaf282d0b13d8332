package io.cloudpods.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dashboards of {@code config/grafana/dashboards} as the tests read them: every panel target's
 * query with the dashboard and panel it belongs to, the template variables, and the substitution
 * Grafana makes before it sends a query to Prometheus.
 */
final class GrafanaDashboards {

  static final Path DIR = Path.of("config/grafana/dashboards");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Grafana's own variables, with the values the tests give them. */
  static final Map<String, String> BUILT_INS =
      Map.of("__rate_interval", "1m", "__interval", "15s", "__range", "10m");

  private static final Pattern VARIABLE =
      Pattern.compile(
          "\\$\\{([A-Za-z0-9_]+)(?::[a-z]+)?}|\\$([A-Za-z0-9_]+)|\\[\\[([A-Za-z0-9_]+)]]");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\(\\s*([^,]+?)\\s*,\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)$");

  private GrafanaDashboards() {}

  /** One dashboard file. */
  record Dashboard(Path file, JsonNode json) {
    String title() {
      return json.path("title").asText();
    }

    /** Every panel, those inside collapsed rows included. */
    List<JsonNode> panels() {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode p : json.path("panels")) {
        out.add(p);
        for (JsonNode inner : p.path("panels")) {
          out.add(inner);
        }
      }
      return out;
    }

    /** The template variables by name, in their order. */
    Map<String, JsonNode> variables() {
      Map<String, JsonNode> out = new LinkedHashMap<>();
      for (JsonNode v : json.path("templating").path("list")) {
        out.put(v.path("name").asText(), v);
      }
      return out;
    }

    List<Target> targets() {
      List<Target> out = new ArrayList<>();
      for (JsonNode p : panels()) {
        for (JsonNode t : p.path("targets")) {
          out.add(new Target(title(), p.path("title").asText(), t.path("expr").asText(), t));
        }
      }
      return out;
    }
  }

  /** A query of a panel. */
  record Target(String dashboard, String panel, String expr, JsonNode json) {
    @Override
    public String toString() {
      return "dashboard '" + dashboard + "', panel '" + panel + "': " + expr;
    }
  }

  static List<Dashboard> all() {
    try (Stream<Path> files = Files.list(DIR)) {
      List<Dashboard> out = new ArrayList<>();
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        out.add(new Dashboard(f, JSON.readTree(f.toFile())));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The names of the variables {@code text} refers to ({@code $x}, {@code ${x}}, {@code [[x]]}).
   */
  static List<String> referencedVariables(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
    }
    return out;
  }

  /** {@code text} with every variable replaced by {@code value.apply(name)}. */
  static String substitute(String text, Function<String, String> value) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      m.appendReplacement(out, Matcher.quoteReplacement(value.apply(name)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The query of a query variable (Grafana keeps it as a string or as {@code {query: ...}}). */
  static String variableQuery(JsonNode variable) {
    JsonNode q = variable.path("query");
    return q.isTextual() ? q.asText() : q.path("query").asText();
  }

  /**
   * {@code label_values(selector, label)} as its selector and label, or null for another kind of
   * variable query.
   */
  static String[] labelValues(String query) {
    Matcher m = LABEL_VALUES.matcher(query.strip());
    return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
  }
}
