package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.api.v1alpha1.ProxmoxClusterStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.Optional;

/**
 * The Proxmox clusters added as objects. The cluster {@code default} (the {@code
 * cloudpods.proxmox.*} settings) is not stored here. A cluster is removed at once by {@link
 * #delete}, but only while no pod is placed on it.
 */
@ApplicationScoped
public class ProxmoxClusterStore extends ResourceStore<ProxmoxClusterEntity, ProxmoxCluster> {

  public ProxmoxClusterStore(EntityManager em) {
    super(em);
  }

  @Override
  protected Class<ProxmoxClusterEntity> type() {
    return ProxmoxClusterEntity.class;
  }

  @Override
  protected String table() {
    return "proxmox_cluster";
  }

  @Override
  protected ProxmoxClusterEntity newEntity(ResourceKey key) {
    return new ProxmoxClusterEntity();
  }

  @Override
  protected ProxmoxCluster toApi(ProxmoxClusterEntity e) {
    return new ProxmoxCluster(
        ApiVersion.V1ALPHA1,
        "ProxmoxCluster",
        meta(e, null, null),
        Json.read(e.spec, ProxmoxClusterSpec.class),
        e.status == null ? null : Json.read(e.status, ProxmoxClusterStatus.class));
  }

  public Written<ProxmoxCluster> put(ProxmoxCluster c, String expectedVersion) {
    if (ProxmoxCluster.DEFAULT.equals(c.metadata().name())) {
      throw new StoreConflictException(
          "metadata.name",
          "cluster 'default' is defined by the cloudpods.proxmox.* settings and cannot be written"
              + " through the API; give the cluster another name");
    }
    return putSpec(
        ResourceKey.cluster(c.metadata().name()),
        c.metadata().labels(),
        c.spec(),
        expectedVersion,
        null);
  }

  /** Writes what a probe found; false if the cluster is gone. */
  public boolean updateStatus(String name, ProxmoxClusterStatus status) {
    return writeStatus(ResourceKey.cluster(name), status);
  }

  /** Pods placed on the cluster {@code name}. */
  public long podsOn(String name) {
    return ((Number)
            em.createNativeQuery("SELECT count(*) FROM cloud_pod WHERE cluster = ?1")
                .setParameter(1, name)
                .getSingleResult())
        .longValue();
  }

  /** Deletes a cluster no pod is placed on. */
  public Optional<ProxmoxCluster> delete(ResourceKey key, String expectedVersion) {
    if (ProxmoxCluster.DEFAULT.equals(key.name())) {
      throw new StoreConflictException(
          "metadata.name",
          "cluster 'default' is defined by the cloudpods.proxmox.* settings; remove it there");
    }
    Optional<ProxmoxClusterEntity> found = findEntity(key, true);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    checkVersion(found.get(), expectedVersion);
    long pods = podsOn(key.name());
    if (pods > 0) {
      throw new StoreConflictException(
          "metadata.name",
          "cluster "
              + key.name()
              + " still has "
              + pods
              + " pods; delete or move them (backup and restore in another region) first");
    }
    ProxmoxCluster before = toApi(found.get());
    em.remove(found.get());
    em.flush();
    return Optional.of(before);
  }
}
