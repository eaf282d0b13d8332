package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.auth.Authenticator;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The one poller behind every open event stream: a single timer reads the events that are new since
 * the furthest-behind stream (one query per tick, whatever the number of streams) and hands each
 * stream the ones it may see. Each stream has a bounded write buffer ({@code
 * cloudpods.api.stream-buffer-bytes}); a reader that does not keep up is dropped (its connection
 * closed, {@link #droppedSlowReaders} counted) instead of being buffered without limit. At most
 * {@code cloudpods.api.max-streams-per-token} streams are open per token. The streams' tokens are
 * looked up again every {@code cloudpods.auth.cache-ttl}, so a token revoked elsewhere loses its
 * streams within that time; one revoked through this process loses them at once.
 */
@ApplicationScoped
public class EventFanout {
  private static final Logger LOG = Logger.getLogger(EventFanout.class);
  private static final int PAGE = 1000;

  /** One open stream. {@code seen}: every event up to this id was offered to it. */
  static final class Subscriber {
    final String tokenName;
    final String tokenHash;
    final String tenant;
    final HttpServerResponse response;
    final Runnable drop;
    volatile long seen;
    volatile boolean closed;

    Subscriber(
        String tokenName,
        String tokenHash,
        String tenant,
        long since,
        HttpServerResponse response,
        Runnable drop) {
      this.tokenName = tokenName;
      this.tokenHash = tokenHash;
      this.tenant = tenant;
      this.seen = since;
      this.response = response;
      this.drop = drop;
    }
  }

  private final EventStore events;
  private final Authenticator authenticator;
  private final ApiConfig config;
  private final Vertx vertx;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();
  private final Map<String, Integer> perToken = new ConcurrentHashMap<>();
  private long timer = -1;
  private boolean busy;
  private long lastRecheck = System.nanoTime();

  public EventFanout(
      EventStore events, Authenticator authenticator, ApiConfig config, Vertx vertx) {
    this.events = events;
    this.authenticator = authenticator;
    this.config = config;
    this.vertx = vertx;
    authenticator.onRevocation(this::closeToken);
  }

  /** Null if the token already has its maximum of open streams. */
  synchronized Subscriber subscribe(
      String tokenName,
      String tokenHash,
      String tenant,
      long since,
      HttpServerResponse response,
      Runnable drop) {
    int open = perToken.getOrDefault(tokenName, 0);
    if (open >= config.maxStreamsPerToken()) {
      return null;
    }
    perToken.put(tokenName, open + 1);
    Subscriber s = new Subscriber(tokenName, tokenHash, tenant, since, response, drop);
    subscribers.add(s);
    if (timer < 0) {
      timer = vertx.setPeriodic(config.watchPollInterval().toMillis(), id -> tick());
    }
    return s;
  }

  synchronized void unsubscribe(Subscriber s) {
    if (subscribers.remove(s)) {
      s.closed = true;
      perToken.computeIfPresent(s.tokenName, (k, n) -> n <= 1 ? null : n - 1);
    }
    if (subscribers.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Streams open now. */
  public int open() {
    return subscribers.size();
  }

  /** Streams dropped because their reader did not keep up, since start. */
  public long droppedSlowReaders() {
    return dropped.get();
  }

  /** Database reads the poller made, since start (one per tick with open streams). */
  public long polls() {
    return polls.get();
  }

  /** Ends every open stream of that token (it was revoked). */
  void closeToken(String tokenName) {
    for (Subscriber s : List.copyOf(subscribers)) {
      if (s.tokenName.equals(tokenName)) {
        end(s, "TokenRevoked", "token '" + tokenName + "' is no longer valid");
      }
    }
  }

  private void end(Subscriber s, String reason, String message) {
    unsubscribe(s);
    if (!s.response.closed() && !s.response.ended()) {
      s.response.end(
          "event: closed\ndata: "
              + Json.write(Map.of("reason", reason, "message", message))
              + "\n\n");
    }
  }

  private void tick() {
    synchronized (this) {
      if (busy || subscribers.isEmpty()) {
        return;
      }
      busy = true;
    }
    List<Subscriber> subs = List.copyOf(subscribers);
    long from = subs.stream().mapToLong(s -> s.seen).min().orElse(0);
    boolean recheck = System.nanoTime() - lastRecheck >= authenticator.cacheTtl().toNanos();
    vertx
        .executeBlocking(
            () -> {
              Set<String> invalid = new HashSet<>();
              if (recheck) {
                for (Subscriber s : subs) {
                  if (s.tokenHash != null
                      && !invalid.contains(s.tokenHash)
                      && !authenticator.recheck(s.tokenHash).authenticated()) {
                    invalid.add(s.tokenHash);
                  }
                }
              }
              polls.incrementAndGet();
              return new Batch(events.query(from, PAGE, null), invalid);
            },
            false)
        .onComplete(
            ar -> {
              if (recheck) {
                lastRecheck = System.nanoTime();
              }
              try {
                if (ar.succeeded()) {
                  deliver(subs, ar.result());
                } else {
                  LOG.debugf("event stream poll failed: %s", ar.cause().toString());
                }
              } finally {
                synchronized (this) {
                  busy = false;
                }
              }
            });
  }

  private record Batch(List<Event> events, Set<String> invalidTokens) {}

  private void deliver(List<Subscriber> subs, Batch batch) {
    List<Event> rows = batch.events();
    long last = rows.isEmpty() ? -1 : rows.get(rows.size() - 1).id();
    for (Subscriber s : subs) {
      if (s.closed) {
        continue;
      }
      if (s.response.closed() || s.response.ended()) {
        unsubscribe(s);
        continue;
      }
      if (s.tokenHash != null && batch.invalidTokens().contains(s.tokenHash)) {
        end(s, "TokenRevoked", "token '" + s.tokenName + "' is no longer valid");
        continue;
      }
      StringBuilder out = new StringBuilder();
      for (Event e : rows) {
        if (e.id() > s.seen && (s.tenant == null || s.tenant.equals(e.tenant()))) {
          out.append("id: ")
              .append(e.id())
              .append('\n')
              .append("event: event\n")
              .append("data: ")
              .append(Json.write(e))
              .append("\n\n");
        }
      }
      if (out.length() > 0) {
        if (s.response.writeQueueFull()) {
          dropped.incrementAndGet();
          LOG.infof("event stream of token '%s' dropped: its reader does not keep up", s.tokenName);
          unsubscribe(s);
          s.drop.run();
          continue;
        }
        s.response.write(out.toString());
      }
      if (last > s.seen) {
        s.seen = last;
      }
    }
  }

  /** Every subscriber, for tests. */
  List<Subscriber> subscribers() {
    return new ArrayList<>(subscribers);
  }
}
