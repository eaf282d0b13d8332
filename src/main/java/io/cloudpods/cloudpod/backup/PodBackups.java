package io.cloudpods.cloudpod.backup;

import io.cloudpods.store.ResourceKey;
import java.util.Optional;
import java.util.UUID;

/**
 * The Backup and Restore objects a CloudPod pass looks at: the final backup before a destroy, the
 * archive a pod is restored from, an in-place restore in progress. The JPA stores in production, an
 * in-memory map in unit tests.
 */
public interface PodBackups {

  /** The tenant's Backup {@code name}, if it exists. */
  Optional<BackupView> find(String tenant, String name);

  /**
   * Asks for the pod's final backup: a protected Backup of reason {@code Final} named {@code
   * backupName}, in phase Pending, for the Backup reconciler to run. Does nothing if it exists.
   */
  void requestFinal(ResourceKey pod, UUID podUid, String backupName);

  /** Was the pod's deletion asked with {@code skipFinalBackup} (now or after it was marked)? */
  boolean skipsFinalBackup(ResourceKey pod);

  /** The in-place Restore of this pod that has not finished yet, if any (the pod waits for it). */
  Optional<String> restoringInPlace(ResourceKey pod);

  /** For pods of a build without backups: none exist, none can be asked for. */
  PodBackups NONE =
      new PodBackups() {
        @Override
        public Optional<BackupView> find(String tenant, String name) {
          return Optional.empty();
        }

        @Override
        public void requestFinal(ResourceKey pod, UUID podUid, String backupName) {
          throw new IllegalStateException("no Backup store: cannot ask for " + backupName);
        }

        @Override
        public boolean skipsFinalBackup(ResourceKey pod) {
          return false;
        }

        @Override
        public Optional<String> restoringInPlace(ResourceKey pod) {
          return Optional.empty();
        }
      };
}
