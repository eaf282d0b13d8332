package io.cloudpods.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 *
 * <p>Whatever ends a session (a lost connection, a driver failure, any other exception) schedules
 * the next one, so the listener never stops before {@link #close()}. {@link #state()} says whether
 * it is connected, since when, and what went wrong last.
 */
final class ChangeListener implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ChangeListener.class);
  static final String CHANNEL = "cloudpods_changes";
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** One change notification. {@code owner} is the owning PodSet of a CloudPod, if any. */
  record Change(String kind, String tenant, String name, String op, String owner) {}

  private final String url;
  private final String user;
  private final String password;
  private final Consumer<Change> onChange;
  private final Runnable onReconnect;
  private final Clock clock;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cloudpods-change-listener");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean stopped;
  private volatile ChangeListenerState state;
  private Duration backoff = INITIAL_BACKOFF;

  /**
   * @param onReconnect runs after every reconnect, on the listener's thread; when it throws, it is
   *     tried again (with backoff) while the session keeps listening
   */
  ChangeListener(
      String url,
      String user,
      String password,
      Consumer<Change> onChange,
      Runnable onReconnect,
      Clock clock) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.onChange = onChange;
    this.onReconnect = onReconnect;
    this.clock = clock;
    this.state = new ChangeListenerState(false, clock.instant(), null, null);
  }

  void start() {
    thread.execute(() -> session(true));
  }

  /** Connected or not, since when, and the last failure. */
  ChangeListenerState state() {
    return state;
  }

  /**
   * One connection: LISTEN, then hand over notifications until the connection fails or the listener
   * is closed. Every end of a session other than {@link #close()} schedules the next one after a
   * backoff (500 ms doubling to 30 s, back to 500 ms once a session is listening); every session
   * after the first asks for a full resync.
   */
  private void session(boolean first) {
    if (stopped) {
      return;
    }
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN " + CHANNEL);
      }
      backoff = INITIAL_BACKOFF;
      ChangeListenerState before = state;
      state =
          new ChangeListenerState(true, clock.instant(), before.lastError(), before.lastErrorAt());
      if (!first) {
        LOG.info("change listener reconnected; resyncing everything");
      }
      listen(c.unwrap(PGConnection.class), !first);
    } catch (SQLException | RuntimeException e) {
      ended(e);
    } catch (Error e) {
      ended(e);
      throw e;
    }
  }

  /**
   * Hands over notifications until the listener is closed; a failed resync is tried again after a
   * backoff while notifications keep flowing.
   */
  private void listen(PGConnection pg, boolean resyncOwed) throws SQLException {
    Duration resyncBackoff = INITIAL_BACKOFF;
    long resyncDue = System.nanoTime();
    while (!stopped) {
      if (resyncOwed && System.nanoTime() - resyncDue >= 0) {
        try {
          onReconnect.run();
          resyncOwed = false;
        } catch (RuntimeException e) {
          recordError("resync after reconnect failed: " + describe(e));
          LOG.warnf(
              "change listener: resync after reconnect failed (%s); trying again in %d ms",
              describe(e), resyncBackoff.toMillis());
          resyncDue = System.nanoTime() + resyncBackoff.toNanos();
          resyncBackoff = twice(resyncBackoff);
        }
      }
      PGNotification[] notes = pg.getNotifications(1000);
      if (notes == null) {
        continue;
      }
      for (PGNotification n : notes) {
        dispatch(n.getParameter());
      }
    }
  }

  private void ended(Throwable e) {
    if (stopped) {
      state =
          new ChangeListenerState(false, clock.instant(), state.lastError(), state.lastErrorAt());
      return;
    }
    String message = describe(e);
    Instant now = clock.instant();
    state = new ChangeListenerState(false, now, message, now);
    Duration delay = backoff;
    backoff = twice(backoff);
    LOG.warnf(
        "change listener lost its database connection (%s); retrying in %d ms",
        message, delay.toMillis());
    try {
      thread.schedule(() -> session(false), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // close() ran meanwhile
    }
  }

  private void recordError(String message) {
    ChangeListenerState s = state;
    state = new ChangeListenerState(s.connected(), s.since(), message, clock.instant());
  }

  private static Duration twice(Duration d) {
    Duration next = d.multipliedBy(2);
    return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().get();
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
