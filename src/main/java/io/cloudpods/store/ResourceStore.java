package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.OwnerReference;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Spec/metadata writes and reads shared by the four kinds. Writes lock the row ({@code SELECT … FOR
 * UPDATE}) so that a concurrent status write waits instead of failing the optimistic check.
 */
@jakarta.transaction.Transactional
public abstract class ResourceStore<E extends ResourceEntity, R> {

  protected EntityManager em;

  /** For the CDI client proxy only. */
  protected ResourceStore() {}

  protected ResourceStore(EntityManager em) {
    this.em = em;
  }

  protected abstract Class<E> type();

  protected abstract String table();

  protected abstract E newEntity(ResourceKey key);

  protected abstract R toApi(E entity);

  protected boolean tenantScoped() {
    return false;
  }

  public Optional<E> findEntity(ResourceKey key, boolean forUpdate) {
    String jpql =
        "from "
            + type().getSimpleName()
            + " e where e.name = :n"
            + (tenantScoped() ? " and e.tenant = :t" : "");
    TypedQuery<E> q = em.createQuery(jpql, type()).setParameter("n", key.name());
    if (tenantScoped()) {
      q.setParameter("t", key.tenant());
    }
    if (forUpdate) {
      q.setLockMode(LockModeType.PESSIMISTIC_WRITE);
    }
    Optional<E> found = q.getResultStream().findFirst();
    if (forUpdate) {
      // The row is locked now, but an instance loaded earlier in this transaction may predate a
      // status write the controller committed since; reload it so the write does not fail its
      // version check against a state nobody asked to conflict with.
      found.ifPresent(em::refresh);
    }
    return found;
  }

  public Optional<R> get(ResourceKey key) {
    return findEntity(key, false).map(this::toApi);
  }

  /**
   * All objects, or those of one tenant when {@code tenant} is not null; ordered by tenant and
   * name.
   */
  public List<R> list(String tenant) {
    return listEntities(tenant).stream().map(this::toApi).toList();
  }

  public List<E> listEntities(String tenant) {
    String order = tenantScoped() ? " order by e.tenant, e.name" : " order by e.name";
    if (tenant == null || !tenantScoped()) {
      return em.createQuery("from " + type().getSimpleName() + " e" + order, type())
          .getResultList();
    }
    return em.createQuery(
            "from " + type().getSimpleName() + " e where e.tenant = :t" + order, type())
        .setParameter("t", tenant)
        .getResultList();
  }

  /** Keys of every object, for the controller's periodic resync. */
  public List<ResourceKey> listKeys() {
    return listEntities(null).stream().map(e -> new ResourceKey(e.tenantName(), e.name)).toList();
  }

  /**
   * Creates or updates spec and labels. {@code generation} rises only if the spec changed; nothing
   * is written when neither changed.
   *
   * @param expectedVersion the caller's {@code metadata.resourceVersion}, or null for an
   *     unconditional write
   */
  protected Written<R> putSpec(
      ResourceKey key,
      Map<String, String> labels,
      Object spec,
      String expectedVersion,
      Consumer<E> onCreate) {
    String specJson = Json.write(spec);
    String labelsJson = Json.write(labels == null ? Map.of() : labels);
    Optional<E> found = findEntity(key, true);
    if (found.isEmpty()) {
      if (expectedVersion != null) {
        throw new StoreConflictException(
            "metadata.resourceVersion",
            key + " does not exist, but resourceVersion " + expectedVersion + " was given");
      }
      E e = newEntity(key);
      e.uid = UUID.randomUUID();
      e.name = key.name();
      e.labels = labelsJson;
      e.spec = specJson;
      e.generation = 1;
      // same starting point as the column default used by plain SQL inserts
      e.resourceVersion = 1;
      e.creationTimestamp = Instant.now();
      if (onCreate != null) {
        onCreate.accept(e);
      }
      em.persist(e);
      em.flush();
      return new Written<>(WriteOutcome.created, written(e));
    }
    E e = found.get();
    checkVersion(e, expectedVersion);
    if (e.deletionTimestamp != null) {
      throw new StoreConflictException("metadata.deletionTimestamp", key + " is being deleted");
    }
    boolean specChanged = !Json.same(e.spec, specJson);
    boolean labelsChanged = !Json.same(e.labels, labelsJson);
    if (!specChanged && !labelsChanged) {
      return new Written<>(WriteOutcome.unchanged, written(e));
    }
    if (specChanged) {
      e.spec = specJson;
      e.generation = e.generation + 1;
    }
    e.labels = labelsJson;
    em.flush();
    return new Written<>(WriteOutcome.configured, written(e));
  }

