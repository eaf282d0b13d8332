package io.cloudpods.cloudpod.backup;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a pod being deleted may lose its container yet: pure, from the pod's wish ({@code
 * spec.finalBackup}), the deletion's {@code skipFinalBackup} option and its final Backup as stored.
 * The container goes only once that Backup is Completed; until then nothing is stopped.
 */
public final class FinalBackup {

  private FinalBackup() {}

  /** What the deletion does about the final backup on this pass. */
  public sealed interface Decision {
    /** Nothing stands in the way of the destroy. */
    boolean mayDestroy();
  }

  /** The pod does not want one ({@code spec.finalBackup: false}). */
  public record NotWanted() implements Decision {
    @Override
    public boolean mayDestroy() {
      return true;
    }
  }

  /** The deletion was asked with {@code skipFinalBackup}. */
  public record Skipped() implements Decision {
    @Override
    public boolean mayDestroy() {
      return true;
    }
  }

  /** No Backup yet: ask for it, then wait. */
  public record Request(String name) implements Decision {
    @Override
    public boolean mayDestroy() {
      return false;
    }
  }

  /** Asked for and not finished (Pending or Running). */
  public record Running(String name, String phase) implements Decision {
    @Override
    public boolean mayDestroy() {
      return false;
    }
  }

  /** The Backup failed: the pod stays until it is deleted with skipFinalBackup (or retried). */
  public record Failed(String name, String message) implements Decision {
    @Override
    public boolean mayDestroy() {
      return false;
    }
  }

  /** The Backup is Completed: the container may go. */
  public record Completed(String name, String volid) implements Decision {
    @Override
    public boolean mayDestroy() {
      return true;
    }
  }

  public static Decision decide(
      boolean wanted, boolean skipRequested, String name, Optional<BackupView> backup) {
    if (skipRequested) {
      return new Skipped();
    }
    if (!wanted) {
      return new NotWanted();
    }
    if (backup.isEmpty()) {
      return new Request(name);
    }
    BackupView b = backup.get();
    if (b.completed()) {
      return new Completed(name, b.volid());
    }
    if (b.failed()) {
      return new Failed(
          name, b.message() == null || b.message().isBlank() ? "backup failed" : b.message());
    }
    return new Running(name, b.phase() == null ? "Pending" : b.phase());
  }

  /**
   * The final Backup's name, the same on every pass and after a restart: {@code <pod>-final-<first
   * 8 of uid>}, the pod part shortened so that it stays a 63-character label.
   */
  public static String name(String podName, String podUid) {
    String suffix = "-final-" + podUid.replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
    String base =
        podName.length() + suffix.length() > 63
            ? podName.substring(0, 63 - suffix.length())
            : podName;
    while (base.endsWith("-")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + suffix;
  }
}
