package io.cloudpods.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The persistent server of {@code serve --embedded}: its output goes to its own log file. */
class EmbeddedDatabaseTest {

  @TempDir Path dir;

  @Test
  void startPersistent_writesInitdbAndServerOutputToTheLogFile_andKeepsItAcrossStarts()
      throws Exception {
    Path data = dir.resolve("pgdata");
    Path log = dir.resolve("postgres.log");

    try (EmbeddedDatabase db = EmbeddedDatabase.startPersistent(data, 0, log)) {
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

    try (EmbeddedDatabase db = EmbeddedDatabase.startPersistent(data, 0, log)) {
      assertThat(db.port()).isPositive();
    }
    String both = Files.readString(log);
    assertThat(both).startsWith(first);
    assertThat(both.split("ready to accept connections", -1)).hasSizeGreaterThanOrEqualTo(3);
  }
}
