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
 * The {@code orphan_container} table: the orphans the controller reported at its last resync (found
 * by {@code OrphanTracker}), replaced as a whole when the set changes.
 */
@ApplicationScoped
@Transactional
public class OrphanStore {

  /** A page of orphans, at most the limit asked for, and how many there are in all. */
  public record Page(List<OrphanContainer> orphans, int total) {}

  private static final String COLUMNS = "vmid, node, name, owner_uid, status, tags, since";

  private final EntityManager em;

  public OrphanStore(EntityManager em) {
    this.em = em;
  }

  public List<OrphanContainer> all() {
    return read(em.createNativeQuery("SELECT " + COLUMNS + " FROM orphan_container ORDER BY vmid"));
  }

  /**
   * Orphans ordered by VMID, at most {@code limit}; with a tenant, only those whose {@code
   * tenant-*} tag is that tenant's (orphans have no stored tenant, only the tag the container
   * carries).
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
                + " ORDER BY vmid LIMIT "
                + limit);
    if (tenantTag != null) {
      count.setParameter(1, tenantTag);
      rows.setParameter(1, tenantTag);
    }
    int total = ((Number) count.getSingleResult()).intValue();
    return new Page(limit == 0 ? List.of() : read(rows), total);
  }

  /** Makes the table hold exactly {@code orphans}, in one transaction. */
  public void replaceAll(List<OrphanContainer> orphans) {
    em.createNativeQuery("DELETE FROM orphan_container").executeUpdate();
    for (OrphanContainer o : orphans) {
      em.createNativeQuery(
              "INSERT INTO orphan_container (vmid, node, name, owner_uid, status, tags, tenant_tag, since)"
                  + " VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS text[]), ?7, ?8)")
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
              ((Number) r[0]).intValue(),
              (String) r[1],
              (String) r[2],
              (String) r[3],
              (String) r[4],
              List.of((String[]) r[5]), // text[] NOT NULL
              EventStore.instant(r[6])));
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
