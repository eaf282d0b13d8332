package io.cloudpods.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database of its own, in the shared embedded PostgreSQL, for tests that run the controller: the
 * controller reconciles every object in its database, so it must not see the objects other test
 * classes leave behind.
 */
public class IsolatedDatabaseResource implements QuarkusTestResourceLifecycleManager {

  private static final AtomicInteger SEQ = new AtomicInteger();

  @Override
  public Map<String, String> start() {
    var db = PostgresResource.database();
    String name = "cloudpods_iso_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
    String base = "jdbc:postgresql://127.0.0.1:" + db.port() + "/";
    try (Connection c =
            DriverManager.getConnection(base + "postgres", db.username(), db.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return Map.of(
        "quarkus.datasource.jdbc.url", base + name,
        "quarkus.datasource.username", db.username(),
        "quarkus.datasource.password", db.password());
  }

  @Override
  public void stop() {}
}
