package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.RequestBody;

/** {@code cloudpods token create|list|revoke}: API tokens through {@code /api/v1/tokens}. */
final class Tokens {
  private static final Pattern PART = Pattern.compile("(\\d+)(d|h|m|s)");

  private final CliMain cli;

  Tokens(CliMain cli) {
    this.cli = cli;
  }

  int token(Args a) {
    List<String> ops = a.operands();
    if (ops.isEmpty()) {
      throw CliException.usage(
          "usage: cloudpods token create|list|revoke (see 'cloudpods help token')");
    }
    String sub = ops.get(0);
    List<String> rest = ops.subList(1, ops.size());
    return switch (sub) {
      case "create" -> create(a, rest);
      case "list", "ls" -> list(a, rest);
      case "revoke", "delete" -> revoke(rest);
      default ->
          throw CliException.usage(
              "unknown token command '" + sub + "' (expected create, list or revoke)");
    };
  }

  private int create(Args a, List<String> rest) {
    if (rest.size() != 1) {
      throw CliException.usage(
          "usage: cloudpods token create NAME --role admin|tenant|readonly [--tenant T]"
              + " [--expires-at TIME | --expires-in 30d]");
    }
    String role = a.value("role");
    if (role == null || role.isBlank()) {
      throw CliException.usage("--role is required (admin, tenant or readonly)");
    }
    if (a.value("expires-at") != null && a.value("expires-in") != null) {
      throw CliException.usage("give --expires-at or --expires-in, not both");
    }
    ObjectNode body = Json.NODES.objectNode();
    body.put("name", rest.get(0));
    body.put("role", role);
    String tenant = a.value("tenant");
    if (tenant != null && !tenant.isBlank()) {
      body.put("tenant", tenant);
    }
    Instant expires = null;
    if (a.value("expires-at") != null) {
      expires = parseTime(a.value("expires-at"));
    } else if (a.value("expires-in") != null) {
      expires = cli.now().plus(parseExpiresIn(a.value("expires-in")));
    }
    if (expires != null) {
      body.put("expiresAt", expires.toString());
    }
    JsonNode created =
        cli.http()
            .call("POST", "/api/v1/tokens", RequestBody.create(Json.compact(body), Http.JSON));
    String output = a.value("output");
    if ("json".equals(output)) {
      cli.out.println(Json.pretty(created));
      return 0;
    }
    if (output != null) {
      throw CliException.usage("token create supports -o json only");
    }
    StringBuilder line =
        new StringBuilder("token/")
            .append(created.path("name").asText())
            .append(" created (role ")
            .append(created.path("role").asText());
    if (created.hasNonNull("tenant")) {
      line.append(", tenant ").append(created.path("tenant").asText());
    }
    if (created.hasNonNull("expiresAt")) {
      line.append(", expires ").append(created.path("expiresAt").asText());
    }
    cli.out.println(line.append(')'));
    cli.out.println(created.path("token").asText());
    cli.err.println(
        "the secret above is shown only this once: keep it in a file only you can read"
            + " (e.g. mode 0600) and pass it with --token-file");
    return 0;
  }

  private int list(Args a, List<String> rest) {
    if (!rest.isEmpty()) {
      throw CliException.usage("usage: cloudpods token list [-o json]");
    }
    JsonNode list = cli.http().get("/api/v1/tokens");
    String output = a.value("output");
    if ("json".equals(output)) {
      cli.out.println(Json.pretty(list));
      return 0;
    }
    if (output != null) {
      throw CliException.usage("token list supports -o json only");
    }
    Instant now = cli.now();
    Table t =
        new Table(List.of("NAME", "ROLE", "TENANT", "AGE", "EXPIRES", "LAST USED", "CREATED BY"));
    for (JsonNode o : list.path("items")) {
      t.row(
          List.of(
              o.path("name").asText(),
              o.path("role").asText(),
              o.hasNonNull("tenant") ? o.path("tenant").asText() : "<none>",
              Table.age(o.get("createdAt"), now),
              expires(o.get("expiresAt"), now),
              o.hasNonNull("lastUsedAt") ? Table.age(o.get("lastUsedAt"), now) + " ago" : "never",
              o.hasNonNull("createdBy") ? o.path("createdBy").asText() : "<none>"));
    }
    t.print(cli.out, !cli.args().bool("no-headers"));
    return 0;
  }

  private static String expires(JsonNode at, Instant now) {
    Instant t = Table.instant(at);
    if (t == null) {
      return "never";
    }
    return t.isAfter(now)
        ? "in " + Table.shortDuration(Duration.between(now, t))
        : "expired " + Table.shortDuration(Duration.between(t, now)) + " ago";
  }

  private int revoke(List<String> rest) {
    if (rest.isEmpty()) {
      throw CliException.usage("usage: cloudpods token revoke NAME...");
    }
    for (String name : rest) {
      cli.http().call("DELETE", "/api/v1/tokens/" + Http.segment(name), null);
      cli.out.println("token/" + name + " revoked");
    }
    return 0;
  }

  static Instant parseTime(String text) {
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw CliException.usage(
          "invalid --expires-at '" + text + "' (expected ISO-8601, e.g. 2030-01-31T00:00:00Z)");
    }
  }

  /** {@code 30d}, {@code 12h}, {@code 1d12h}, {@code 90m}. */
  static Duration parseExpiresIn(String text) {
    String t = text.strip();
    Matcher m = PART.matcher(t);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
              });
      end = m.end();
    }
    if (end == 0 || end != t.length() || d.isZero()) {
      throw CliException.usage("invalid --expires-in '" + text + "' (e.g. 30d, 12h, 1d12h)");
    }
    return d;
  }
}
