package io.cloudpods.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code orphan_container} table: the orphans each cluster's resync reported last (found by
 * {@code OrphanTracker}); a cluster's rows are replaced as a whole when its set changes.
 */
@ApplicationScoped
@Transactional
public class OrphanStore {

  /** A page of orphans, at most the limit asked for, and how many there are in all. */
  public record Page(List<OrphanContainer> orphans, int total) {}

  private static final String COLUMNS = "cluster, vmid, node, name, owner_uid, status, tags, since";

  private final EntityManager em;

  public OrphanStore(EntityManager em) {
    this.em = em;
  }

  /** Every cluster's orphans, ordered by cluster and VMID. */
  public List<OrphanContainer> all() {
    return read(
        em.createNativeQuery(
            "SELECT " + COLUMNS + " FROM orphan_container ORDER BY cluster, vmid"));
  }

  /** One cluster's orphans, ordered by VMID. */
  public List<OrphanContainer> all(String cluster) {
    return read(
        em.createNativeQuery(
                "SELECT " + COLUMNS + " FROM orphan_container WHERE cluster = ?1 ORDER BY vmid")
            .setParameter(1, cluster));
  }

  /** How many orphans each cluster has (clusters without any are absent). */
  @SuppressWarnings("unchecked")
  public java.util.Map<String, Integer> countByCluster() {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    for (Object[] r :
        (List<Object[]>)
            em.createNativeQuery("SELECT cluster, count(*) FROM orphan_container GROUP BY cluster")
                .getResultList()) {
      out.put((String) r[0], ((Number) r[1]).intValue());
    }
    return out;
  }

  /**
   * Orphans ordered by cluster and VMID, at most {@code limit}; with a tenant, only those whose
   * {@code tenant-*} tag is that tenant's (orphans have no stored tenant, only the tag the
   * container carries).
   */
  public Page page(String tenantTag, int limit) {
    String where = tenantTag == null ? "" : " WHERE tenant_tag = ?1";
    Query count = em.createNativeQuery("SELECT count(*) FROM orphan_container" + where);
    Query rows =
        em.createNativeQuery(
            "SELECT "
                + COLUMNS
                + " FROM orphan_container"
                + where
                + " ORDER BY cluster, vmid LIMIT "
                + limit);
    if (tenantTag != null) {
      count.setParameter(1, tenantTag);
      rows.setParameter(1, tenantTag);
    }
    int total = ((Number) count.getSingleResult()).intValue();
    return new Page(limit == 0 ? List.of() : read(rows), total);
  }

  /** Makes the table hold exactly {@code orphans} for {@code cluster}, in one transaction. */
  public void replaceAll(String cluster, List<OrphanContainer> orphans) {
    em.createNativeQuery("DELETE FROM orphan_container WHERE cluster = ?1")
        .setParameter(1, cluster)
        .executeUpdate();
    for (OrphanContainer o : orphans) {
      if (!cluster.equals(o.cluster())) {
        throw new IllegalArgumentException(
            "orphan " + o.vmid() + " is in cluster " + o.cluster() + ", not " + cluster);
      }
      em.createNativeQuery(
              "INSERT INTO orphan_container (cluster, vmid, node, name, owner_uid, status, tags,"
                  + " tenant_tag, since) VALUES (?9, ?1, ?2, ?3, ?4, ?5, CAST(?6 AS text[]), ?7, ?8)")
          .setParameter(9, cluster)
          .setParameter(1, o.vmid())
          .setParameter(2, o.node())
          .setParameter(3, o.name())
          .setParameter(4, o.ownerUid())
          .setParameter(5, o.status())
          .setParameter(6, textArray(o.tags()))
          .setParameter(7, o.tenantTag().orElse(null))
          .setParameter(8, OffsetDateTime.ofInstant(o.since(), ZoneOffset.UTC))
          .executeUpdate();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<OrphanContainer> read(Query q) {
    List<OrphanContainer> out = new ArrayList<>();
    for (Object[] r : (List<Object[]>) q.getResultList()) {
      out.add(
          new OrphanContainer(
              (String) r[0],
              ((Number) r[1]).intValue(),
              (String) r[2],
              (String) r[3],
              (String) r[4],
              (String) r[5],
              List.of((String[]) r[6]), // text[] NOT NULL
              EventStore.instant(r[7])));
    }
    return out;
  }

  /**
   * A PostgreSQL array literal; tags are Proxmox tags ({@code [a-z0-9_][a-z0-9_\-+.]*}) but are
   * quoted anyway.
   */
  static String textArray(List<String> values) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append('}').toString();
  }
}
