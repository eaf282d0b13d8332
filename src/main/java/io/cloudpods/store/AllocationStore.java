package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * VMID, IP, node and in-flight task of each pod ({@code pod_allocation}). Every method joins the
 * caller's transaction, so the controller can reserve and record its task in one commit before it
 * calls Proxmox.
 *
 * <p>Concurrency: allocations serialize on transaction-scoped advisory locks (one for VMIDs, one
 * per pool), so two allocators never pick the same value; the UNIQUE constraints on {@code vmid}
 * and {@code (pool, ip)} are the backstop for any other writer.
 */
@ApplicationScoped
@Transactional
public class AllocationStore implements AllocationLedger {
  private static final long VMID_LOCK = 0x436c6f7564506f64L; // arbitrary, constant

  private final EntityManager em;
  private final PodsConfig config;
  private final Defaults defaults;
  private final IpPoolStore pools;

  public AllocationStore(
      EntityManager em, PodsConfig config, Defaults defaults, IpPoolStore pools) {
    this.em = em;
    this.config = config;
    this.defaults = defaults;
    this.pools = pools;
  }

  @Override
  public Optional<PodAllocation> find(UUID podUid) {
    em.flush();
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT CAST(pod_uid AS text), vmid, node, pool, ip, task_upid, updated_at FROM pod_allocation WHERE pod_uid = ?1")
            .setParameter(1, podUid)
            .getResultList();
    return rows.stream().findFirst().map(AllocationStore::row);
  }

  private static PodAllocation row(Object[] r) {
    return new PodAllocation(
        UUID.fromString((String) r[0]),
        r[1] == null ? null : ((Number) r[1]).intValue(),
        (String) r[2],
        (String) r[3],
        (String) r[4],
        (String) r[5],
        instant(r[6]));
  }

  private static Instant instant(Object o) {
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

  /**
   * The pod's VMID: the one already allocated, else its spec's {@code vmid}, else the lowest free
   * VMID of the client range (skipping every allocated or requested VMID and every template).
   *
   * @throws StoreConflictException if the spec's VMID belongs to another pod or the range is full
   */
  public int allocateVmid(UUID podUid) {
    return allocateVmid(podUid, v -> false);
  }

  /**
   * Like {@link #allocateVmid(UUID)}, also skipping VMIDs for which {@code usedElsewhere} is true
   * (guests in Proxmox that no pod holds).
   */
  @Override
  public int allocateVmid(UUID podUid, java.util.function.IntPredicate usedElsewhere) {
    lockVmids();
    Optional<PodAllocation> existing = find(podUid);
    if (existing.isPresent() && existing.get().vmid() != null) {
      return existing.get().vmid();
    }
    CloudPodSpec spec = podSpec(podUid);
    int vmid;
    String cluster = clusterOf(podUid);
    if (spec.vmid() != null) {
      vmid = spec.vmid();
      if (vmidTaken(vmid, podUid, cluster)) {
        throw new StoreConflictException(
            "spec.vmid", "VMID " + vmid + " is already used by another CloudPod");
      }
    } else {
      vmid = lowestFreeVmid(usedElsewhere, cluster);
    }
    upsert(podUid, "vmid", vmid);
    return vmid;
  }

  /**
   * The pod's address in {@code pool}: the one already allocated there, else its spec's {@code ip},
   * else the lowest free address of the pool's range (skipping the gateway, reserved and taken
   * addresses).
   *
   * @throws StoreConflictException if the address is taken or the pool is exhausted
   */
  public String allocateIp(UUID podUid, String pool) {
    return allocateIp(podUid, pool, ip -> false);
  }

  /**
   * Like {@link #allocateIp(UUID, String)}, also skipping addresses for which {@code usedElsewhere}
   * is true (configured on a guest that is not a CloudPod, or answering on the network).
   */
  @Override
  public String allocateIp(
      UUID podUid, String pool, java.util.function.Predicate<String> usedElsewhere) {
    lockPool(pool);
    Optional<PodAllocation> existing = find(podUid);
    if (existing.isPresent() && existing.get().ip() != null && pool.equals(existing.get().pool())) {
      return existing.get().ip();
    }
    IpPoolSpec poolSpec =
        pools
            .spec(pool)
            .orElseThrow(
                () ->
                    new StoreConflictException(
                        "spec.ipPool", "ip pool " + pool + " does not exist"));
    CloudPodSpec spec = podSpec(podUid);
    Set<Long> blocked = blockedAddresses(pool, poolSpec, podUid);
    String ip;
    if (spec.ip() != null) {
      if (blocked.contains(Ipv4.parse(spec.ip()))) {
        throw new StoreConflictException(
            "spec.ip", spec.ip() + " is reserved or taken in pool " + pool);
      }
      ip = spec.ip();
    } else {
      ip = null;
      long end = Ipv4.parse(poolSpec.rangeEnd());
      for (long a = Ipv4.parse(poolSpec.rangeStart()); a <= end; a++) {
        if (!blocked.contains(a) && !usedElsewhere.test(Ipv4.format(a))) {
          ip = Ipv4.format(a);
          break;
        }
      }
      if (ip == null) {
        throw new StoreConflictException("spec.ipPool", "ip pool " + pool + " has no free address");
      }
    }
    setIp(podUid, pool, ip);
    return ip;
  }

  @Override
  public PlacementLoad placementLoad(UUID podUid, UUID ownerUid) {
    em.flush();
    java.util.Map<String, Long> memory = new java.util.HashMap<>();
    java.util.Map<String, Integer> owned = new java.util.HashMap<>();
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT a.node, COALESCE(SUM(COALESCE(CAST(p.spec->>'memoryMb' AS bigint), ?1)), 0),"
                    + " COUNT(*) FILTER (WHERE p.owner_uid = CAST(?2 AS uuid))"
                    + " FROM pod_allocation a JOIN cloud_pod p ON p.uid = a.pod_uid"
                    + " WHERE a.node IS NOT NULL AND a.cluster = (SELECT q.cluster FROM cloud_pod q WHERE q.uid = ?3)"
                    + " GROUP BY a.node")
            .setParameter(1, (long) config.memoryMb())
            .setParameter(2, ownerUid == null ? null : ownerUid.toString())
            .setParameter(3, podUid)
            .getResultList();
    for (Object[] r : rows) {
      memory.put((String) r[0], ((Number) r[1]).longValue());
      owned.put((String) r[0], ((Number) r[2]).intValue());
    }
    return new PlacementLoad(memory, owned);
  }

