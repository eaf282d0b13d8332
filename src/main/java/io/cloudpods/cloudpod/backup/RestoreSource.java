package io.cloudpods.cloudpod.backup;

import java.util.Optional;

/**
 * Where a pod with {@code spec.restoreFrom} can be created from: pure, from the named Backup as
 * stored. Only a Completed Backup whose archive is still in the storage can be restored; a storage
 * that is not shared is read on the backup's node only, so the pod is placed there.
 */
public final class RestoreSource {

  private RestoreSource() {}

  /** The outcome of resolving {@code spec.restoreFrom}. */
  public sealed interface Resolution {}

  /**
   * The archive can be restored.
   *
   * @param node the node the pod must be on to read it; empty when its storage is shared
   */
  public record Usable(String volid, String storage, Optional<String> node) implements Resolution {}

  /** It cannot (yet): the message says why, naming the backup. */
  public record NotUsable(String message) implements Resolution {}

  public static Resolution resolve(
      String restoreFrom, Optional<BackupView> backup, String specNode) {
    if (backup.isEmpty()) {
      return new NotUsable("spec.restoreFrom: backup '" + restoreFrom + "' does not exist");
    }
    BackupView b = backup.get();
    if (b.failed()) {
      return new NotUsable(
          "spec.restoreFrom: backup '"
              + restoreFrom
              + "' failed"
              + (b.message() == null || b.message().isBlank() ? "" : ": " + b.message()));
    }
    if (!b.completed()) {
      return new NotUsable(
          "spec.restoreFrom: backup '"
              + restoreFrom
              + "' is "
              + (b.phase() == null ? "Pending" : b.phase())
              + ", not Completed");
    }
    if (b.missing() || b.volid() == null) {
      return new NotUsable(
          "spec.restoreFrom: the archive of backup '"
              + restoreFrom
              + "' is missing from storage "
              + b.storage());
    }
    if (b.storageShared()) {
      return new Usable(b.volid(), b.storage(), Optional.empty());
    }
    if (specNode != null && !specNode.equals(b.node())) {
      return new NotUsable(
          "spec.restoreFrom: backup '"
              + restoreFrom
              + "' is on storage "
              + b.storage()
              + " of node "
              + b.node()
              + ", which node "
              + specNode
              + " (spec.node) cannot read");
    }
    return new Usable(b.volid(), b.storage(), Optional.ofNullable(b.node()));
  }
}
