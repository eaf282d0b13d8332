package io.cloudpods.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real tools from Debian's packages for the tests that need them (promtool, prometheus, chromium),
 * provided by {@code src/test/tools/debian-tool.sh} when the machine lacks them: fetched with
 * {@code apt-get download} and unpacked into a cache, never faked.
 */
public final class DebianTools {

  private DebianTools() {}

  /** The path of {@code binary} from Debian package {@code pkg}, fetched if needed. */
  public static synchronized Path binary(String pkg, String binary) {
    Path script = Path.of("src/test/tools/debian-tool.sh").toAbsolutePath();
    Result r = run(List.of("bash", script.toString(), pkg, binary), Path.of("."), 600);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          "could not provide " + binary + " from Debian package " + pkg + ":\n" + r.output());
    }
    Path dir = Path.of(r.output().strip().lines().reduce((a, b) -> b).orElseThrow());
    Path bin = dir.resolve(binary);
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(bin + " is not executable");
    }
    return bin;
  }

  /**
   * The path of {@code binary}, which Debian's {@code packages} provide but which only runs with
   * their dependencies installed (a browser, its driver): found on PATH, else installed with {@code
   * apt-get} when this user is root. Otherwise fails saying which packages to install; a test
   * needing it never silently skips.
   */
  public static synchronized Path installed(String binary, String... packages) {
    Path script = Path.of("src/test/tools/debian-tool.sh").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("bash", script.toString(), "--install", binary));
    command.addAll(List.of(packages));
    Result r = run(command, Path.of("."), 900);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          "could not provide "
              + binary
              + " (Debian packages "
              + String.join(" ", packages)
              + "):\n"
              + r.output());
    }
    Path bin =
        Path.of(r.output().strip().lines().reduce((a, b) -> b).orElseThrow()).resolve(binary);
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(bin + " is not executable");
    }
    return bin;
  }

  /** What a finished process printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {}

  /** Runs {@code command} in {@code dir}, waiting at most {@code timeoutSeconds}. */
  public static Result run(List<String> command, Path dir, long timeoutSeconds) {
    try {
      Path log = Files.createTempFile("cloudpods-tool", ".log");
      try {
        Process p =
            new ProcessBuilder(new ArrayList<>(command))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }
}
