package io.cloudpods.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The replicas and the clusters' leases ({@code controller_replica}, {@code controller_lease},
 * migration V14). Every time is the database's ({@code now()}); what a replica learns is how much
 * time a lease has left, which it counts down on its own monotonic clock.
 */
@ApplicationScoped
@Transactional
public class LeaseStore implements LeaseRecords {

  public record Replica(
      String id, String host, long pid, Instant startedAt, Instant seenAt, double seenSecondsAgo) {}

  public record Lease(
      String cluster,
      String holder,
      long generation,
      Instant acquiredAt,
      Instant renewedAt,
      Instant expiresAt,
      double heldSeconds,
      double expiresInSeconds) {}

  private final EntityManager em;

  public LeaseStore(EntityManager em) {
    this.em = em;
  }

  /** Records that the replica is alive (inserting it on its first call). */
  @Override
  public void heartbeat(String replica, String host, long pid) {
    em.createNativeQuery(
            "INSERT INTO controller_replica (id, host, pid) VALUES (?1, ?2, ?3)"
                + " ON CONFLICT (id) DO UPDATE SET seen_at = now()")
        .setParameter(1, replica)
        .setParameter(2, host)
        .setParameter(3, pid)
        .executeUpdate();
  }

  /** Replicas seen within {@code ttl}, in the order they joined (oldest first). */
  @SuppressWarnings("unchecked")
  @Override
  public List<String> liveReplicas(Duration ttl) {
    return em.createNativeQuery(
            "SELECT id FROM controller_replica WHERE seen_at > now() - make_interval(secs => ?1)"
                + " ORDER BY started_at, id")
        .setParameter(1, seconds(ttl))
        .getResultList();
  }

