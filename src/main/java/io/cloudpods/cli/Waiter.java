package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code wait} and {@code apply --wait}: polls the objects until each meets the goal or the timeout
 * passes. Results ({@code ... condition met}) go to stdout; progress goes to stderr, redrawn in
 * place on a terminal and otherwise printed only when an object's state changes.
 */
final class Waiter {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /** Pending lines shown on a terminal; the rest is summarised. */
  private static final int MAX_SHOWN = 10;

  record Target(ResourceKind kind, String tenant, String name) {
    String ref() {
      return kind.singular() + "/" + name;
    }
  }

  /** {@code --for=delete} or {@code --for=condition=TYPE[=STATUS]}. */
  record Goal(boolean delete, String type, String status) {
    static Goal condition(String type, String status) {
      return new Goal(false, type, status);
    }

    static Goal parse(String text) {
      if (text == null) {
        throw CliException.usage("wait needs --for=condition=Ready or --for=delete");
      }
      if (text.equals("delete")) {
        return new Goal(true, null, null);
      }
      if (text.startsWith("condition=") && text.length() > "condition=".length()) {
        String[] p = text.substring("condition=".length()).split("=", 2);
        return condition(p[0], p.length > 1 ? p[1] : "True");
      }
      throw CliException.usage(
          "unknown --for '" + text + "' (use condition=Ready, condition=TYPE=STATUS or delete)");
    }

    String metText() {
      return delete ? "deleted" : "condition met";
    }
  }

  /** One poll's verdict on one object. */
  record State(boolean done, String why) {}

  private final CliMain cli;

  Waiter(CliMain cli) {
    this.cli = cli;
  }

  int waitCommand(Args a) {
    Goal goal = Goal.parse(a.value("for"));
    Duration timeout =
        a.has("timeout") ? CliMain.parseDuration(a.value("timeout"), "timeout") : DEFAULT_TIMEOUT;
    List<Target> targets = new ArrayList<>();
    if (a.has("filename")) {
      for (Manifest m : Manifest.load(a.values("filename"), cli.in, cli.cwd, a.value("tenant"))) {
        targets.add(new Target(m.kind(), m.tenant(), m.name()));
      }
    }
    List<String> ops = a.operands();
    if (!ops.isEmpty()) {
      if (ops.get(0).contains("/")) {
        for (String op : ops) {
          int s = op.indexOf('/');
          if (s < 0) {
            throw CliException.usage("expected KIND/NAME, got '" + op + "'");
          }
          ResourceKind k = ResourceKind.require(op.substring(0, s));
          targets.add(new Target(k, tenantFor(k, a), op.substring(s + 1)));
        }
      } else {
        ResourceKind k = ResourceKind.require(ops.get(0));
        if (ops.size() < 2) {
          throw CliException.usage(
              "usage: cloudpods wait KIND/NAME --for=condition=Ready [--timeout=5m]");
        }
        for (String n : ops.subList(1, ops.size())) {
          targets.add(new Target(k, tenantFor(k, a), n));
        }
      }
    }
    if (targets.isEmpty()) {
      throw CliException.usage(
          "usage: cloudpods wait KIND/NAME --for=condition=Ready [--timeout=5m]");
    }
    return waitFor(targets, goal, timeout);
  }

  private String tenantFor(ResourceKind k, Args a) {
    if (!k.tenantScoped()) {
      return null;
    }
    String t = cli.tenant(a);
    if (t == null) {
      throw CliException.usage(
          k.plural() + " are tenant-scoped: pass --tenant T (or set CLOUDPODS_TENANT)");
    }
    return t;
  }

