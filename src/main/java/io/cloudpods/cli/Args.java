package io.cloudpods.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line: positional words and flags. Accepts {@code --name value}, {@code
 * --name=value}, {@code -o value}, {@code -ovalue} and {@code --} (everything after it is
 * positional). Flags may stand anywhere, before or after the command. Hand-written so that the CLI
 * starts without an argument-parsing framework.
 */
final class Args {

  /** Flags that take a value, with their short forms. */
  private static final Map<String, String> VALUE_FLAGS =
      Map.ofEntries(
          Map.entry("server", "server"),
          Map.entry("token-file", "token-file"),
          Map.entry("ca-cert", "ca-cert"),
          Map.entry("role", "role"),
          Map.entry("expires-at", "expires-at"),
          Map.entry("expires-in", "expires-in"),
          Map.entry("tenant", "tenant"),
          Map.entry("n", "tenant"),
          Map.entry("output", "output"),
          Map.entry("o", "output"),
          Map.entry("filename", "filename"),
          Map.entry("f", "filename"),
          Map.entry("for", "for"),
          Map.entry("timeout", "timeout"),
          Map.entry("limit", "limit"),
          Map.entry("storage", "storage"),
          Map.entry("mode", "mode"),
          Map.entry("notes", "notes"),
          Map.entry("name", "name"),
          Map.entry("as", "as"),
          Map.entry("ipam", "ipam"),
          Map.entry("log", "log"),
          Map.entry("tenant-default", "tenant-default"),
          Map.entry("ip-pool", "ip-pool"),
          Map.entry("cluster", "cluster"));

  /** Flags without a value. */
  private static final Map<String, String> BOOLEAN_FLAGS =
      Map.ofEntries(
          Map.entry("help", "help"),
          Map.entry("h", "help"),
          Map.entry("dry-run", "dry-run"),
          Map.entry("wait", "wait"),
          Map.entry("watch", "watch"),
          Map.entry("w", "watch"),
          Map.entry("all-tenants", "all-tenants"),
          Map.entry("A", "all-tenants"),
          Map.entry("no-headers", "no-headers"),
          Map.entry("insecure", "insecure"),
          Map.entry("ignore-not-found", "ignore-not-found"),
          Map.entry("protected", "protected"),
          Map.entry("in-place", "in-place"),
          Map.entry("skip-final-backup", "skip-final-backup"),
          Map.entry("yes", "yes"));

  /** Accepted by every command. */
  static final Set<String> GLOBAL = Set.of("server", "token-file", "ca-cert", "insecure", "help");

  private final List<String> positional;
  private final Map<String, List<String>> flags;

  private Args(List<String> positional, Map<String, List<String>> flags) {
    this.positional = positional;
    this.flags = flags;
  }

  static Args parse(String[] argv) {
    List<String> positional = new ArrayList<>();
    Map<String, List<String>> flags = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (a.equals("--")) {
        positional.addAll(List.of(argv).subList(i + 1, argv.length));
        break;
      }
      if (!a.startsWith("-") || a.equals("-")) {
        positional.add(a);
        continue;
      }
      boolean longForm = a.startsWith("--");
      String body = a.substring(longForm ? 2 : 1);
      String name;
      String value = null;
      int eq = body.indexOf('=');
      if (eq >= 0) {
        name = body.substring(0, eq);
        value = body.substring(eq + 1);
      } else if (!longForm && body.length() > 1 && VALUE_FLAGS.containsKey(body.substring(0, 1))) {
        name = body.substring(0, 1); // -owide, -fFILE
        value = body.substring(1);
      } else {
        name = body;
      }
      if (longForm && name.equals("token")) {
        throw CliException.usage(
            "--token is not accepted: a token in the arguments is visible to every user of the"
                + " machine; use --token-file PATH, CLOUDPODS_TOKEN_FILE or CLOUDPODS_TOKEN");
      }
      if (!longForm && name.length() > 1) {
        throw CliException.usage("unknown flag '" + a + "' (long flags take two dashes)");
      }
      if (VALUE_FLAGS.containsKey(name)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw CliException.usage("flag '" + a + "' needs a value");
          }
          value = argv[++i];
        }
        flags.computeIfAbsent(VALUE_FLAGS.get(name), k -> new ArrayList<>()).add(value);
      } else if (BOOLEAN_FLAGS.containsKey(name)) {
        String canonical = BOOLEAN_FLAGS.get(name);
        String v = value == null ? "true" : value;
        if (!v.equals("true") && !v.equals("false")) {
          throw CliException.usage(
              "flag '--" + canonical + "' takes no value other than true or false");
        }
        flags.computeIfAbsent(canonical, k -> new ArrayList<>()).add(v);
      } else {
        throw CliException.usage(
            "unknown flag '" + (eq >= 0 ? a.substring(0, a.indexOf('=')) : a) + "'");
      }
    }
    return new Args(positional, flags);
  }

  /** Refuses flags the command does not know (global flags are always accepted). */
  void allowOnly(String command, Set<String> allowed) {
    for (String f : flags.keySet()) {
      if (!GLOBAL.contains(f) && !allowed.contains(f)) {
        throw CliException.usage("unknown flag '--" + f + "' for '" + command + "'");
      }
    }
  }

  List<String> positional() {
    return positional;
  }

  /** The positional words after the command itself. */
  List<String> operands() {
    return positional.isEmpty() ? List.of() : positional.subList(1, positional.size());
  }

  String command() {
    return positional.isEmpty() ? null : positional.get(0);
  }

  boolean has(String flag) {
    return flags.containsKey(flag);
  }

  boolean bool(String flag) {
    List<String> v = flags.get(flag);
    return v != null && v.get(v.size() - 1).equals("true");
  }

  /** The last value given for a flag, or null. */
  String value(String flag) {
    List<String> v = flags.get(flag);
    return v == null ? null : v.get(v.size() - 1);
  }

  List<String> values(String flag) {
    return flags.getOrDefault(flag, List.of());
  }
}
