package io.cloudpods.testsupport;

import io.cloudpods.embedded.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Starts one real PostgreSQL (embedded binaries, no Docker) for the whole test JVM and points the
 * Quarkus datasource at it. Every {@code @QuarkusTest} that needs the database names this resource.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

  private static EmbeddedDatabase database;

  /** The shared server, e.g. for tests that talk to PostgreSQL directly over JDBC. */
  public static synchronized EmbeddedDatabase database() {
    if (database == null) {
      try {
        database = EmbeddedDatabase.startEphemeral();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start embedded PostgreSQL for tests", e);
      }
      EmbeddedDatabase started = database;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException ignored) {
                      // the JVM is going away; the temp directory is removed by the OS later
                    }
                  }));
    }
    return database;
  }

  @Override
  public Map<String, String> start() {
    EmbeddedDatabase db = database();
    return Map.of(
        "quarkus.datasource.jdbc.url", db.jdbcUrl(),
        "quarkus.datasource.username", db.username(),
        "quarkus.datasource.password", db.password());
  }

  @Override
  public void stop() {
    // shared by every test class in this JVM; stopped by the shutdown hook
  }
}
