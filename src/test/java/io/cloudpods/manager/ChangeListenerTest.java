package io.cloudpods.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.embedded.EmbeddedDatabase;
import io.cloudpods.testsupport.PostgresResource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The change listener against a real PostgreSQL whose connections are all cut, as a restart or a
 * failover does: it reconnects, its state says so, and notifications flow again, even when the
 * resync it runs after reconnecting fails.
 */
class ChangeListenerTest {

  private static final AtomicInteger SEQ = new AtomicInteger();

  private String url;
  private EmbeddedDatabase db;
  private final BlockingQueue<ChangeListener.Change> changes = new LinkedBlockingQueue<>();
  private final AtomicInteger reconnectResyncs = new AtomicInteger();
  private ChangeListener listener;

  @BeforeEach
  void database() throws SQLException {
    db = PostgresResource.database();
    String name =
        "cloudpods_listener_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
    String base = "jdbc:postgresql://127.0.0.1:" + db.port() + "/";
    try (Connection c =
            DriverManager.getConnection(base + "postgres", db.username(), db.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    url = base + name;
  }

  @AfterEach
  void close() {
    if (listener != null) {
      listener.close();
    }
  }

  private ChangeListener listener(Runnable onReconnect) {
    listener =
        new ChangeListener(
            url, db.username(), db.password(), changes::add, onReconnect, Clock.systemUTC());
    return listener;
  }

  private void notifyChange(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, db.username(), db.password());
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_notify('"
              + ChangeListener.CHANNEL
              + "', '{\"kind\":\"CloudPod\",\"tenant\":\"t\",\"name\":\""
              + name
              + "\",\"op\":\"UPDATE\"}')");
    }
  }

  /** What a PostgreSQL restart or failover does to every session of this database. */
  private void cutEveryConnection() throws SQLException {
    try (Connection c = DriverManager.getConnection(url, db.username(), db.password());
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE pid <> pg_backend_pid() AND datname = current_database()");
    }
  }

  private void awaitDelivery(String name) throws Exception {
    ChangeListener.Change got = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      // a notification sent in the instant before LISTEN is lost: send until one arrives
      notifyChange(name);
      got = changes.poll(200, TimeUnit.MILLISECONDS);
      if (got != null) {
        break;
      }
    }
    assertThat(got).as("notification for " + name).isNotNull();
    assertThat(got.name()).isEqualTo(name);
    changes.clear();
  }

  @Test
  void beforeTheFirstConnection_theStateSaysDisconnected() {
    ChangeListener l = listener(() -> {});

    ChangeListenerState s = l.state();

    assertThat(s.connected()).isFalse();
    assertThat(s.lastError()).isNull();
  }

  @Test
  void everyConnectionCut_theListenerReconnects_resyncs_andDeliversAgain() throws Exception {
    ChangeListener l = listener(reconnectResyncs::incrementAndGet);
    l.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> l.state().connected());
    Instant firstSince = l.state().since();
    awaitDelivery("before");

    cutEveryConnection();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> l.state().connected() && l.state().since().isAfter(firstSince));
    assertThat(l.state().lastError()).isNotNull();
    assertThat(l.state().lastErrorAt()).isNotNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> reconnectResyncs.get() == 1);
    awaitDelivery("after");
  }

  @Test
  void aResyncThatFailsAfterReconnecting_isTriedAgain_andTheListenerKeepsListening()
      throws Exception {
    ChangeListener l =
        listener(
            () -> {
              if (reconnectResyncs.incrementAndGet() <= 2) {
                throw new IllegalStateException("Acquisition timeout while waiting for connection");
              }
            });
    l.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> l.state().connected());
    Instant firstSince = l.state().since();

    cutEveryConnection();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> l.state().connected() && l.state().since().isAfter(firstSince));
    awaitDelivery("while-the-resync-fails");
    await().atMost(Duration.ofSeconds(10)).until(() -> reconnectResyncs.get() == 3);
    assertThat(l.state().connected()).isTrue();
    assertThat(l.state().lastError())
        .contains("resync after reconnect failed")
        .contains("Acquisition timeout");
    awaitDelivery("after-the-resync");
  }

  @Test
  void aListenerThatCannotConnect_keepsTrying_andConnectsWhenTheDatabaseIsThere() throws Exception {
    String good = url;
    url = good.replace("/cloudpods_listener_", "/cloudpods_absent_");
    ChangeListener l = listener(reconnectResyncs::incrementAndGet);
    l.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> l.state().lastError() != null);
    assertThat(l.state().connected()).isFalse();
    assertThat(l.state().lastError()).contains("does not exist");

    // the database appears (as a restored primary would): the next session connects
    String absent = url.substring(url.lastIndexOf('/') + 1);
    try (Connection c =
            DriverManager.getConnection(
                good.substring(0, good.lastIndexOf('/') + 1) + "postgres",
                db.username(),
                db.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + absent);
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> l.state().connected());
    await().atMost(Duration.ofSeconds(5)).until(() -> reconnectResyncs.get() == 1);
    awaitDelivery("late");
  }
}
