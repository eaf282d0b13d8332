package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.api.v1alpha1.PodSetSpec;
import io.cloudpods.api.v1alpha1.PodSetStatus;
import io.cloudpods.api.v1alpha1.PodTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;

/**
 * PodSets. Deleting one marks it and all its pods; the controller removes the pods' containers,
 * finalizes the pods, then finalizes the PodSet with {@link #finalizeDeletion}.
 */
@ApplicationScoped
public class PodSetStore extends ResourceStore<PodSetEntity, PodSet>
    implements PodSetSource, PodSetWriter {
  private final Defaults defaults;
  private final CloudPodStore pods;

  public PodSetStore(EntityManager em, Defaults defaults, CloudPodStore pods) {
    super(em);
    this.defaults = defaults;
    this.pods = pods;
  }

  @Override
  protected Class<PodSetEntity> type() {
    return PodSetEntity.class;
  }

  @Override
  protected String table() {
    return "pod_set";
  }

  @Override
  protected boolean tenantScoped() {
    return true;
  }

  @Override
  protected PodSetEntity newEntity(ResourceKey key) {
    PodSetEntity e = new PodSetEntity();
    e.tenant = key.tenant();
    return e;
  }

  @Override
  protected PodSet toApi(PodSetEntity e) {
    return new PodSet(
        ApiVersion.V1ALPHA1,
        "PodSet",
        meta(e, e.tenant, null),
        withDefaults(Json.read(e.spec, PodSetSpec.class)),
        Json.read(e.status, PodSetStatus.class));
  }

  /** The spec with its pod template defaulted. */
  @Override
  public PodSetSpec withDefaults(PodSetSpec spec) {
    PodTemplate t = spec.template();
    CloudPodSpec podSpec = defaults.pod(t == null ? null : t.spec());
    return new PodSetSpec(
        spec.replicas(), new PodTemplate(t == null ? null : t.metadata(), podSpec), spec.spread());
  }

  public Written<PodSet> put(PodSet set, String expectedVersion) {
    ResourceKey key = ResourceKey.of(set.metadata().tenant(), set.metadata().name());
    return putSpec(key, set.metadata().labels(), withDefaults(set.spec()), expectedVersion, null);
  }

  @Override
  public boolean updateStatus(ResourceKey key, PodSetStatus status) {
    return writeStatus(key, status);
  }

  /** Marks the PodSet and every pod it owns for deletion. */
  @Override
  public Optional<PodSet> markDeleted(ResourceKey key) {
    Optional<PodSet> marked = super.markDeleted(key);
    marked.ifPresent(s -> pods.markOwnedDeleted(java.util.UUID.fromString(s.metadata().uid())));
    return marked;
  }

  /**
   * Marks the PodSet and its pods for deletion; {@code skipFinalBackup} true also records on every
   * pod that it goes without its Final backup.
   */
  public Optional<PodSet> markDeleted(ResourceKey key, boolean skipFinalBackup) {
    Optional<PodSet> marked = markDeleted(key);
    if (skipFinalBackup) {
      marked.ifPresent(
          s -> pods.markOwnedSkipFinalBackup(java.util.UUID.fromString(s.metadata().uid())));
    }
    return marked;
  }

  /**
   * Key, generation and deletion mark of every PodSet: what the periodic resync needs, in one
   * query.
   */
  public List<ResyncRow> resyncRows() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT tenant, name, generation, deletion_timestamp IS NOT NULL FROM pod_set ORDER BY tenant, name")
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new ResyncRow(
                    ResourceKey.of((String) r[0], (String) r[1]),
                    ((Number) r[2]).longValue(),
                    Boolean.TRUE.equals(r[3])))
        .toList();
  }
}
