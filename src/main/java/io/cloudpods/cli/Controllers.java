package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code cloudpods get controllers}: the controller replicas sharing the database and the lease of
 * each Proxmox cluster, from the {@code controllers} field of {@code GET /api/v1/status}.
 */
final class Controllers {
  /** The names {@code get} takes for it, case-insensitive. */
  static final List<String> NAMES = List.of("controllers", "controller");

  private final CliMain cli;

  Controllers(CliMain cli) {
    this.cli = cli;
  }

  static boolean named(String text) {
    return NAMES.contains(text.toLowerCase(Locale.ROOT));
  }

  int get(List<String> names, String output, boolean headers) {
    if (!names.isEmpty()) {
      throw CliException.usage(
          "get controllers takes no name: it shows every replica and every lease");
    }
    if (!List.of("", "json", "yaml").contains(output)) {
      throw CliException.usage(
          "get controllers prints tables, -o json or -o yaml (not -o " + output + ")");
    }
    // limit=0: only the summary, not the pods and orphans the status would list
    JsonNode status = cli.http().get("/api/v1/status?limit=0");
    JsonNode controllers = status.get("controllers");
    if (controllers == null) {
      throw CliException.failure(
          "the server's GET /api/v1/status has no 'controllers': the server predates controller"
              + " replicas and leases (upgrade it to see them)");
    }
    if (!controllers.isObject()) {
      throw CliException.failure(
          "the server shows no controllers to this token: replicas and leases are shown to an"
              + " admin token, not to a tenant token");
    }
    PrintStream out = cli.out;
    switch (output) {
      case "json" -> out.println(Json.pretty(controllers));
      case "yaml" -> out.print(Json.yaml(controllers));
      default -> {
        if (controllers.path("replicas").isEmpty() && controllers.path("leases").isEmpty()) {
          cli.err.println("No resources found.");
          return 0;
        }
        replicas(controllers.path("replicas"), cli.now()).print(out, headers);
        out.println();
        leases(controllers.path("leases")).print(out, headers);
      }
    }
    return 0;
  }

  /** REPLICA HOST PID LIVE CLUSTERS LAST-SEEN STARTED, in the server's order. */
  static Table replicas(JsonNode replicas, Instant now) {
    Table t =
        new Table(List.of("REPLICA", "HOST", "PID", "LIVE", "CLUSTERS", "LAST-SEEN", "STARTED"));
    for (JsonNode r : replicas) {
      List<String> clusters = new ArrayList<>();
      r.path("clusters").forEach(c -> clusters.add(c.asText()));
      t.row(
          List.of(
              Table.text(r.get("id")),
              Table.text(r.get("host")),
              Table.text(r.get("pid")),
              Table.text(r.get("live")),
              clusters.isEmpty() ? "<none>" : String.join(",", clusters),
              r.hasNonNull("seenSecondsAgo")
                  ? seconds(Math.max(0, r.get("seenSecondsAgo").asDouble())) + " ago"
                  : "<none>",
              started(r, now)));
    }
    return t;
  }

  /** CLUSTER HOLDER GENERATION HELD EXPIRES-IN, in the server's order. */
  static Table leases(JsonNode leases) {
    Table t = new Table(List.of("CLUSTER", "HOLDER", "GENERATION", "HELD", "EXPIRES-IN"));
    for (JsonNode l : leases) {
      boolean held = l.hasNonNull("holder");
      String expires;
      if (!held) {
        expires = "released";
      } else if (!l.hasNonNull("expiresInSeconds")) {
        expires = "<none>";
      } else {
        double in = l.get("expiresInSeconds").asDouble();
        expires = in >= 0 ? seconds(in) : "expired " + seconds(-in) + " ago";
      }
      t.row(
          List.of(
              Table.text(l.get("cluster")),
              Table.text(l.get("holder")),
              Table.text(l.get("generation")),
              held && l.hasNonNull("heldSeconds")
                  ? seconds(Math.max(0, l.get("heldSeconds").asDouble()))
                  : "<none>",
              expires));
    }
    return t;
  }

  /**
   * How long ago the replica started, counted on the server's clock (its last heartbeat plus how
   * long ago that was) so that a client whose clock is off still reads the right age; the client's
   * clock only when the server gave no heartbeat.
   */
  private static String started(JsonNode r, Instant now) {
    Instant started = Table.instant(r.get("startedAt"));
    Instant seen = Table.instant(r.get("lastSeen"));
    if (started == null) {
      return "<none>";
    }
    if (seen == null || !r.hasNonNull("seenSecondsAgo")) {
      return Table.age(r.get("startedAt"), now);
    }
    Duration sinceSeen = Duration.ofMillis(Math.round(r.get("seenSecondsAgo").asDouble() * 1000));
    return Table.shortDuration(Duration.between(started, seen).plus(sinceSeen));
  }

  /**
   * Seconds as the lease settings are reasoned about: tenths below 10 s ({@code 0.4s}, {@code
   * 5.4s}), then kubectl's short form ({@code 12s}, {@code 3m}, {@code 2h}).
   */
  static String seconds(double s) {
    if (Math.round(s * 10) < 100) {
      return String.format(Locale.ROOT, "%.1fs", s);
    }
    // whole seconds, cut off as kubectl's ages are (9.96 s, shown as 10.0 by the tenths, is 10s)
    return Table.shortDuration(Duration.ofSeconds(Math.max(10, (long) Math.floor(s))));
  }
}
