package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.RequestBody;

/**
 * {@code apply} and {@code diff}: both send the manifests as one batch to {@code POST
 * /api/v1/apply}.
 */
final class Apply {
  private static final Pattern ITEM = Pattern.compile("items\\[(\\d+)]\\.?");

  private final CliMain cli;

  Apply(CliMain cli) {
    this.cli = cli;
  }

  int apply(Args a) {
    if (!a.operands().isEmpty()) {
      throw CliException.usage(
          "apply takes no arguments besides -f FILE|DIR|- (got '" + a.operands().get(0) + "')");
    }
    boolean dryRun = a.bool("dry-run");
    Duration timeout =
        a.has("timeout")
            ? CliMain.parseDuration(a.value("timeout"), "timeout")
            : Waiter.DEFAULT_TIMEOUT;
    if (a.has("timeout") && !a.bool("wait")) {
      throw CliException.usage("--timeout is used only with --wait");
    }
    List<Manifest> ms = Manifest.load(a.values("filename"), cli.in, cli.cwd, a.value("tenant"));
    JsonNode response = send(ms, dryRun);
    List<Waiter.Target> targets = new ArrayList<>();
    for (JsonNode item : response.path("items")) {
      Optional<ResourceKind> kind = ResourceKind.ofKindField(item.path("kind").asText());
      String name = item.path("name").asText();
      String qualified =
          kind.map(ResourceKind::qualified).orElse(item.path("kind").asText().toLowerCase());
      cli.out.println(
          qualified
              + "/"
              + name
              + " "
              + item.path("result").asText()
              + (dryRun ? " (dry run)" : ""));
      kind.ifPresent(
          k ->
              targets.add(
                  new Waiter.Target(
                      k, k.tenantScoped() ? item.path("tenant").asText(null) : null, name)));
    }
    cli.out.flush();
    if (a.bool("wait") && !dryRun) {
      return new Waiter(cli).waitFor(targets, Waiter.Goal.condition("Ready", "True"), timeout);
    }
    return 0;
  }

  /** One {@code POST /api/v1/apply} with every document as multi-document YAML. */
  private JsonNode send(List<Manifest> ms, boolean dryRun) {
    StringBuilder body = new StringBuilder();
    for (Manifest m : ms) {
      body.append(Json.yamlDocument(m.doc()));
    }
    try {
      return cli.http()
          .call(
              "POST",
              "/api/v1/apply" + (dryRun ? "?dryRun=true" : ""),
              RequestBody.create(body.toString(), Http.YAML));
    } catch (ServerException e) {
      throw new ServerException(
          e.status(),
          e.reason(),
          locate(e.getMessage(), ms),
          e.details().stream().map(d -> locate(d, ms)).toList());
    }
  }

  /** {@code items[2].spec.cores: ...} becomes {@code FILE (document 2): spec.cores: ...}. */
  static String locate(String text, List<Manifest> ms) {
    Matcher m = ITEM.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      int i = Integer.parseInt(m.group(1));
      String repl = i < ms.size() ? ms.get(i).source() + ": " + ms.get(i).ref() + " " : m.group();
      m.appendReplacement(sb, Matcher.quoteReplacement(repl));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  // ---- diff -------------------------------------------------------------------------------------

  int diff(Args a) {
    if (!a.operands().isEmpty()) {
      throw CliException.usage(
          "diff takes no arguments besides -f FILE|DIR|- (got '" + a.operands().get(0) + "')");
    }
    List<Manifest> ms = Manifest.load(a.values("filename"), cli.in, cli.cwd, a.value("tenant"));
    JsonNode response = send(ms, true);
    boolean differs = false;
    int i = 0;
    for (JsonNode item : response.path("items")) {
      Manifest m = i < ms.size() ? ms.get(i) : null;
      i++;
      ResourceKind kind =
          ResourceKind.ofKindField(item.path("kind").asText()).orElse(m == null ? null : m.kind());
      if (kind == null) {
        continue;
      }
      String name = item.path("name").asText();
      String tenant = kind.tenantScoped() ? item.path("tenant").asText(null) : null;
      String label = kind.qualified() + "/" + name;
      String from = m == null ? "file" : m.source();
      JsonNode wanted = item.path("object");
      String result = item.path("result").asText();
      if (result.equals("unchanged")) {
        cli.out.println(label + " unchanged");
        continue;
      }
      Optional<JsonNode> current =
          result.equals("created")
              ? Optional.empty()
              : cli.http().find(kind.objectPath(tenant, name));
      differs = true;
      if (current.isEmpty()) {
        cli.out.println(label + " new");
        cli.out.println("--- /dev/null");
        cli.out.println("+++ " + label + " (" + from + ")");
        flatten(wanted).forEach((k, v) -> cli.out.println("+" + k + ": " + v));
        continue;
      }
      cli.out.println(label + " changed");
      cli.out.println("--- " + label + " (server)");
      cli.out.println("+++ " + label + " (" + from + ")");
      List<String> lines = diffLines(flatten(current.get()), flatten(wanted));
      if (lines.isEmpty()) {
        cli.out.println(" (no difference in spec or metadata.labels)");
      }
      lines.forEach(cli.out::println);
    }
    return differs ? 1 : 0;
  }

  /** {@code metadata.labels.*} and {@code spec.*} as sorted {@code path -> value} pairs. */
  static Map<String, String> flatten(JsonNode o) {
    Map<String, String> m = new TreeMap<>();
    flattenInto(m, "metadata.labels", o.path("metadata").path("labels"));
    flattenInto(m, "spec", o.path("spec"));
    return m;
  }

  private static void flattenInto(Map<String, String> m, String path, JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return;
    }
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> flattenInto(m, path + "." + e.getKey(), e.getValue()));
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        flattenInto(m, path + "[" + i + "]", n.get(i));
      }
    } else {
      m.put(path, n.asText());
    }
  }

  /** Unified-style lines over two sorted maps: {@code -path: old} then {@code +path: new}. */
  static List<String> diffLines(Map<String, String> before, Map<String, String> after) {
    TreeMap<String, Boolean> keys = new TreeMap<>();
    before.keySet().forEach(k -> keys.put(k, true));
    after.keySet().forEach(k -> keys.put(k, true));
    List<String> lines = new ArrayList<>();
    for (String k : keys.keySet()) {
      String b = before.get(k);
      String af = after.get(k);
      if (b != null && b.equals(af)) {
        continue;
      }
      if (b != null) {
        lines.add("-" + k + ": " + b);
      }
      if (af != null) {
        lines.add("+" + k + ": " + af);
      }
    }
    return lines;
  }
}