  int waitFor(List<Target> targets, Goal goal, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Progress progress = new Progress(cli, targets.size(), goal);
    boolean first = true;
    while (true) {
      Map<Target, State> polled;
      try {
        polled = poll(targets, goal);
      } catch (ServerException e) {
        if (e.status() < 500 && e.status() != 429) {
          progress.clear();
          throw e;
        }
        polled = unavailable(targets, e.getMessage());
      } catch (CliException e) {
        if (first) {
          throw e; // nothing is listening at all: no point in waiting
        }
        polled = unavailable(targets, e.getMessage());
      }
      first = false;
      Map<Target, State> states = polled;
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      progress.update(states, elapsed, timeout);
      List<Target> pending = targets.stream().filter(t -> !states.get(t).done()).toList();
      if (pending.isEmpty()) {
        progress.clear();
        return 0;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        progress.clear();
        List<String> details = new ArrayList<>();
        for (Target t : pending) {
          details.add(
              t.ref()
                  + (t.tenant() == null ? "" : " (tenant " + t.tenant() + ")")
                  + ": "
                  + states.get(t).why());
        }
        throw CliException.failure(
            "timed out after "
                + Table.goDuration(timeout)
                + " waiting for "
                + (goal.delete() ? "deletion" : "condition " + goal.type() + "=" + goal.status())
                + ": "
                + pending.size()
                + " of "
                + targets.size()
                + " not done",
            details);
      }
      sleep(Math.min(cli.pollInterval.toNanos(), left));
    }
  }

  private static Map<Target, State> unavailable(List<Target> targets, String why) {
    Map<Target, State> m = new LinkedHashMap<>();
    targets.forEach(t -> m.put(t, new State(false, "API unavailable: " + why)));
    return m;
  }

