package io.cloudpods.cli;

import java.util.List;

/**
 * A failure the CLI reports as {@code error: <message>} on stderr, optionally followed by indented
 * detail lines, and exits with {@link #exitCode()}: {@link #USAGE} for a wrong command line, {@link
 * #FAILURE} for everything the server or the input refused.
 */
class CliException extends RuntimeException {
  static final int FAILURE = 1;
  static final int USAGE = 2;

  private final int exitCode;
  private final List<String> details;

  CliException(int exitCode, String message, List<String> details) {
    super(message);
    this.exitCode = exitCode;
    this.details = List.copyOf(details);
  }

  static CliException usage(String message) {
    return new CliException(USAGE, message, List.of());
  }

  static CliException failure(String message) {
    return new CliException(FAILURE, message, List.of());
  }

  static CliException failure(String message, List<String> details) {
    return new CliException(FAILURE, message, details);
  }

  int exitCode() {
    return exitCode;
  }

  List<String> details() {
    return details;
  }
}
