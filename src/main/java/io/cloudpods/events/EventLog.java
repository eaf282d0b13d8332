package io.cloudpods.events;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.store.EventStored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The JSON event log file ({@code cloudpods.events.log-file}): one line per stored event, written
 * when the transaction that stored it commits, with what the event's object adds ({@link
 * EventContext}: uid, generation, in-flight task, region, a pod's cores and memory). The context is
 * read from the object's row inside the storing transaction, so it is the object as it was when the
 * event happened; an object already gone (the {@code Deleted} event of a pod) keeps the context
 * last read for it. Nothing is read when no file is configured.
 */
@ApplicationScoped
public class EventLog {

  private static final Logger LOG = Logger.getLogger(EventLog.class);
  private static final int REMEMBERED = 4096;

  /** Kind → table. */
  private static final Map<String, String> TABLES =
      Map.of(
          "CloudPod", "cloud_pod",
          "PodSet", "pod_set",
          "Backup", "backup",
          "BackupPolicy", "backup_policy",
          "Restore", "restore",
          "Tenant", "tenant",
          "IpPool", "ip_pool");

  private static final List<String> CLUSTER_SCOPED = List.of("Tenant", "IpPool");

  private final JsonLineLog file;
  private final EntityManager em;
  private final TransactionSynchronizationRegistry transactions;

  /** The context last read per object, for events about an object whose row is gone. */
  private final Map<String, EventContext> last =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EventContext> eldest) {
          return size() > REMEMBERED;
        }
      };

  public EventLog(
      EventsConfig config, EntityManager em, TransactionSynchronizationRegistry transactions) {
    this.file = config.logFile().map(JsonLineLog::new).orElse(null);
    this.em = em;
    this.transactions = transactions;
  }

  /** Whether a file is configured. */
  public boolean enabled() {
    return file != null;
  }

  void onStored(@Observes EventStored stored) {
    if (file == null) {
      return;
    }
    Event e = stored.event();
    EventContext c = context(e);
    if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
      write(e, c);
      return;
    }
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              write(e, c);
            }
          }
        });
  }

  /**
   * Writes {@code e} now with no context from the database: for an event the store could not take
   * (it would be lost everywhere otherwise).
   */
  public void writeUnstored(Event e) {
    if (file != null) {
      write(e, EventContext.NONE.withUpid(JsonLineLog.upidOf(e)));
    }
  }

  private void write(Event e, EventContext c) {
    try {
      file.append(e, c);
    } catch (RuntimeException ex) {
      LOG.warnf("could not write the event log: %s", ex.getMessage());
    }
  }

  /** The context of {@code e}'s object, read in the storing transaction. */
  EventContext context(Event e) {
    String upid = JsonLineLog.upidOf(e);
    String table = e.kind() == null ? null : TABLES.get(e.kind());
    if (table == null || e.name() == null) {
      return EventContext.NONE.withUpid(upid);
    }
    boolean clusterScoped = CLUSTER_SCOPED.contains(e.kind());
    if (!clusterScoped && e.tenant() == null) {
      return EventContext.NONE.withUpid(upid);
    }
    String key = e.kind() + "/" + (clusterScoped ? "" : e.tenant()) + "/" + e.name();
    EventContext read = read(e.kind(), table, clusterScoped, e.tenant(), e.name());
    synchronized (last) {
      if (read != null) {
        last.put(key, read);
      } else {
        read = last.get(key);
      }
    }
    if (read == null) {
      return EventContext.NONE.withUpid(upid);
    }
    return upid != null ? read.withUpid(upid) : read;
  }

  private EventContext read(
      String kind, String table, boolean clusterScoped, String tenant, String name) {
    boolean pod = "CloudPod".equals(kind);
    String sql =
        "SELECT CAST(r.uid AS text), r.generation,"
            + " coalesce(r.status->>'region', r.spec->>'region'),"
            + (pod
                ? " r.spec->>'cores', r.spec->>'memoryMb', a.task_upid FROM cloud_pod r"
                    + " LEFT JOIN pod_allocation a ON a.pod_uid = r.uid"
                : " NULL, NULL, NULL FROM " + table + " r")
            + (clusterScoped ? " WHERE r.name = ?1" : " WHERE r.name = ?1 AND r.tenant = ?2");
    var q = em.createNativeQuery(sql).setParameter(1, name);
    if (!clusterScoped) {
      q.setParameter(2, tenant);
    }
    List<?> rows = q.getResultList();
    if (rows.isEmpty()) {
      return null;
    }
    Object[] r = (Object[]) rows.get(0);
    return new EventContext(
        (String) r[0],
        r[1] == null ? null : ((Number) r[1]).longValue(),
        (String) r[5],
        r[2] == null ? EventContext.DEFAULT_REGION : (String) r[2],
        integer(r[3]),
        integer(r[4]));
  }

  private static Integer integer(Object o) {
    if (o == null) {
      return null;
    }
    try {
      return Integer.valueOf(o.toString());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