  private static void sleep(long nanos) {
    try {
      Thread.sleep(Math.max(1, nanos / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failure("interrupted");
    }
  }

  /**
   * Reads every target: one list call per kind and tenant when several share it, else one GET each.
   */
  private Map<Target, State> poll(List<Target> targets, Goal goal) {
    Map<String, List<Target>> groups = new LinkedHashMap<>();
    for (Target t : targets) {
      groups.computeIfAbsent(t.kind() + "/" + t.tenant(), k -> new ArrayList<>()).add(t);
    }
    Http http = cli.http();
    Map<Target, State> found = new HashMap<>();
    for (List<Target> g : groups.values()) {
      ResourceKind kind = g.get(0).kind();
      if (g.size() == 1) {
        Target t = g.get(0);
        found.put(t, judge(http.find(kind.objectPath(t.tenant(), t.name())).orElse(null), goal));
      } else {
        JsonNode list = http.get(kind.collectionPath(g.get(0).tenant()));
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode o : list.isArray() ? list : list.path("items")) {
          byName.put(o.path("metadata").path("name").asText(), o);
        }
        for (Target t : g) {
          found.put(t, judge(byName.get(t.name()), goal));
        }
      }
    }
    Map<Target, State> ordered = new LinkedHashMap<>();
    targets.forEach(t -> ordered.put(t, found.get(t)));
    return ordered;
  }

  /**
   * Whether one object meets the goal and, if not, why — in the controller's own words when it said
   * any.
   */
  static State judge(JsonNode o, Goal goal) {
    if (goal.delete()) {
      if (o == null) {
        return new State(true, "deleted");
      }
      boolean marked = o.path("metadata").hasNonNull("deletionTimestamp");
      String why = marked ? "Deleting" : "not marked for deletion";
      JsonNode ready = Get.condition(o, "Ready");
      if (ready != null && ready.hasNonNull("message") && marked) {
        why += ": " + ready.get("message").asText();
      }
      return new State(false, why);
    }
    if (o == null) {
      return new State(false, "NotFound: does not exist (yet)");
    }
    JsonNode meta = o.path("metadata");
    JsonNode status = o.path("status");
    if (meta.hasNonNull("deletionTimestamp")) {
      return new State(false, "Deleting: marked for deletion");
    }
    long generation = meta.path("generation").asLong(0);
    boolean hasConditions =
        status.path("conditions").isArray() && !status.path("conditions").isEmpty();
    if (status.hasNonNull("observedGeneration")
        && status.get("observedGeneration").asLong() < generation) {
      return new State(
          false,
          "NotObserved: the controller has not reconciled generation " + generation + " yet");
    }
    JsonNode c = Get.condition(o, goal.type());
    if (c == null) {
      if (!hasConditions
          && "Ready".equalsIgnoreCase(goal.type())
          && "True".equalsIgnoreCase(goal.status())) {
        // Tenants and pools have no controller behind them: stored means ready.
        // A PodSet without conditions yet is ready when every replica is.
        if (o.path("kind").asText().equals("PodSet")) {
          int want = o.path("spec").path("replicas").asInt(0);
          int ready = status.path("readyReplicas").asInt(0);
          return ready >= want && status.hasNonNull("observedGeneration")
              ? new State(true, "ready")
              : new State(false, ready + "/" + want + " replicas ready");
        }
        if (!o.path("kind").asText().equals("CloudPod")) {
          return new State(true, "stored");
        }
      }
      String phase = status.path("phase").asText("");
      return new State(
          false,
          "no "
              + goal.type()
              + " condition yet"
              + (phase.isEmpty() ? "" : " (phase " + phase + ")"));
    }
    if (c.hasNonNull("observedGeneration") && c.get("observedGeneration").asLong() < generation) {
      return new State(
          false,
          "NotObserved: "
              + goal.type()
              + " describes generation "
              + c.get("observedGeneration").asText()
              + " of "
              + generation);
    }
    if (goal.status().equalsIgnoreCase(c.path("status").asText())) {
      return new State(true, "met");
    }
    String reason = c.path("reason").asText("");
    String message = c.path("message").asText("");
    StringBuilder why =
        new StringBuilder(
            reason.isEmpty() ? goal.type() + "=" + c.path("status").asText("Unknown") : reason);
    if (!message.isEmpty()) {
      why.append(": ").append(message);
    }
    if (o.path("kind").asText().equals("PodSet")) {
      why.append(" (")
          .append(status.path("readyReplicas").asInt(0))
          .append('/')
          .append(o.path("spec").path("replicas").asInt(0))
          .append(" replicas ready)");
    }
    return new State(false, why.toString());
  }

  /**
   * Shows how far the wait has got. On a terminal: a block of lines on stderr, redrawn in place. On
   * anything else: one line per object whose state changed, so that a log never fills with repeats.
   */
  static final class Progress {
    private final CliMain cli;
    private final int total;
    private final Goal goal;
    private final Map<Target, State> last = new HashMap<>();
    private int drawn;

    Progress(CliMain cli, int total, Goal goal) {
      this.cli = cli;
      this.total = total;
      this.goal = goal;
    }

    void update(Map<Target, State> states, Duration elapsed, Duration timeout) {
      long doneCount = states.values().stream().filter(State::done).count();
      PrintStream err = cli.err;
      if (cli.terminal) {
        clear();
      }
      for (Map.Entry<Target, State> e : states.entrySet()) {
        State before = last.get(e.getKey());
        State now = e.getValue();
        if (now.done() && (before == null || !before.done())) {
          cli.out.println(
              e.getKey().kind().qualified() + "/" + e.getKey().name() + " " + goal.metText());
          cli.out.flush();
        } else if (!cli.terminal
            && !now.done()
            && (before == null || !Objects.equals(before.why(), now.why()))) {
          err.println(
              "["
                  + doneCount
                  + "/"
                  + total
                  + " "
                  + (goal.delete() ? "deleted" : "ready")
                  + "] "
                  + e.getKey().ref()
                  + ": "
                  + now.why());
        }
      }
      last.putAll(states);
      if (cli.terminal && doneCount < total) {
        List<String> lines = new ArrayList<>();
        lines.add(
            "waiting: "
                + doneCount
                + "/"
                + total
                + (goal.delete() ? " deleted" : " ready")
                + " ("
                + Table.goDuration(Duration.ofSeconds(elapsed.getSeconds()))
                + " of "
                + Table.goDuration(timeout)
                + ")");
        int shown = 0;
        for (Map.Entry<Target, State> e : states.entrySet()) {
          if (!e.getValue().done()) {
            if (shown++ < MAX_SHOWN) {
              lines.add("  " + e.getKey().ref() + ": " + e.getValue().why());
            }
          }
        }
        if (shown > MAX_SHOWN) {
          lines.add("  ... and " + (shown - MAX_SHOWN) + " more");
        }
        lines.forEach(err::println);
        err.flush();
        drawn = lines.size();
      }
    }

    /** Removes the block drawn last (terminal only). */
    void clear() {
      if (drawn > 0) {
        cli.err.print("\033[" + drawn + "F\033[J");
        cli.err.flush();
        drawn = 0;
      }
    }
  }
}
