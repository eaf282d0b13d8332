package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.Event;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The {@code events} table, read by id. Appends join the caller's transaction, so an event about a
 * rejected write disappears with it.
 *
 * <p>An append is one {@code INSERT ... ON CONFLICT} on the open series of the event's key: an
 * identical event (same kind, tenant, name, level, reason, message, vmid and actor) whose last
 * occurrence is within {@code cloudpods.events.series.window} is counted on that row ({@code count
 * + 1}, {@code last_seen}, a new id) instead of being stored again. The unique index on open series
 * makes this safe for concurrent writers: the second waits for the first and then counts on its
 * row. Only when the open series is past its window (or, with a vanishingly rare hash collision,
 * another event) does the append close it and insert again: three statements, once per window.
 */
@ApplicationScoped
@Transactional
public class EventStore {
  public static final String INFO = "info";
  public static final String WARNING = "warning";
  public static final String ERROR = "error";

  private static final String COLUMNS =
      "id, ts, level, reason, message, kind, tenant, name, vmid, hostname, ip, CAST(extra AS text),"
          + " count, last_seen, actor";

  /**
   * The row is the open series the new occurrence belongs to: still in its window, and the same
   * event. Parameters {@code ?n} to {@code ?n+8}: window (ms), level, reason, message, kind,
   * tenant, name, vmid, actor.
   */
  private static String sameSeries(int n) {
    return "events.last_seen > now() - CAST(?"
        + n
        + " AS bigint) * interval '1 millisecond'"
        + " AND events.level = CAST(?"
        + (n + 1)
        + " AS text) AND events.reason = CAST(?"
        + (n + 2)
        + " AS text) AND events.message = CAST(?"
        + (n + 3)
        + " AS text) AND events.kind IS NOT DISTINCT FROM CAST(?"
        + (n + 4)
        + " AS text) AND events.tenant IS NOT DISTINCT FROM CAST(?"
        + (n + 5)
        + " AS text) AND events.name IS NOT DISTINCT FROM CAST(?"
        + (n + 6)
        + " AS text) AND events.vmid IS NOT DISTINCT FROM CAST(?"
        + (n + 7)
        + " AS integer) AND events.actor IS NOT DISTINCT FROM CAST(?"
        + (n + 8)
        + " AS text)";
  }

  private static final String UPSERT =
      "INSERT INTO events (level, reason, message, kind, tenant, name, vmid, hostname, ip, extra,"
          + " actor, series_key, series_open)"
          + " VALUES (CAST(?1 AS text), CAST(?2 AS text), CAST(?3 AS text), CAST(?4 AS text),"
          + " CAST(?5 AS text), CAST(?6 AS text), CAST(?7 AS integer), CAST(?8 AS text),"
          + " CAST(?9 AS text), CAST(?10 AS jsonb), CAST(?11 AS text), ?12, true)"
          + " ON CONFLICT (series_key) WHERE series_open DO UPDATE SET id = EXCLUDED.id,"
          + " count = events.count + 1, last_seen = now(), hostname = EXCLUDED.hostname,"
          + " ip = EXCLUDED.ip, extra = EXCLUDED.extra"
          + " WHERE "
          + sameSeries(13)
          + " RETURNING id, count, ts, last_seen";

  private static final String CLOSE =
      "UPDATE events SET series_open = NULL WHERE series_key = ?1 AND series_open AND NOT ("
          + sameSeries(2)
          + ")";

  private final EntityManager em;
  private final long windowMillis;
  private final jakarta.enterprise.event.Event<EventStored> stored;

  /**
   * @param window {@code cloudpods.events.series.window} (validated with the rest of {@code
   *     EventsConfig}): how long after its last occurrence an identical event still counts on a
   *     series' row
   */
  public EventStore(
      EntityManager em,
      @ConfigProperty(name = "cloudpods.events.series.window", defaultValue = "10m")
          java.time.Duration window,
      jakarta.enterprise.event.Event<EventStored> stored) {
    this.em = em;
    this.windowMillis = window.toMillis();
    this.stored = stored;
  }

  /** Appends an event about an object ({@code kind}/{@code tenant}/{@code name} may be null). */
  public long append(
      String level, String reason, String message, String kind, String tenant, String name) {
    return append(Event.of(level, reason, message, kind, tenant, name));
  }

  /**
   * Stores {@code e} in a transaction of its own, committed at once whatever becomes of the
   * caller's: for an event about a write that is being refused (and rolled back).
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public long appendAlone(Event e) {
    return store(e).id();
  }

  /** Stores {@code e} as {@link #store(Event)} does and returns its (new) id. */
  public long append(Event e) {
    return store(e).id();
  }

  /**
   * Stores {@code e}, or counts it on the open series identical to it, and returns it as stored:
   * with its (new) {@code id}, {@code ts}, {@code count}, {@code firstSeen} and {@code lastSeen}.
   */
  public Event store(Event e) {
    String message = e.message() == null ? "" : e.message();
    long key = seriesKey(e, message);
    for (int attempt = 0; ; attempt++) {
      var upsert =
          em.createNativeQuery(UPSERT)
              .setParameter(1, e.level())
              .setParameter(2, e.reason())
              .setParameter(3, message)
              .setParameter(4, e.kind())
              .setParameter(5, e.tenant())
              .setParameter(6, e.name())
              .setParameter(7, e.vmid())
              .setParameter(8, e.hostname())
              .setParameter(9, e.ip())
              .setParameter(10, e.extra() == null ? null : Json.write(e.extra()))
              .setParameter(11, e.actor())
              .setParameter(12, key);
      List<?> rows = bindSeries(upsert, 13, e, message).getResultList();
      if (!rows.isEmpty()) {
        Object[] r = (Object[]) rows.get(0);
        Instant first = instant(r[2]);
        Event result =
            new Event(
                ((Number) r[0]).longValue(),
                first,
                e.level(),
                e.reason(),
                message,
                e.kind(),
                e.tenant(),
                e.name(),
                e.vmid(),
                e.hostname(),
                e.ip(),
                e.extra(),
                ((Number) r[1]).intValue(),
                first,
                instant(r[3]),
                e.actor());
        stored.fire(new EventStored(result)); // the JSON event log writes it once committed
        return result;
      }
      if (attempt == 2) {
        // cannot happen: the series was closed, and a concurrent writer's new one is this event
        throw new IllegalStateException("event series " + key + " could not be written");
      }
      // the open series of this key is past its window (or another event): close it, insert again
      bindSeries(em.createNativeQuery(CLOSE).setParameter(1, key), 2, e, message).executeUpdate();
    }
  }

