package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.OwnerReference;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * CloudPods. The API writes spec through {@link #put}; the controller writes status through {@link
 * #updateStatus}, creates/updates the pods of a PodSet through {@link #upsertOwned} and removes a
 * deleted pod with {@link #finalizeDeletion} once its container is gone.
 */
@ApplicationScoped
public class CloudPodStore extends ResourceStore<CloudPodEntity, CloudPod>
    implements CloudPodRecords, OwnedPods {
  private final Defaults defaults;

  public CloudPodStore(EntityManager em, Defaults defaults) {
    super(em);
    this.defaults = defaults;
  }

  @Override
  protected Class<CloudPodEntity> type() {
    return CloudPodEntity.class;
  }

  @Override
  protected String table() {
    return "cloud_pod";
  }

  @Override
  protected boolean tenantScoped() {
    return true;
  }

  @Override
  protected CloudPodEntity newEntity(ResourceKey key) {
    CloudPodEntity e = new CloudPodEntity();
    e.tenant = key.tenant();
    return e;
  }

  @Override
  protected CloudPod toApi(CloudPodEntity e) {
    CloudPodStatus status = Json.read(e.status, CloudPodStatus.class);
    if (status == null) {
      status =
          new CloudPodStatus(
              CloudPodStatus.PHASE_PENDING, null, null, null, null, null, null, null, null, null);
    }
    if (e.deletionTimestamp != null) {
      status = status.withPhase(CloudPodStatus.PHASE_DELETING);
    }
    OwnerReference owner =
        e.ownerUid == null
            ? null
            : new OwnerReference(e.ownerKind, e.ownerName, e.ownerUid.toString());
    return new CloudPod(
        ApiVersion.V1ALPHA1,
        "CloudPod",
        meta(e, e.tenant, owner),
        defaults.pod(Json.read(e.spec, CloudPodSpec.class)),
        status);
  }

  /** Spec write from the API; the spec must already be defaulted and validated. */
  public Written<CloudPod> put(CloudPod pod, String expectedVersion) {
    ResourceKey key = ResourceKey.of(pod.metadata().tenant(), pod.metadata().name());
    return putSpec(key, pod.metadata().labels(), pod.spec(), expectedVersion, null);
  }

  /**
   * Replaces the status written by the controller. Does not change spec or generation and does not
   * wake the controller. Entities loaded earlier in the same transaction are detached afterwards
   * (read the pod again rather than changing an old copy).
   *
   * @return false if the pod does not exist (any more)
   */
  @Override
  public boolean updateStatus(ResourceKey key, CloudPodStatus status) {
    return writeStatus(key, status);
  }

  /**
   * Removes a pod marked for deletion and releases its allocation with it; the controller calls
   * this once the container is confirmed gone. The allocation goes first: the database turns a
   * DELETE of a row that still holds one into a deletion mark (migration V3).
   */
  @Override
  public boolean finalizeDeletion(ResourceKey key) {
    Optional<CloudPodEntity> found = findEntity(key, true);
    if (found.isEmpty() || found.get().deletionTimestamp == null) {
      return false;
    }
    em.createNativeQuery("DELETE FROM pod_allocation WHERE pod_uid = ?1")
        .setParameter(1, found.get().uid)
        .executeUpdate();
    return super.finalizeDeletion(key);
  }

  /**
   * Marks the pod for deletion like {@link #markDeleted(ResourceKey)}; {@code skipFinalBackup} true
   * also records that it goes without its Final backup (column {@code skip_final_backup}). A later
   * deletion without the option does not take that back.
   */
  public Optional<CloudPod> markDeleted(ResourceKey key, boolean skipFinalBackup) {
    Optional<CloudPod> marked = markDeleted(key);
    if (marked.isPresent() && skipFinalBackup) {
      em.createNativeQuery(
              "UPDATE cloud_pod SET skip_final_backup = true WHERE tenant = ?1 AND name = ?2")
          .setParameter(1, key.tenant())
          .setParameter(2, key.name())
          .executeUpdate();
      em.clear();
    }
    return marked;
  }

  /** Was the pod's deletion asked with {@code skipFinalBackup}? False for an absent pod. */
  public boolean skipsFinalBackup(ResourceKey key) {
    em.flush();
    @SuppressWarnings("unchecked")
    List<Object> r =
        em.createNativeQuery(
                "SELECT skip_final_backup FROM cloud_pod WHERE tenant = ?1 AND name = ?2")
            .setParameter(1, key.tenant())
            .setParameter(2, key.name())
            .getResultList();
    return !r.isEmpty() && Boolean.TRUE.equals(r.get(0));
  }

  /** Marks every pod of a PodSet for deletion without their Final backups. */
  public int markOwnedSkipFinalBackup(UUID podSetUid) {
    em.flush();
    int n =
        em.createNativeQuery("UPDATE cloud_pod SET skip_final_backup = true WHERE owner_uid = ?1")
            .setParameter(1, podSetUid)
            .executeUpdate();
    em.clear();
    return n;
  }

  /** The pod's uid, the key of its {@code pod_allocation} row. */
  public Optional<UUID> uid(ResourceKey key) {
    return findEntity(key, false).map(e -> e.uid);
  }

  /**
   * A stored pod as a write to it is checked: its uid, the PodSet that owns it (both null for a pod
   * of its own) and its spec with defaults, as the API shows it.
   */
  public record StoredPod(
      UUID uid, UUID ownerUid, String ownerName, CloudPodSpec spec, String cluster) {}

  /** The stored pod at {@code key}, without handing out its entity. */
  public Optional<StoredPod> stored(ResourceKey key) {
    return findEntity(key, false)
        .map(
            e ->
                new StoredPod(
                    e.uid,
                    e.ownerUid,
                    e.ownerName,
                    defaults.pod(Json.read(e.spec, CloudPodSpec.class)),
                    e.cluster));
  }

  /**
   * Creates or updates the pod {@code <podset>-<ordinal>} of a PodSet, bypassing admission. Quotas
   * stay consistent because owned pods are counted through their PodSet's replicas, which admission
   * already checked.
   */
  @Override
  public Written<CloudPod> upsertOwned(
      ResourceKey podSet,
      UUID podSetUid,
      int ordinal,
      CloudPodSpec spec,
      Map<String, String> labels) {
    ResourceKey key = ResourceKey.of(podSet.tenant(), podSet.name() + "-" + ordinal);
    Optional<CloudPodEntity> existing = findEntity(key, false);
    if (existing.isPresent() && !podSetUid.equals(existing.get().ownerUid)) {
      throw new StoreConflictException(
          "metadata.name", key + " exists and is not owned by PodSet " + podSet);
    }
    CloudPodSpec owned = defaults.pod(spec).withIpAndVmid(null, null);
    return putSpec(
        key,
        labels,
        owned,
        null,
        e -> {
          e.ownerKind = Kind.PodSet.name();
          e.ownerName = podSet.name();
          e.ownerUid = podSetUid;
        });
  }

  /**
   * The pods of a PodSet, by name, without loading them (a PodSet of 1,000 pods is looked at
   * often).
   */
  @Override
  public List<OwnedPod> ownedSummary(UUID podSetUid) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT p.name, p.deletion_timestamp IS NOT NULL, p.generation,"
                    + " "
                    + READY_TRUE_SQL
                    + "   AND "
                    + OBSERVED_SQL
                    + " = p.generation"
                    + " FROM cloud_pod p WHERE p.owner_uid = ?1 ORDER BY p.name")
            .setParameter(1, podSetUid)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new OwnedPod(
                    (String) r[0],
                    Boolean.TRUE.equals(r[1]),
                    ((Number) r[2]).longValue(),
                    Boolean.TRUE.equals(r[3])))
        .toList();
  }

  /** Marks every pod of a PodSet for deletion (used when the PodSet itself is deleted). */
  public int markOwnedDeleted(UUID podSetUid) {
    em.flush();
    return em.createNativeQuery(
            "UPDATE cloud_pod SET deletion_timestamp = now() WHERE owner_uid = ?1 AND deletion_timestamp IS NULL")
        .setParameter(1, podSetUid)
        .executeUpdate();
  }

  /**
   * Every pod with its allocation, for the periodic resync: one query, no entities. Specs are
   * parsed once per generation and reused from {@link #specCache} afterwards.
   */
  public List<PodResyncRow> resyncRows() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT p.tenant, p.name, CAST(p.uid AS text), p.generation, p.deletion_timestamp IS NOT NULL,"
                    + " CAST(p.spec AS text), p.owner_name, a.vmid, a.node, a.ip, a.task_upid, p.cluster"
                    + " FROM cloud_pod p LEFT JOIN pod_allocation a ON a.pod_uid = p.uid ORDER BY p.tenant, p.name")
            .getResultList();
    List<PodResyncRow> out = new java.util.ArrayList<>(rows.size());
    Map<UUID, ParsedSpec> seen = new java.util.HashMap<>(rows.size() * 2);
    for (Object[] r : rows) {
      UUID uid = UUID.fromString((String) r[2]);
      long generation = ((Number) r[3]).longValue();
      ParsedSpec cached = specCache.get(uid);
      if (cached == null || cached.generation() != generation) {
        cached =
            new ParsedSpec(generation, defaults.pod(Json.read((String) r[5], CloudPodSpec.class)));
      }
      seen.put(uid, cached);
      out.add(
          new PodResyncRow(
              ResourceKey.of((String) r[0], (String) r[1]),
              uid,
              generation,
              Boolean.TRUE.equals(r[4]),
              cached.spec(),
              (String) r[6],
              r[7] == null ? null : ((Number) r[7]).intValue(),
              (String) r[8],
              (String) r[9],
              (String) r[10],
              (String) r[11]));
    }
    specCache = seen; // forget pods that are gone
    return out;
  }

  /**
   * Pods per tenant and phase (a pod marked for deletion counts as Deleting, one without status as
   * Pending).
   */
  public record PhaseCount(String tenant, String phase, int pods) {}

  /** A pod that is not converged, with the reason and message of its Ready condition. */
  public record Unconverged(
      String tenant,
      String name,
      String phase,
      boolean deleting,
      long generation,
      Long observedGeneration,
      boolean hasReady,
      String readyReason,
      String readyMessage) {}

  private static final String PHASE_SQL =
      "CASE WHEN p.deletion_timestamp IS NOT NULL THEN 'Deleting' ELSE COALESCE(p.status->>'phase', 'Pending') END";

  /** True when the pod's conditions hold Ready=True (a jsonb containment test, no unpacking). */
  private static final String READY_TRUE_SQL =
      "COALESCE(p.status->'conditions' @> CAST('[{\"type\": \"Ready\", \"status\": \"True\"}]' AS jsonb), false)";

  /** The pod's Ready condition (if any) as {@code r.c}. */
  private static final String READY_JOIN =
      " LEFT JOIN LATERAL (SELECT c FROM jsonb_array_elements("
          + "   CASE WHEN jsonb_typeof(p.status->'conditions') = 'array' THEN p.status->'conditions' ELSE '[]'::jsonb END) c"
          + "   WHERE c->>'type' = 'Ready' LIMIT 1) r ON true";

  private static final String OBSERVED_SQL =
      "CASE WHEN p.status->>'observedGeneration' ~ '^[0-9]{1,18}$' THEN CAST(p.status->>'observedGeneration' AS bigint) END";

  /**
   * Deleting, not observed at its generation, or without a Ready condition that is True (a jsonb
   * containment test, so no condition list is unpacked for the pods that are fine).
   */
  private static final String UNCONVERGED_WHERE =
      " WHERE (p.deletion_timestamp IS NOT NULL OR "
          + OBSERVED_SQL
          + " IS NULL OR "
          + OBSERVED_SQL
          + " < p.generation"
          + " OR NOT "
          + READY_TRUE_SQL
          + ")";

  /** Counts for the status summary, computed by PostgreSQL (no pod is loaded). */
  public List<PhaseCount> phaseCounts(String tenant) {
    var q =
        em.createNativeQuery(
            "SELECT p.tenant, "
                + PHASE_SQL
                + ", count(*) FROM cloud_pod p"
                + (tenant == null ? "" : " WHERE p.tenant = ?1")
                + " GROUP BY 1, 2 ORDER BY 1, 2");
    if (tenant != null) {
      q.setParameter(1, tenant);
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = q.getResultList();
    return rows.stream()
        .map(r -> new PhaseCount((String) r[0], (String) r[1], ((Number) r[2]).intValue()))
        .toList();
  }

  /** A count of pods of one tenant in one phase in one cluster. */
  public record ClusterPhaseCount(
      String tenant, String cluster, String phase, int pods, int ready) {}

  /**
   * Pods per tenant, cluster and phase, with how many of them have Ready=True, computed by
   * PostgreSQL (no pod is loaded).
   */
  public List<ClusterPhaseCount> clusterPhaseCounts() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT p.tenant, p.cluster, "
                    + PHASE_SQL
                    + ", count(*), count(*) FILTER (WHERE "
                    + READY_TRUE_SQL
                    + ") FROM cloud_pod p GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new ClusterPhaseCount(
                    (String) r[0],
                    (String) r[1],
                    (String) r[2],
                    ((Number) r[3]).intValue(),
                    ((Number) r[4]).intValue()))
        .toList();
  }

  /** Pods with Ready=True per tenant (tenants without pods are absent). */
  public Map<String, Integer> readyCounts() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT p.tenant, count(*) FILTER (WHERE "
                    + READY_TRUE_SQL
                    + ") FROM cloud_pod p GROUP BY 1")
            .getResultList();
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (Object[] r : rows) {
      out.put((String) r[0], ((Number) r[1]).intValue());
    }
    return out;
  }

  /** One pod as the opt-in per-pod metric shows it. */
  public record PodInfo(
      String tenant, String name, String phase, Integer vmid, String node, String cluster) {}

  /** Every pod's tenant, name, phase, VMID, node and cluster, for the opt-in per-pod metric. */
  public List<PodInfo> podInfos() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT p.tenant, p.name, "
                    + PHASE_SQL
                    + ", a.vmid, COALESCE(a.node, p.status->>'node'), p.cluster FROM cloud_pod p"
                    + " LEFT JOIN pod_allocation a ON a.pod_uid = p.uid ORDER BY 1, 2")
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new PodInfo(
                    (String) r[0],
                    (String) r[1],
                    (String) r[2],
                    r[3] == null ? null : ((Number) r[3]).intValue(),
                    (String) r[4],
                    (String) r[5]))
        .toList();
  }

  /** The first {@code limit} unconverged pods by tenant and name, and how many there are in all. */
  public record UnconvergedPage(List<Unconverged> pods, int total) {}

  /**
   * Pods that are marked for deletion, not observed at their generation yet, or without a Ready
   * condition that is True; filtered by PostgreSQL so a summary of many converged pods stays cheap.
   */
  public UnconvergedPage unconverged(String tenant, int limit) {
    // the page is chosen first; only its pods' conditions are unpacked for reason and message
    String sql =
        "SELECT p.tenant, p.name, "
            + PHASE_SQL
            + ", p.deletion_timestamp IS NOT NULL, p.generation, "
            + OBSERVED_SQL
            + ","
            + " r.c IS NOT NULL, r.c->>'reason', r.c->>'message', p.total"
            + " FROM (SELECT p.*, count(*) OVER () AS total FROM cloud_pod p"
            + UNCONVERGED_WHERE
            + (tenant == null ? "" : " AND p.tenant = ?1")
            + " ORDER BY p.tenant, p.name LIMIT "
            + Math.max(1, limit)
            + ") p"
            + READY_JOIN
            + " ORDER BY p.tenant, p.name";
    var q = em.createNativeQuery(sql);
    if (tenant != null) {
      q.setParameter(1, tenant);
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = limit <= 0 ? List.of() : q.getResultList();
    int total;
    if (!rows.isEmpty()) {
      total = ((Number) rows.get(0)[9]).intValue();
    } else if (limit <= 0) {
      total = countUnconverged(tenant);
    } else {
      total = 0;
    }
    List<Unconverged> pods =
        rows.stream()
            .map(
                r ->
                    new Unconverged(
                        (String) r[0],
                        (String) r[1],
                        (String) r[2],
                        Boolean.TRUE.equals(r[3]),
                        ((Number) r[4]).longValue(),
                        r[5] == null ? null : ((Number) r[5]).longValue(),
                        Boolean.TRUE.equals(r[6]),
                        (String) r[7],
                        (String) r[8]))
            .toList();
    return new UnconvergedPage(pods, total);
  }

  private int countUnconverged(String tenant) {
    String sql =
        "SELECT count(*) FROM cloud_pod p"
            + UNCONVERGED_WHERE
            + (tenant == null ? "" : " AND p.tenant = ?1");
    var q = em.createNativeQuery(sql);
    if (tenant != null) {
      q.setParameter(1, tenant);
    }
    return ((Number) q.getSingleResult()).intValue();
  }

  private record ParsedSpec(long generation, CloudPodSpec spec) {}

  /**
   * Parsed specs of the last {@link #resyncRows} by pod uid; the generation says when to parse
   * again.
   */
  private volatile Map<UUID, ParsedSpec> specCache = Map.of();

  /** The cluster the pod at {@code key} lives in, if it exists. */
  public Optional<String> clusterOf(ResourceKey key) {
    @SuppressWarnings("unchecked")
    List<Object> c =
        em.createNativeQuery("SELECT cluster FROM cloud_pod WHERE tenant = ?1 AND name = ?2")
            .setParameter(1, key.tenant())
            .setParameter(2, key.name())
            .getResultList();
    return c.isEmpty() ? Optional.empty() : Optional.of((String) c.get(0));
  }

  /** The tenant's pod whose spec or allocation carries {@code vmid}. */
  public Optional<CloudPod> findByVmid(String tenant, int vmid) {
    @SuppressWarnings("unchecked")
    List<Object> uids =
        em.createNativeQuery(
                "SELECT CAST(p.uid AS text) FROM cloud_pod p LEFT JOIN pod_allocation a ON a.pod_uid = p.uid"
                    + " WHERE p.tenant = ?1 AND (a.vmid = ?2 OR (p.spec->>'vmid') = ?3)")
            .setParameter(1, tenant)
            .setParameter(2, vmid)
            .setParameter(3, Integer.toString(vmid))
            .getResultList();
    if (uids.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(em.find(CloudPodEntity.class, UUID.fromString((String) uids.get(0))))
        .map(this::toApi);
  }
}
