package io.cloudpods.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code cloudpods} commands other than {@code serve} and {@code sim}: a kubectl-like thin client
 * of the REST API. A plain {@code main} without any framework, so that {@code get} answers in a
 * fraction of a second.
 *
 * <p>All logic runs in {@link #run}, which returns the exit code: 0 success, 1 a failure the server
 * or the input caused (and {@code diff} found differences), 2 a wrong command line.
 */
public final class CliMain {
  static final String VERSION = "0.1.0-SNAPSHOT";
  static final String DEFAULT_SERVER = "http://localhost:8080";
  static final Path TOKEN_FILE = Path.of(".cloudpods", "admin-token");

  final InputStream in;
  final PrintStream out;
  final PrintStream err;
  final Map<String, String> env;
  final Path cwd;

  /** The project directory of the launcher ({@code -Dcloudpods.home}); may be null. */
  final Path home;

  /** Progress is redrawn in place on a terminal and printed as change lines otherwise. */
  final boolean terminal;

  final Duration pollInterval;

  private Args args;
  private Http http;

  CliMain(
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      Path cwd,
      Path home,
      boolean terminal,
      Duration pollInterval) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.env = env;
    this.cwd = cwd;
    this.home = home;
    this.terminal = terminal;
    this.pollInterval = pollInterval;
  }

  public static void main(String[] argv) {
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out),
            false,
            StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
    int code = run(argv, System.in, out, err, System.getenv());
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line; never calls {@code System.exit}. */
  public static int run(
      String[] argv, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    String homeProp = System.getProperty("cloudpods.home");
    Path home =
        homeProp != null
            ? Path.of(homeProp)
            : env.get("CLOUDPODS_HOME") != null ? Path.of(env.get("CLOUDPODS_HOME")) : null;
    return new CliMain(
            in,
            out,
            err,
            env,
            Path.of(System.getProperty("user.dir")),
            home,
            System.console() != null,
            Duration.ofMillis(750))
        .run(argv);
  }

  int run(String[] argv) {
    try {
      args = Args.parse(argv);
      return dispatch();
    } catch (CliException e) {
      err.println("error: " + e.getMessage());
      for (String d : e.details()) {
        err.println("  " + d);
      }
      return e.exitCode();
    } catch (RuntimeException e) {
      err.println("error: unexpected failure: " + e);
      return CliException.FAILURE;
    } finally {
      out.flush();
      if (http != null) {
        http.close();
      }
    }
  }

  private int dispatch() {
    String command = args.command();
    if (command == null) {
      out.print(Help.MAIN);
      return 0;
    }
    if (command.equals("help")) {
      List<String> ops = args.operands();
      String text = ops.isEmpty() ? Help.MAIN : Help.of(ops.get(0));
      if (text == null) {
        throw CliException.usage("unknown command '" + ops.get(0) + "'\n" + Help.SHORT);
      }
      out.print(text);
      return 0;
    }
    String help = Help.of(command);
    if (help == null) {
      throw CliException.usage("unknown command '" + command + "' (see 'cloudpods help')");
    }
    if (args.bool("help")) {
      out.print(help);
      return 0;
    }
    switch (command) {
      case "get":
        args.allowOnly(command, java.util.Set.of("tenant", "output", "all-tenants", "no-headers"));
        return new Get(this).get(args);
      case "describe":
        args.allowOnly(command, java.util.Set.of("tenant"));
        return new Get(this).describe(args);
      case "delete":
        args.allowOnly(
            command,
            java.util.Set.of("tenant", "filename", "ignore-not-found", "skip-final-backup"));
        return new Get(this).delete(args);
      case "apply":
        args.allowOnly(
            command, java.util.Set.of("filename", "dry-run", "wait", "timeout", "tenant"));
        return new Apply(this).apply(args);
      case "diff":
        args.allowOnly(command, java.util.Set.of("filename", "tenant"));
        return new Apply(this).diff(args);
      case "wait":
        args.allowOnly(command, java.util.Set.of("for", "timeout", "tenant", "filename"));
        return new Waiter(this).waitCommand(args);
      case "backup":
        args.allowOnly(
            command,
            java.util.Set.of("tenant", "storage", "mode", "notes", "protected", "name", "output"));
        return new Backups(this).backup(args);
      case "restore":
        args.allowOnly(command, java.util.Set.of("tenant", "as", "in-place", "name", "output"));
        return new Backups(this).restore(args);
      case "events":
        args.allowOnly(
            command, java.util.Set.of("watch", "tenant", "output", "limit", "all-tenants"));
        return new Events(this).events(args);
      case "token":
        args.allowOnly(
            command,
            java.util.Set.of("role", "tenant", "expires-at", "expires-in", "output", "no-headers"));
        return new Tokens(this).token(args);
      case "import":
        args.allowOnly(
            command,
            java.util.Set.of(
                "ipam", "log", "tenant-default", "ip-pool", "cluster", "dry-run", "output"));
        return new Imports(this).run(args);
      case "orphans":
        args.allowOnly(
            command,
            java.util.Set.of(
                "tenant",
                "ip-pool",
                "cluster",
                "yes",
                "skip-final-backup",
                "timeout",
                "output",
                "no-headers"));
        return new Orphans(this).run(args);
      case "completion":
        args.allowOnly(command, java.util.Set.of());
        return completion(args.operands());
      case "version":
        args.allowOnly(command, java.util.Set.of());
        out.println("cloudpods CLI " + VERSION + " (API cloudpods.io/v1alpha1)");
        return 0;
      default:
        throw CliException.usage("unknown command '" + command + "' (see 'cloudpods help')");
    }
  }

  private int completion(List<String> ops) {
    if (ops.size() != 1 || !ops.get(0).equals("bash")) {
      throw CliException.usage("usage: cloudpods completion bash");
    }
    out.print(Help.BASH_COMPLETION);
    return 0;
  }

  // ---- shared by the commands -------------------------------------------------------------------

  Http http() {
    if (http == null) {
      String server = server();
      String token = token();
      Transport.check(server, token != null, args.bool("insecure"));
      http = new Http(server, token, caCert());
    }
    return http;
  }

  Args args() {
    return args;
  }

  /** The file of {@code --ca-cert}, else of {@code CLOUDPODS_CA_CERT}, or null. */
  java.nio.file.Path caCert() {
    String f = args.value("ca-cert");
    if (f == null || f.isBlank()) {
      f = env.get("CLOUDPODS_CA_CERT");
    }
    return f == null || f.isBlank() ? null : java.nio.file.Path.of(f.strip());
  }

  String server() {
    String s = args.value("server");
    if (s == null || s.isBlank()) {
      s = env.get("CLOUDPODS_SERVER");
    }
    return s == null || s.isBlank() ? DEFAULT_SERVER : s.strip();
  }

  /**
   * The file of {@code --token-file}, then the file of {@code CLOUDPODS_TOKEN_FILE}, then {@code
   * CLOUDPODS_TOKEN}, then {@code .cloudpods/admin-token} in the current directory, then in the
   * launcher's project directory (where {@code serve --embedded} writes it). Never a command-line
   * value: arguments are visible to every user of the machine.
   */
  String token() {
    String file = args.value("token-file");
    if (file == null || file.isBlank()) {
      file = env.get("CLOUDPODS_TOKEN_FILE");
    }
    if (file != null && !file.isBlank()) {
      Path f = cwd.resolve(file.strip());
      try {
        String s = Files.readString(f, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
          throw CliException.failure("the token file " + f + " is empty");
        }
        return s;
      } catch (IOException e) {
        throw CliException.failure("cannot read the token file " + f + ": " + e.getMessage());
      }
    }
    String t = env.get("CLOUDPODS_TOKEN");
    if (t != null && !t.isBlank()) {
      return t.strip();
    }
    for (Path dir : home == null ? List.of(cwd) : List.of(cwd, home)) {
      Path f = dir.resolve(TOKEN_FILE);
      if (Files.isReadable(f)) {
        try {
          String s = Files.readString(f, StandardCharsets.UTF_8).strip();
          if (!s.isEmpty()) {
            return s;
          }
        } catch (IOException e) {
          throw CliException.failure("cannot read the token file " + f + ": " + e.getMessage());
        }
      }
    }
    return null;
  }

  /** {@code --tenant}, else {@code CLOUDPODS_TENANT} (unless {@code -A}), else null. */
  String tenant(Args a) {
    String t = a.value("tenant");
    if (t != null && !t.isBlank()) {
      return t;
    }
    if (a.bool("all-tenants")) {
      return null;
    }
    t = env.get("CLOUDPODS_TENANT");
    return t == null || t.isBlank() ? null : t;
  }

  Instant now() {
    return Instant.now();
  }

  /** {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 500ms}; a bare number means seconds. */
  static Duration parseDuration(String text, String flag) {
    String t = text.strip();
    if (t.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|h|m|s)").matcher(t);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
      end = m.end();
    }
    if (end == 0 || end != t.length()) {
      throw CliException.usage(
          "invalid duration '" + text + "' for --" + flag + " (e.g. 30s, 5m, 1h)");
    }
    return d;
  }
}
