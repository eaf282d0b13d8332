package io.cloudpods.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.testsupport.PostgresResource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The servers of {@code serve --embedded} (persistent, state under one directory) and of the test
 * suite (ephemeral): their output goes to their own log file, and only the generated password opens
 * them.
 */
class EmbeddedDatabaseTest {

  @TempDir Path dir;

  @Test
  void startPersistent_writesInitdbAndServerOutputToTheLogFile_andKeepsItAcrossStarts()
      throws Exception {
    Path home = dir.resolve("state");
    Path log = home.resolve(EmbeddedDatabase.LOG_FILE);

    try (EmbeddedDatabase db = EmbeddedDatabase.startPersistent(home, 0)) {
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
    String first = Files.readString(log);
    assertThat(first)
        .contains("The files belonging to this database system will be owned by user")
        .contains("database system is ready to accept connections");

    try (EmbeddedDatabase db = EmbeddedDatabase.startPersistent(home, 0)) {
      assertThat(db.port()).isPositive();
      assertThat(db.migrated()).isFalse();
    }
    String both = Files.readString(log);
    assertThat(both).startsWith(first);
    assertThat(both.split("ready to accept connections", -1)).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void startPersistent_newCluster_opensOnlyWithTheGeneratedPassword_keptOwnerOnly_binariesBeside()
      throws Exception {
    Path home = dir.resolve("state");

    try (EmbeddedDatabase db = EmbeddedDatabase.startPersistent(home, 0)) {
      Path pwFile = home.resolve(EmbeddedDatabase.PASSWORD_FILE);
      assertThat(Files.readString(pwFile).trim()).isEqualTo(db.password()).hasSizeGreaterThan(20);
      assertThat(mode(pwFile)).isEqualTo("rw-------");
      assertThat(mode(home)).isEqualTo("rwx------");
      assertThat(mode(home.resolve(EmbeddedDatabase.BINARIES_DIRECTORY))).isEqualTo("rwx------");

      assertThatThrownBy(
              () -> DriverManager.getConnection(db.jdbcUrl(), db.username(), "postgres").close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
      assertThat(Files.readString(home.resolve("pgdata/pg_hba.conf")))
          .contains("scram-sha-256")
          .doesNotContainPattern("(?m)^[^#]*\\btrust\\b");
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW unix_socket_directories")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).as("no socket in a shared directory").isEmpty();
      }

      // the binaries are extracted under the state directory, not into a shared /tmp
      try (Stream<Path> found = Files.walk(home.resolve(EmbeddedDatabase.BINARIES_DIRECTORY))) {
        assertThat(found.filter(p -> p.endsWith("bin/postgres"))).hasSize(1);
      }
      // the backend serving this connection exits when it closes: look at it while it is open
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        long backend = rs.getLong(1);
        String executable = ProcessHandle.of(backend).orElseThrow().info().command().orElse("");
        assertThat(executable).startsWith(home.toAbsolutePath().toString());
      }
    }
  }

  @Test
  void startPersistent_dataDirectoryOfAnEarlierRelease_isMovedToPasswordAuthentication()
      throws Exception {
    Path home = dir.resolve("state");
    Path data = home.resolve(EmbeddedDatabase.DATA_DIRECTORY);
    // what earlier releases made: the library's defaults, trust for every local connection
    try (EmbeddedPostgres old =
            EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        Connection c = old.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (v text)");
      s.execute("INSERT INTO kept VALUES ('desired state')");
    }
    assertThat(EmbeddedDatabase.trustsConnections(data.resolve("pg_hba.conf"))).isTrue();
    assertThat(home.resolve(EmbeddedDatabase.PASSWORD_FILE)).doesNotExist();

    try (EmbeddedDatabase db = EmbeddedDatabase.startPersistent(home, 0)) {
      assertThat(db.migrated()).isTrue();
      assertThat(mode(home.resolve(EmbeddedDatabase.PASSWORD_FILE))).isEqualTo("rw-------");
      assertThat(EmbeddedDatabase.trustsConnections(data.resolve("pg_hba.conf"))).isFalse();
      String url = db.jdbcUrl().replace("/" + EmbeddedDatabase.DATABASE, "/postgres");
      assertThatThrownBy(() -> DriverManager.getConnection(url, db.username(), "wrong").close())
          .hasMessageContaining("password authentication failed");
      try (Connection c = DriverManager.getConnection(url, db.username(), db.password());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("desired state");
      }
    }

    try (EmbeddedDatabase again = EmbeddedDatabase.startPersistent(home, 0)) {
      assertThat(again.migrated()).isFalse();
    }
  }

  @Test
  void startPersistent_passwordFileLost_refusesAndSaysWhatToDo() throws Exception {
    Path home = dir.resolve("state");
    try (EmbeddedDatabase db = EmbeddedDatabase.startPersistent(home, 0)) {
      assertThat(db.port()).isPositive();
    }
    Files.delete(home.resolve(EmbeddedDatabase.PASSWORD_FILE));

    assertThatThrownBy(() -> EmbeddedDatabase.startPersistent(home, 0))
        .hasMessageContaining("requires the password")
        .hasMessageContaining(EmbeddedDatabase.PASSWORD_FILE)
        .hasMessageContaining("restore that file");
    assertThat(home.resolve(EmbeddedDatabase.PASSWORD_FILE)).doesNotExist();
  }

  @Test
  void startEphemeral_opensOnlyWithItsGeneratedPassword() {
    EmbeddedDatabase db = PostgresResource.database();

    assertThat(db.password()).isNotEqualTo("postgres").hasSizeGreaterThan(20);
    assertThatThrownBy(
            () -> DriverManager.getConnection(db.jdbcUrl(), db.username(), "postgres").close())
        .hasMessageContaining("password authentication failed");
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
