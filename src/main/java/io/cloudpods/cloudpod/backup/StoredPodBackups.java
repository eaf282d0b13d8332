package io.cloudpods.cloudpod.backup;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.Restore;
import io.cloudpods.api.v1alpha1.RestoreStatus;
import io.cloudpods.store.BackupRecords;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.RestoreRecords;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The production {@link PodBackups}: Backups and Restores as the stores hold them. A Final backup
 * is created through {@link BackupRecords#create} (idempotent by name) for the Backup reconciler to
 * run; a pod waits while an in-place Restore of it is {@code Restoring} (its container is stopped
 * and replaced then, and the pod's own pass would start it again).
 */
public final class StoredPodBackups implements PodBackups {

  /** Label on the Backups the controller creates for a pod: the pod's name. */
  public static final String POD_LABEL = "cloudpods.io/pod";

  /** Label on the Backups the controller creates: why ({@code Final}, {@code BeforeRestore}). */
  public static final String REASON_LABEL = "cloudpods.io/backup-reason";

  /** Whether a pod's deletion was asked with skipFinalBackup (the CloudPod store's column). */
  public interface SkipFlags {
    boolean skipsFinalBackup(ResourceKey pod);
  }

  private final BackupRecords backups;
  private final RestoreRecords restores;
  private final SkipFlags skips;
  private final Predicate<String> sharedStorage;

  public StoredPodBackups(
      BackupRecords backups,
      RestoreRecords restores,
      SkipFlags skips,
      Predicate<String> sharedStorage) {
    this.backups = backups;
    this.restores = restores;
    this.skips = skips;
    this.sharedStorage = sharedStorage;
  }

  @Override
  public Optional<BackupView> find(String tenant, String name) {
    return backups.get(ResourceKey.of(tenant, name)).map(this::view);
  }

  /** What a pass needs of a stored Backup; Missing shows as Completed with {@code missing} set. */
  public BackupView view(Backup b) {
    BackupStatus s = b.status() == null ? BackupStatus.pending() : b.status();
    boolean missing = BackupStatus.PHASE_MISSING.equals(s.phase());
    String phase = missing ? BackupStatus.PHASE_COMPLETED : s.phase();
    String storage = b.spec().storage();
    return new BackupView(
        b.metadata().name(),
        b.spec().pod(),
        phase,
        s.volid(),
        s.node(),
        storage,
        storage != null && sharedStorage.test(storage),
        s.message(),
        missing);
  }

  @Override
  public void requestFinal(ResourceKey pod, UUID podUid, String backupName) {
    backups.create(controllerBackup(pod, backupName, BackupSpec.REASON_FINAL, podUid));
  }

  /**
   * A protected Backup the controller asks for ({@code Final} or {@code BeforeRestore}); storage,
   * mode and compression are the configured defaults.
   */
  public static Backup controllerBackup(
      ResourceKey pod, String backupName, String reason, UUID podUid) {
    ObjectMeta meta =
        ObjectMeta.named(pod.tenant(), backupName)
            .withLabels(Map.of(POD_LABEL, pod.name(), REASON_LABEL, reason));
    String notes =
        BackupSpec.REASON_FINAL.equals(reason)
            ? "final backup of CloudPod " + pod.name() + " (uid " + podUid + ") before destroy"
            : "backup of CloudPod " + pod.name() + " before an in-place restore";
    return Backup.of(
        meta, new BackupSpec(pod.name(), null, null, null, reason, Boolean.TRUE, notes, null));
  }

  @Override
  public boolean skipsFinalBackup(ResourceKey pod) {
    return skips.skipsFinalBackup(pod);
  }

  @Override
  public Optional<String> restoringInPlace(ResourceKey pod) {
    return restores.listActive().stream()
        .filter(r -> r.metadata().tenant().equals(pod.tenant()))
        .filter(r -> r.spec().target() != null && r.spec().target().isInPlace())
        .filter(r -> r.status() != null && RestoreStatus.PHASE_RESTORING.equals(r.status().phase()))
        .filter(r -> pod.name().equals(targetPod(r)))
        .map(r -> r.metadata().name())
        .findFirst();
  }

  /** The pod an in-place Restore replaces: as its status names it, else the backup's pod. */
  private String targetPod(Restore r) {
    if (r.status().pod() != null) {
      return r.status().pod();
    }
    return backups
        .get(ResourceKey.of(r.metadata().tenant(), r.spec().backup()))
        .map(b -> b.spec().pod())
        .orElse(null);
  }
}
