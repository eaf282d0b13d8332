package io.cloudpods.cloudpod.backup;

/**
 * What a CloudPod pass needs to know of a {@code Backup} object: its phase and, once Completed, the
 * archive's volume, node and storage. {@code missing} is true when the archive is no longer in the
 * storage's content (deleted by hand or pruned).
 */
public record BackupView(
    String name,
    String pod,
    String phase,
    String volid,
    String node,
    String storage,
    boolean storageShared,
    String message,
    boolean missing) {

  public static final String COMPLETED = "Completed";
  public static final String FAILED = "Failed";

  public boolean completed() {
    return COMPLETED.equals(phase);
  }

  public boolean failed() {
    return FAILED.equals(phase);
  }
}
