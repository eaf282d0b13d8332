package io.cloudpods.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on the database channel {@code cloudpods_changes}, which triggers fill on every write of
 * desired state from any writer (REST or a control plane's SQL), and hands each change to the
 * controller at once. Runs on its own connection and thread; reconnects with backoff and, after a
 * reconnect, asks for a full resync because notifications sent while disconnected are lost.
 */
final class ChangeListener implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ChangeListener.class);
  static final String CHANNEL = "cloudpods_changes";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One change notification. {@code owner} is the owning PodSet of a CloudPod, if any. */
  record Change(String kind, String tenant, String name, String op, String owner) {}

  private final String url;
  private final String user;
  private final String password;
  private final Consumer<Change> onChange;
  private final Runnable onReconnect;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cloudpods-change-listener");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean stopped;
  private long backoffMs = 500;

  ChangeListener(
      String url, String user, String password, Consumer<Change> onChange, Runnable onReconnect) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.onChange = onChange;
    this.onReconnect = onReconnect;
  }

  void start() {
    thread.execute(() -> session(true));
  }

  /**
   * One connection: LISTEN, then hand over notifications until the connection fails or the listener
   * is closed. A failed connection schedules the next session after a backoff (500 ms doubling to
   * 30 s); every session after the first asks for a full resync.
   */
  private void session(boolean first) {
    if (stopped) {
      return;
    }
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN " + CHANNEL);
      }
      if (!first) {
        LOG.info("change listener reconnected; resyncing everything");
        onReconnect.run();
      }
      backoffMs = 500;
      PGConnection pg = c.unwrap(PGConnection.class);
      while (!stopped) {
        PGNotification[] notes = pg.getNotifications(1000);
        if (notes == null) {
          continue;
        }
        for (PGNotification n : notes) {
          dispatch(n.getParameter());
        }
      }
    } catch (SQLException e) {
      if (stopped) {
        return;
      }
      LOG.warnf(
          "change listener lost its database connection (%s); retrying in %d ms",
          e.getMessage(), backoffMs);
      thread.schedule(() -> session(false), backoffMs, TimeUnit.MILLISECONDS);
      backoffMs = Math.min(backoffMs * 2, 30_000);
    }
  }

  private void dispatch(String payload) {
    try {
      JsonNode j = JSON.readTree(payload);
      Change change =
          new Change(
              text(j, "kind"), text(j, "tenant"), text(j, "name"), text(j, "op"), text(j, "owner"));
      onChange.accept(change);
    } catch (Exception e) {
      LOG.warnf("ignoring malformed change notification '%s': %s", payload, e.getMessage());
    }
  }

  private static String text(JsonNode j, String field) {
    JsonNode v = j.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  @Override
  public void close() {
    stopped = true;
    thread.shutdown();
    try {
      thread.awaitTermination(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
