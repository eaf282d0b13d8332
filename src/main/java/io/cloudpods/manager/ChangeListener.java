package io.cloudpods.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
  private volatile boolean stopped;
  private Thread thread;

  ChangeListener(String url, String user, String password, Consumer<Change> onChange, Runnable onReconnect) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.onChange = onChange;
    this.onReconnect = onReconnect;
  }

  void start() {
    thread = new Thread(this::run, "cloudpods-change-listener");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long backoffMs = 500;
    boolean first = true;
    while (!stopped) {
      try (Connection c = DriverManager.getConnection(url, user, password)) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        if (!first) {
          LOG.info("change listener reconnected; resyncing everything");
          onReconnect.run();
        }
        first = false;
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
        LOG.warnf("change listener lost its database connection (%s); retrying in %d ms", e.getMessage(), backoffMs);
        first = false;
        sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }

  private void dispatch(String payload) {
    try {
      JsonNode j = JSON.readTree(payload);
      Change change =
          new Change(text(j, "kind"), text(j, "tenant"), text(j, "name"), text(j, "op"), text(j, "owner"));
      onChange.accept(change);
    } catch (Exception e) {
      LOG.warnf("ignoring malformed change notification '%s': %s", payload, e.getMessage());
    }
  }

  private static String text(JsonNode j, String field) {
    JsonNode v = j.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopped = true;
    if (thread != null) {
      try {
        thread.join(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
