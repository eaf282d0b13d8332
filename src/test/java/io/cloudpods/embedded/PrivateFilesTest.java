package io.cloudpods.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory of {@code serve --embedded} and the secrets in it are this user's only. */
class PrivateFilesTest {

  @TempDir Path dir;

  @Test
  void directory_missing_isCreatedOwnerOnly_parentsToo() throws Exception {
    Path state = dir.resolve("a/.cloudpods");

    assertThat(PrivateFiles.directory(state)).isEmpty();

    assertThat(mode(state)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
  }

  @Test
  void directory_existingWithWiderPermissions_isRestricted_andTheUserIsTold() throws Exception {
    Path state = Files.createDirectory(dir.resolve(".cloudpods"));
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(PrivateFiles.directory(state))
        .hasValueSatisfying(
            l ->
                assertThat(l)
                    .contains("rwxr-xr-x")
                    .contains("rwx------")
                    .contains(state.toString()));
    assertThat(mode(state)).isEqualTo("rwx------");
    assertThat(PrivateFiles.directory(state)).isEmpty();
  }

  @Test
  void readOrCreateSecret_missing_createsTheFileOwnerOnly_thenReadsItBack() throws Exception {
    Path file = dir.resolve("admin-token");
    AtomicInteger made = new AtomicInteger();

    String first = PrivateFiles.readOrCreateSecret(file, () -> "s3cret-" + made.incrementAndGet());
    String again = PrivateFiles.readOrCreateSecret(file, () -> "s3cret-" + made.incrementAndGet());

    assertThat(first).isEqualTo("s3cret-1").isEqualTo(again);
    assertThat(Files.readString(file)).isEqualTo("s3cret-1\n");
    assertThat(mode(file)).isEqualTo("rw-------");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("no temporary file left behind").containsExactly(file);
    }
  }

  @Test
  void readOrCreateSecret_emptyFile_isReplacedByANewSecret() throws Exception {
    Path file = Files.createFile(dir.resolve("sim-token"));

    assertThat(PrivateFiles.readOrCreateSecret(file, () -> "fresh")).isEqualTo("fresh");
    assertThat(mode(file)).isEqualTo("rw-------");
  }

  @Test
  void readOrCreateSecret_fileOfAnEarlierReleaseReadableByOthers_isRestricted() throws Exception {
    Path file = Files.writeString(dir.resolve("admin-token"), "old\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(PrivateFiles.readOrCreateSecret(file, () -> "new")).isEqualTo("old");
    assertThat(mode(file)).isEqualTo("rw-------");
  }

  @Test
  void writeSecret_replacesAWorldReadableFile_withAnOwnerOnlyOne() throws Exception {
    Path file = Files.writeString(dir.resolve("tls-key.pem"), "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

    PrivateFiles.writeSecret(file, "new key");

    assertThat(Files.readString(file)).isEqualTo("new key");
    assertThat(mode(file)).isEqualTo("rw-------");
  }

  private static String mode(Path p) throws Exception {
    return PrivateFiles.mode(p).orElseThrow();
  }
}