  private Query bindSeries(Query q, int n, Event e, String message) {
    return q.setParameter(n, windowMillis)
        .setParameter(n + 1, e.level())
        .setParameter(n + 2, e.reason())
        .setParameter(n + 3, message)
        .setParameter(n + 4, e.kind())
        .setParameter(n + 5, e.tenant())
        .setParameter(n + 6, e.name())
        .setParameter(n + 7, e.vmid())
        .setParameter(n + 8, e.actor());
  }

  /**
   * The series key: a 64-bit hash of what makes two events identical. Equal events have equal keys;
   * the upsert compares the fields too, so a collision only starts a new series.
   */
  static long seriesKey(Event e, String message) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Object f :
          new Object[] {
            e.kind(), e.tenant(), e.name(), e.level(), e.reason(), message, e.vmid(), e.actor()
          }) {
        if (f == null) {
          sha.update((byte) 0);
        } else {
          byte[] b = f.toString().getBytes(StandardCharsets.UTF_8);
          sha.update((byte) 1);
          sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
          sha.update(b);
        }
      }
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * Deletes up to {@code batch} events whose last occurrence is older than {@code maxAge}; returns
   * how many. One short transaction per call.
   */
  public int deleteOlderThan(Duration maxAge, int batch) {
    return em.createNativeQuery(
            "DELETE FROM events WHERE id IN (SELECT id FROM events"
                + " WHERE last_seen < now() - CAST(?1 AS bigint) * interval '1 millisecond' LIMIT ?2)")
        .setParameter(1, maxAge.toMillis())
        .setParameter(2, batch)
        .executeUpdate();
  }

  /**
   * The id at and below which events are beyond the newest {@code keep}, or empty when there are at
   * most {@code keep}.
   */
  public OptionalLong idBeyondNewest(long keep) {
    List<?> r =
        em.createNativeQuery("SELECT id FROM events ORDER BY id DESC OFFSET ?1 LIMIT 1")
            .setParameter(1, keep)
            .getResultList();
    return r.isEmpty() ? OptionalLong.empty() : OptionalLong.of(((Number) r.get(0)).longValue());
  }

  /**
   * Deletes up to {@code batch} of the oldest events with {@code id <= maxId}; returns how many.
   */
  public int deleteUpTo(long maxId, int batch) {
    return em.createNativeQuery(
            "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id <= ?1 ORDER BY id LIMIT ?2)")
        .setParameter(1, maxId)
        .setParameter(2, batch)
        .executeUpdate();
  }

  /**
   * Events with {@code id > sinceId}, oldest first, at most {@code limit}; only those of {@code
   * tenant} when it is not null. With {@code sinceId < 0}, the latest {@code limit} events.
   */
  public List<Event> query(long sinceId, int limit, String tenant) {
    return query(sinceId, limit, tenant, null, null);
  }

  /**
   * As {@link #query(long, int, String)}, further restricted to one kind and/or object name when
   * not null.
   */
  public List<Event> query(long sinceId, int limit, String tenant, String kind, String name) {
    // named parameters: any subset of the filters may be given, ordinal ones must not have gaps
    String filter =
        (tenant == null ? "" : " AND tenant = :tenant")
            + (kind == null ? "" : " AND kind = :kind")
            + (name == null ? "" : " AND name = :name");
    String sql =
        sinceId < 0
            ? "SELECT * FROM (SELECT "
                + COLUMNS
                + " FROM events WHERE id > :since"
                + filter
                + " ORDER BY id DESC LIMIT :limit) x ORDER BY id"
            : "SELECT "
                + COLUMNS
                + " FROM events WHERE id > :since"
                + filter
                + " ORDER BY id LIMIT :limit";
    var q =
        em.createNativeQuery(sql)
            .setParameter("since", Math.max(sinceId, 0L))
            .setParameter("limit", limit);
    if (tenant != null) {
      q.setParameter("tenant", tenant);
    }
    if (kind != null) {
      q.setParameter("kind", kind);
    }
    if (name != null) {
      q.setParameter("name", name);
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = q.getResultList();
    List<Event> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      @SuppressWarnings("unchecked")
      Map<String, Object> extra = r[11] == null ? null : Json.read((String) r[11], Map.class);
      out.add(
          new Event(
              ((Number) r[0]).longValue(),
              instant(r[1]),
              (String) r[2],
              (String) r[3],
              (String) r[4],
              (String) r[5],
              (String) r[6],
              (String) r[7],
              r[8] == null ? null : ((Number) r[8]).intValue(),
              (String) r[9],
              (String) r[10],
              extra,
              ((Number) r[12]).intValue(),
              instant(r[1]),
              instant(r[13]),
              (String) r[14]));
    }
    return out;
  }

  static Instant instant(Object o) {
    if (o instanceof Timestamp t) {
      return t.toInstant();
    }
    if (o instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (o instanceof Instant i) {
      return i;
    }
    return null;
  }
}