  /**
   * Takes the cluster's lease if it was released or ran out (on the database's clock) at least
   * {@code freeFor} ago, with a generation one higher than any before; empty when another replica
   * holds it. A released lease's {@code expires_at} is the time of its release.
   */
  @Override
  public Optional<Grant> acquire(
      String cluster, String replica, Duration duration, Duration freeFor) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "INSERT INTO controller_lease"
                    + " (cluster, holder, generation, acquired_at, renewed_at, expires_at)"
                    + " VALUES (?1, ?2, 1, now(), now(), now() + make_interval(secs => ?3))"
                    + " ON CONFLICT (cluster) DO UPDATE SET holder = EXCLUDED.holder,"
                    + " generation = controller_lease.generation + 1, acquired_at = now(),"
                    + " renewed_at = now(), expires_at = EXCLUDED.expires_at"
                    + " WHERE controller_lease.expires_at <= now() - make_interval(secs => ?4)"
                    + " RETURNING generation,"
                    + " CAST(EXTRACT(EPOCH FROM expires_at - now()) * 1000 AS bigint)")
            .setParameter(1, cluster)
            .setParameter(2, replica)
            .setParameter(3, seconds(duration))
            .setParameter(4, seconds(freeFor))
            .getResultList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    long generation = ((Number) rows.get(0)[0]).longValue();
    em.createNativeQuery(
            "INSERT INTO controller_lease_grant (cluster, generation, holder, acquired_at)"
                + " VALUES (?1, ?2, ?3, now()) ON CONFLICT DO NOTHING")
        .setParameter(1, cluster)
        .setParameter(2, generation)
        .setParameter(3, replica)
        .executeUpdate();
    return Optional.of(
        new Grant(generation, Duration.ofMillis(((Number) rows.get(0)[1]).longValue())));
  }

  /**
   * Extends the lease by {@code duration} from now if this replica still holds it at {@code
   * generation} and it has not run out; empty otherwise (it is lost).
   */
  @Override
  public Optional<Duration> renew(
      String cluster, String replica, long generation, Duration duration) {
    return millis(
        em.createNativeQuery(
                "UPDATE controller_lease SET renewed_at = now(),"
                    + " expires_at = now() + make_interval(secs => ?4)"
                    + " WHERE cluster = ?1 AND holder = ?2 AND generation = ?3 AND expires_at > now()"
                    + " RETURNING CAST(EXTRACT(EPOCH FROM expires_at - now()) * 1000 AS bigint)")
            .setParameter(1, cluster)
            .setParameter(2, replica)
            .setParameter(3, generation)
            .setParameter(4, seconds(duration))
            .getResultList());
  }

  /**
   * Proof, inside the caller's transaction, that this replica holds the lease at {@code
   * generation}: the time it has left, or empty. The row is share-locked until the transaction
   * ends, so no takeover commits in between. Read on the database's clock at this statement ({@code
   * clock_timestamp()}, not the transaction's start), since the caller's transaction may be older.
   */
  public Optional<Duration> prove(String cluster, String replica, long generation) {
    return millis(
        em.createNativeQuery(
                "SELECT CAST(EXTRACT(EPOCH FROM expires_at - clock_timestamp()) * 1000 AS bigint)"
                    + " FROM controller_lease WHERE cluster = ?1 AND holder = ?2"
                    + " AND generation = ?3 AND expires_at > clock_timestamp() FOR SHARE")
            .setParameter(1, cluster)
            .setParameter(2, replica)
            .setParameter(3, generation)
            .getResultList());
  }

  /**
   * {@link #prove} and, only if the lease has more than {@code atLeast} left, {@code then} in the
   * same transaction (which it joins): the intent of a Proxmox call is stored only with the proof
   * that the call may be made.
   */
  @Override
  public Optional<Duration> proveThen(
      String cluster, String replica, long generation, Duration atLeast, Runnable then) {
    Optional<Duration> left = prove(cluster, replica, generation);
    if (left.isPresent() && left.get().compareTo(atLeast) > 0) {
      then.run();
    }
    return left;
  }

  /** Gives the lease up at once (a handover): the next replica may take it on its next try. */
  @Override
  public boolean release(String cluster, String replica, long generation) {
    return em.createNativeQuery(
                "UPDATE controller_lease SET holder = NULL, expires_at = now()"
                    + " WHERE cluster = ?1 AND holder = ?2 AND generation = ?3")
            .setParameter(1, cluster)
            .setParameter(2, replica)
            .setParameter(3, generation)
            .executeUpdate()
        == 1;
  }

  /** The replica leaves (a graceful stop): it is no longer counted when clusters are shared. */
  @Override
  public void leave(String replica) {
    em.createNativeQuery("DELETE FROM controller_replica WHERE id = ?1")
        .setParameter(1, replica)
        .executeUpdate();
  }

  /** Forgets replicas not seen for {@code maxAge} and grants older than {@code grantsAge}. */
  @Override
  public void forgetOld(Duration maxAge, Duration grantsAge) {
    em.createNativeQuery(
            "DELETE FROM controller_replica WHERE seen_at < now() - make_interval(secs => ?1)")
        .setParameter(1, seconds(maxAge))
        .executeUpdate();
    em.createNativeQuery(
            "DELETE FROM controller_lease_grant WHERE acquired_at < now() - make_interval(secs => ?1)")
        .setParameter(1, seconds(grantsAge))
        .executeUpdate();
  }

  @Override
  @SuppressWarnings("unchecked")
  public java.util.Map<String, String> holders() {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    for (Object[] r :
        (List<Object[]>)
            em.createNativeQuery(
                    "SELECT cluster, holder FROM controller_lease"
                        + " WHERE holder IS NOT NULL AND expires_at > now()")
                .getResultList()) {
      out.put((String) r[0], (String) r[1]);
    }
    return out;
  }

  /** Every known replica, oldest first. */
  @SuppressWarnings("unchecked")
  public List<Replica> replicas() {
    List<Replica> out = new ArrayList<>();
    for (Object[] r :
        (List<Object[]>)
            em.createNativeQuery(
                    "SELECT id, host, pid, started_at, seen_at,"
                        + " EXTRACT(EPOCH FROM now() - seen_at)"
                        + " FROM controller_replica ORDER BY started_at, id")
                .getResultList()) {
      out.add(
          new Replica(
              (String) r[0],
              (String) r[1],
              ((Number) r[2]).longValue(),
              EventStore.instant(r[3]),
              EventStore.instant(r[4]),
              ((Number) r[5]).doubleValue()));
    }
    return out;
  }

  /** Every cluster's lease, by cluster name. */
  @SuppressWarnings("unchecked")
  public List<Lease> leases() {
    List<Lease> out = new ArrayList<>();
    for (Object[] r :
        (List<Object[]>)
            em.createNativeQuery(
                    "SELECT cluster, holder, generation, acquired_at, renewed_at, expires_at,"
                        + " COALESCE(EXTRACT(EPOCH FROM now() - acquired_at), 0),"
                        + " EXTRACT(EPOCH FROM expires_at - now())"
                        + " FROM controller_lease ORDER BY cluster")
                .getResultList()) {
      out.add(
          new Lease(
              (String) r[0],
              (String) r[1],
              ((Number) r[2]).longValue(),
              EventStore.instant(r[3]),
              EventStore.instant(r[4]),
              EventStore.instant(r[5]),
              r[1] == null ? 0 : ((Number) r[6]).doubleValue(),
              ((Number) r[7]).doubleValue()));
    }
    return out;
  }

  private static Optional<Duration> millis(List<?> rows) {
    return rows.isEmpty()
        ? Optional.empty()
        : Optional.of(Duration.ofMillis(((Number) rows.get(0)).longValue()));
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