  @Override
  public java.util.Map<UUID, Integer> vmidsHeld(java.util.Collection<UUID> podUids) {
    if (podUids.isEmpty()) {
      return java.util.Map.of();
    }
    em.flush();
    StringBuilder array = new StringBuilder("{");
    for (UUID u : podUids) {
      array.append(array.length() > 1 ? "," : "").append(u);
    }
    array.append('}');
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT CAST(pod_uid AS text), vmid FROM pod_allocation"
                    + " WHERE vmid IS NOT NULL AND pod_uid = ANY(CAST(?1 AS uuid[]))")
            .setParameter(1, array.toString())
            .getResultList();
    java.util.Map<UUID, Integer> held = new java.util.HashMap<>();
    for (Object[] r : rows) {
      held.put(UUID.fromString((String) r[0]), ((Number) r[1]).intValue());
    }
    return held;
  }

  /** Records the node the pod is (to be) placed on. */
  @Override
  public void recordNode(UUID podUid, String node) {
    upsert(podUid, "node", node);
  }

  /** Records the UPID of the Proxmox task in flight for the pod, or clears it with null. */
  @Override
  public void recordTask(UUID podUid, String upid) {
    upsert(podUid, "task_upid", upid);
  }

  /** Forgets everything reserved for the pod (VMID, IP, node, task). */
  @Override
  public void release(UUID podUid) {
    em.flush();
    em.createNativeQuery("DELETE FROM pod_allocation WHERE pod_uid = ?1")
        .setParameter(1, podUid)
        .executeUpdate();
  }

  /**
   * Admission: reserves a pod's explicitly requested VMID and/or address right away, so that a
   * later request for the same value fails even before the controller has run.
   */
  public void reserveRequested(UUID podUid, Integer vmid, String pool, String ip) {
    if (vmid != null) {
      lockVmids();
      Optional<PodAllocation> existing = find(podUid);
      if (existing.isPresent()
          && existing.get().vmid() != null
          && !existing.get().vmid().equals(vmid)) {
        throw new StoreConflictException(
            "spec.vmid",
            "VMID cannot change once allocated (allocated: " + existing.get().vmid() + ")");
      }
      if (vmidTaken(vmid, podUid, clusterOf(podUid))) {
        throw new StoreConflictException(
            "spec.vmid", "VMID " + vmid + " is already used by another CloudPod");
      }
      upsert(podUid, "vmid", vmid);
    }
    if (ip != null) {
      lockPool(pool);
      if (ipTaken(pool, ip, podUid)) {
        throw new StoreConflictException(
            "spec.ip", ip + " is already used by another CloudPod in pool " + pool);
      }
      setIp(podUid, pool, ip);
    }
  }

  /** Every address of {@code pool} that is allocated to or requested by a pod. */
  public List<String> addressesInUse(String pool) {
    em.flush();
    @SuppressWarnings("unchecked")
    List<Object> rows =
        em.createNativeQuery(
                "SELECT ip FROM pod_allocation WHERE pool = ?1 AND ip IS NOT NULL"
                    + " UNION SELECT spec->>'ip' FROM cloud_pod WHERE coalesce(spec->>'ipPool', ?2) = ?1 AND spec->>'ip' IS NOT NULL")
            .setParameter(1, pool)
            .setParameter(2, config.ipPool())
            .getResultList();
    return rows.stream().map(String.class::cast).sorted().toList();
  }

  /**
   * True if another pod of {@code cluster} has {@code vmid} allocated or requested, or it is a
   * template in use (VMIDs are unique per cluster).
   */
  public boolean vmidTaken(int vmid, UUID exceptPod, String cluster) {
    em.flush();
    Number n =
        (Number)
            em.createNativeQuery(
                    "SELECT (SELECT count(*) FROM pod_allocation WHERE vmid = ?1 AND cluster = ?4 AND pod_uid <> ?2)"
                        + " + (SELECT count(*) FROM cloud_pod WHERE spec->>'vmid' = ?3 AND cluster = ?4 AND uid <> ?2)")
                .setParameter(1, vmid)
                .setParameter(2, exceptPod)
                .setParameter(3, Integer.toString(vmid))
                .setParameter(4, cluster)
                .getSingleResult();
    return n.longValue() > 0 || vmid == config.templateVmid();
  }

  /** True if another pod has {@code ip} allocated or requested in {@code pool}. */
  public boolean ipTaken(String pool, String ip, UUID exceptPod) {
    em.flush();
    Number n =
        (Number)
            em.createNativeQuery(
                    "SELECT (SELECT count(*) FROM pod_allocation WHERE pool = ?1 AND ip = ?2 AND pod_uid <> ?3)"
                        + " + (SELECT count(*) FROM cloud_pod WHERE coalesce(spec->>'ipPool', ?4) = ?1 AND spec->>'ip' = ?2 AND uid <> ?3)")
                .setParameter(1, pool)
                .setParameter(2, ip)
                .setParameter(3, exceptPod)
                .setParameter(4, config.ipPool())
                .getSingleResult();
    return n.longValue() > 0;
  }

  /** The cluster the pod lives in (the database chose it when the pod was stored). */
  private String clusterOf(UUID podUid) {
    @SuppressWarnings("unchecked")
    List<Object> c =
        em.createNativeQuery("SELECT cluster FROM cloud_pod WHERE uid = ?1")
            .setParameter(1, podUid)
            .getResultList();
    return c.isEmpty() ? "default" : (String) c.get(0);
  }

  private int lowestFreeVmid(java.util.function.IntPredicate usedElsewhere, String cluster) {
    @SuppressWarnings("unchecked")
    List<Object> used =
        em.createNativeQuery(
                "SELECT vmid FROM pod_allocation WHERE vmid IS NOT NULL AND cluster = ?1"
                    + " UNION SELECT CAST(spec->>'vmid' AS integer) FROM cloud_pod WHERE spec->>'vmid' IS NOT NULL AND cluster = ?1"
                    + " UNION SELECT CAST(spec->>'template' AS integer) FROM cloud_pod WHERE spec->>'template' IS NOT NULL AND cluster = ?1")
            .setParameter(1, cluster)
            .getResultList();
    TreeSet<Integer> taken = new TreeSet<>();
    for (Object o : used) {
      taken.add(((Number) o).intValue());
    }
    taken.add(config.templateVmid());
    long start = config.vmidRangeStart();
    long last = config.vmidRangeEnd();
    @SuppressWarnings("unchecked")
    List<Object[]> range =
        em.createNativeQuery(
                "SELECT CAST(spec->'vmidRange'->>'start' AS bigint), CAST(spec->'vmidRange'->>'end' AS bigint)"
                    + " FROM proxmox_cluster WHERE name = ?1")
            .setParameter(1, cluster)
            .getResultList();
    if (!range.isEmpty()) {
      Object[] r = range.get(0);
      start = r[0] == null ? start : ((Number) r[0]).longValue();
      last = r[1] == null ? last : ((Number) r[1]).longValue();
    }
    for (long v = start; v <= last; v++) {
      if (!taken.contains((int) v)
          && (v < config.infraVmidStart() || v > config.infraVmidEnd())
          && !usedElsewhere.test((int) v)) {
        return (int) v;
      }
    }
    throw new StoreConflictException(
        "spec.vmid", "no free VMID left in the client range of cluster " + cluster);
  }

  private Set<Long> blockedAddresses(String pool, IpPoolSpec spec, UUID exceptPod) {
    Set<Long> blocked = new HashSet<>();
    blocked.add(Ipv4.parse(spec.gateway()));
    for (String r : spec.reserved()) {
      blocked.add(Ipv4.parse(r));
    }
    @SuppressWarnings("unchecked")
    List<Object> taken =
        em.createNativeQuery(
                "SELECT ip FROM pod_allocation WHERE pool = ?1 AND ip IS NOT NULL AND pod_uid <> ?2"
                    + " UNION SELECT spec->>'ip' FROM cloud_pod WHERE coalesce(spec->>'ipPool', ?3) = ?1 AND spec->>'ip' IS NOT NULL AND uid <> ?2")
            .setParameter(1, pool)
            .setParameter(2, exceptPod)
            .setParameter(3, config.ipPool())
            .getResultList();
    for (Object o : taken) {
      blocked.add(Ipv4.parse((String) o));
    }
    return blocked;
  }

  private CloudPodSpec podSpec(UUID podUid) {
    CloudPodEntity pod = em.find(CloudPodEntity.class, podUid);
    if (pod == null) {
      throw new StoreConflictException("metadata.uid", "no CloudPod with uid " + podUid);
    }
    return defaults.pod(Json.read(pod.spec, CloudPodSpec.class));
  }

  private void lockVmids() {
    em.createNativeQuery("SELECT CAST(pg_advisory_xact_lock(?1) AS text)")
        .setParameter(1, VMID_LOCK)
        .getSingleResult();
  }

  private void lockPool(String pool) {
    em.createNativeQuery("SELECT CAST(pg_advisory_xact_lock(hashtext(?1)) AS text)")
        .setParameter(1, "cloudpods.ip-pool:" + pool)
        .getSingleResult();
  }

  private void setIp(UUID podUid, String pool, String ip) {
    em.flush();
    em.createNativeQuery(
            "INSERT INTO pod_allocation (pod_uid, pool, ip) VALUES (?1, ?2, ?3)"
                + " ON CONFLICT (pod_uid) DO UPDATE SET pool = EXCLUDED.pool, ip = EXCLUDED.ip, updated_at = now()")
        .setParameter(1, podUid)
        .setParameter(2, pool)
        .setParameter(3, ip)
        .executeUpdate();
  }

  private void upsert(UUID podUid, String column, Object value) {
    em.flush();
    // column is one of our own constants, never user input
    em.createNativeQuery(
            "INSERT INTO pod_allocation (pod_uid, "
                + column
                + ") VALUES (?1, CAST(?2 AS "
                + ("vmid".equals(column) ? "integer" : "text")
                + "))"
                + " ON CONFLICT (pod_uid) DO UPDATE SET "
                + column
                + " = EXCLUDED."
                + column
                + ", updated_at = now()")
        .setParameter(1, podUid)
        .setParameter(2, value)
        .executeUpdate();
  }
}