  /**
   * The API view of an entity just written, which is then detached: a batch of N writes in one
   * transaction would otherwise keep N entities managed and dirty-check all of them at every flush.
   */
  private R written(E e) {
    R api = toApi(e);
    em.detach(e);
    return api;
  }

  protected static void checkVersion(ResourceEntity e, String expectedVersion) {
    if (expectedVersion != null && !expectedVersion.equals(Long.toString(e.resourceVersion))) {
      throw new StoreConflictException(
          "metadata.resourceVersion",
          "resourceVersion "
              + expectedVersion
              + " is stale; the stored object is at "
              + e.resourceVersion);
    }
  }

  /**
   * Marks the object for deletion (sets {@code deletionTimestamp} once). It stays visible until
   * {@link #finalizeDeletion} removes it.
   */
  public Optional<R> markDeleted(ResourceKey key) {
    Optional<E> found = findEntity(key, true);
    found.ifPresent(
        e -> {
          if (e.deletionTimestamp == null) {
            e.deletionTimestamp = Instant.now();
            em.flush();
          }
        });
    return found.map(this::toApi);
  }

  /**
   * Removes an object that was marked for deletion; called by the controller once nothing of it is
   * left outside the database. Does nothing (returns false) if the object is absent or not marked.
   */
  public boolean finalizeDeletion(ResourceKey key) {
    Optional<E> found = findEntity(key, true);
    if (found.isEmpty() || found.get().deletionTimestamp == null) {
      return false;
    }
    em.remove(found.get());
    em.flush();
    return true;
  }

  /**
   * Replaces the status column only: bumps resourceVersion, leaves spec, generation and labels
   * alone and therefore does not wake the controller (no NOTIFY).
   *
   * @return false if the object does not exist
   */
  protected boolean writeStatus(ResourceKey key, Object status) {
    em.flush();
    String sql =
        "UPDATE "
            + table()
            + " SET status = CAST(?1 AS jsonb) WHERE name = ?2"
            + (tenantScoped() ? " AND tenant = ?3" : "");
    var q =
        em.createNativeQuery(sql).setParameter(1, Json.write(status)).setParameter(2, key.name());
    if (tenantScoped()) {
      q.setParameter(3, key.tenant());
    }
    int n = q.executeUpdate();
    // entities loaded earlier in this transaction no longer match the row
    em.clear();
    return n > 0;
  }

  /**
   * Replaces the status column only if the row is still at {@code expectedVersion} (its {@code
   * metadata.resourceVersion} as read): a writer that read an older state loses instead of
   * overwriting a newer one.
   *
   * @return false if the object does not exist
   * @throws StoreConflictException if it exists at another resourceVersion
   */
  protected boolean writeStatusIf(ResourceKey key, Object status, String expectedVersion) {
    if (expectedVersion == null) {
      return writeStatus(key, status);
    }
    em.flush();
    String sql =
        "UPDATE "
            + table()
            + " SET status = CAST(?1 AS jsonb) WHERE name = ?2 AND resource_version = ?4"
            + (tenantScoped() ? " AND tenant = ?3" : "");
    var q =
        em.createNativeQuery(sql)
            .setParameter(1, Json.write(status))
            .setParameter(2, key.name())
            .setParameter(4, Long.parseLong(expectedVersion));
    if (tenantScoped()) {
      q.setParameter(3, key.tenant());
    }
    int n = q.executeUpdate();
    em.clear();
    if (n > 0) {
      return true;
    }
    Optional<E> now = findEntity(key, false);
    if (now.isEmpty()) {
      return false;
    }
    throw new StoreConflictException(
        "metadata.resourceVersion",
        "resourceVersion "
            + expectedVersion
            + " is stale; the stored object is at "
            + now.get().resourceVersion);
  }

  protected ObjectMeta meta(E e, String tenant, OwnerReference owner) {
    return new ObjectMeta(
        e.name,
        tenant,
        Json.labels(e.labels),
        e.uid.toString(),
        e.generation,
        Long.toString(e.resourceVersion),
        e.creationTimestamp,
        e.deletionTimestamp,
        owner);
  }
}
