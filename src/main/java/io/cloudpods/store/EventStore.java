package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.Event;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code events} table: append-only, read by id. Appends join the caller's transaction, so an
 * event about a rejected write disappears with it.
 */
@ApplicationScoped
@Transactional
public class EventStore {
  public static final String INFO = "info";
  public static final String WARNING = "warning";
  public static final String ERROR = "error";

  private final EntityManager em;

  public EventStore(EntityManager em) {
    this.em = em;
  }

  /** Appends an event about an object ({@code kind}/{@code tenant}/{@code name} may be null). */
  public long append(
      String level, String reason, String message, String kind, String tenant, String name) {
    return append(Event.of(level, reason, message, kind, tenant, name));
  }

  /** Stores {@code e} (its {@code id} and {@code ts} are assigned here) and returns its id. */
  public long append(Event e) {
    return append(
        e.level(),
        e.reason(),
        e.message(),
        e.kind(),
        e.tenant(),
        e.name(),
        e.vmid(),
        e.hostname(),
        e.ip(),
        e.extra());
  }

  private long append(
      String level,
      String reason,
      String message,
      String kind,
      String tenant,
      String name,
      Integer vmid,
      String hostname,
      String ip,
      Map<String, Object> extra) {
    Number id =
        (Number)
            em.createNativeQuery(
                    "INSERT INTO events (level, reason, message, kind, tenant, name, vmid, hostname, ip, extra)"
                        + " VALUES (?1, ?2, ?3, CAST(?4 AS text), CAST(?5 AS text), CAST(?6 AS text), CAST(?7 AS integer),"
                        + " CAST(?8 AS text), CAST(?9 AS text), CAST(?10 AS jsonb)) RETURNING id")
                .setParameter(1, level)
                .setParameter(2, reason)
                .setParameter(3, message == null ? "" : message)
                .setParameter(4, kind)
                .setParameter(5, tenant)
                .setParameter(6, name)
                .setParameter(7, vmid)
                .setParameter(8, hostname)
                .setParameter(9, ip)
                .setParameter(10, extra == null ? null : Json.write(extra))
                .getSingleResult();
    return id.longValue();
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
    String filter =
        (tenant == null ? "" : " AND tenant = ?3")
            + (kind == null ? "" : " AND kind = ?4")
            + (name == null ? "" : " AND name = ?5");
    String sql =
        sinceId < 0
            ? "SELECT * FROM (SELECT id, ts, level, reason, message, kind, tenant, name, vmid, hostname, ip, CAST(extra AS text)"
                + " FROM events WHERE id > ?1"
                + filter
                + " ORDER BY id DESC LIMIT ?2) x ORDER BY id"
            : "SELECT id, ts, level, reason, message, kind, tenant, name, vmid, hostname, ip, CAST(extra AS text)"
                + " FROM events WHERE id > ?1"
                + filter
                + " ORDER BY id LIMIT ?2";
    var q = em.createNativeQuery(sql).setParameter(1, Math.max(sinceId, 0L)).setParameter(2, limit);
    if (tenant != null) {
      q.setParameter(3, tenant);
    }
    if (kind != null) {
      q.setParameter(4, kind);
    }
    if (name != null) {
      q.setParameter(5, name);
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
              extra));
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
