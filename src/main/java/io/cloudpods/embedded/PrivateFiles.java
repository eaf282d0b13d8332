package io.cloudpods.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Files only this user may read: the state directory of {@code serve --embedded} (0700) and the
 * secrets in it (0600: tokens, the database password, the TLS key).
 *
 * <p>A secret is never written and then chmod'ed: it is written into a new file that is created
 * with mode 0600 in the same directory, then renamed over the target, so there is no moment at
 * which the file exists with wider permissions or half written. On a file system without POSIX
 * permissions the files are created the ordinary way.
 */
public final class PrivateFiles {

  static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /**
   * Creates {@code dir} (and missing parents) with mode 0700. An existing directory that others may
   * read, write or enter is tightened to 0700 (it holds secrets), and the returned text says so.
   *
   * @return a line to show the user when the permissions of an existing directory were changed
   */
  public static Optional<String> directory(Path dir) throws IOException {
    if (!posix()) {
      Files.createDirectories(dir);
      return Optional.empty();
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
      return Optional.empty();
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
    if (now.equals(OWNER_DIR)) {
      return Optional.empty();
    }
    try {
      Files.setPosixFilePermissions(dir, OWNER_DIR);
    } catch (IOException e) {
      throw new IOException(
          dir
              + " has mode "
              + PosixFilePermissions.toString(now)
              + " and could not be restricted to rwx------ ("
              + e.getMessage()
              + "); it holds secrets: use a directory of your own (--data DIR)",
          e);
    }
    return Optional.of(
        "cloudpods: restricted "
            + dir
            + " from "
            + PosixFilePermissions.toString(now)
            + " to rwx------ (it holds the tokens and the database password)");
  }

  /**
   * The secret stored in {@code file}, created by {@code create} (and stored, mode 0600) when the
   * file is missing or empty. A file left by an earlier release with wider permissions is
   * restricted to 0600.
   */
  public static String readOrCreateSecret(Path file, Supplier<String> create) throws IOException {
    if (Files.isRegularFile(file)) {
      String v = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!v.isEmpty()) {
        if (posix() && !Files.getPosixFilePermissions(file).equals(OWNER_FILE)) {
          Files.setPosixFilePermissions(file, OWNER_FILE);
        }
        return v;
      }
    }
    String v = create.get();
    writeSecret(file, v + "\n");
    return v;
  }

  /** Writes {@code content} to {@code file}, which is created (or replaced) with mode 0600. */
  public static void writeSecret(Path file, String content) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    FileAttribute<?>[] attrs =
        posix()
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
            : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attrs);
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The permission bits of {@code path} as {@code rwx------}, or empty without POSIX. */
  static Optional<String> mode(Path path) throws IOException {
    return posix()
        ? Optional.of(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
        : Optional.empty();
  }

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
