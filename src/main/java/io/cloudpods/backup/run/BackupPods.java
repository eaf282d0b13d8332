package io.cloudpods.backup.run;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.store.ResourceKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the backup reconciles read of CloudPods: a pod's container (vmid, node), labels and whether
 * it is being deleted. {@link #of} adapts the pod store.
 */
public interface BackupPods {

  /** A pod as a backup sees it. */
  record Pod(
      String tenant,
      String name,
      String uid,
      Map<String, String> labels,
      Integer vmid,
      String node,
      boolean deleting,
      Instant created,
      CloudPodSpec spec) {

    /** Whether it has a container to back up. */
    public boolean provisioned() {
      return vmid != null && node != null;
    }
  }

  Optional<Pod> pod(String tenant, String name);

  /** Every pod of {@code tenant}. */
  List<Pod> pods(String tenant);

  /** Reads through {@code get} and {@code list} of a pod store. */
  static BackupPods of(
      java.util.function.Function<ResourceKey, Optional<CloudPod>> get,
      java.util.function.Function<String, List<CloudPod>> list) {
    return new BackupPods() {
      @Override
      public Optional<Pod> pod(String tenant, String name) {
        return get.apply(ResourceKey.of(tenant, name)).map(BackupPods::view);
      }

      @Override
      public List<Pod> pods(String tenant) {
        return list.apply(tenant).stream().map(BackupPods::view).toList();
      }
    };
  }

  static Pod view(CloudPod p) {
    var m = p.metadata();
    var s = p.status();
    return new Pod(
        m.tenant(),
        m.name(),
        m.uid(),
        m.labels() == null ? Map.of() : m.labels(),
        s == null ? null : s.vmid(),
        s == null ? null : s.node(),
        m.deletionTimestamp() != null,
        m.creationTimestamp(),
        p.spec());
  }
}
