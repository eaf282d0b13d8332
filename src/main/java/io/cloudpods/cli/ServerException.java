package io.cloudpods.cli;

import java.util.List;

/** The API answered with an error status; carries the HTTP status and the error body's reason. */
final class ServerException extends CliException {
  private final int status;
  private final String reason;

  ServerException(int status, String reason, String message, List<String> details) {
    super(FAILURE, message, details);
    this.status = status;
    this.reason = reason;
  }

  int status() {
    return status;
  }

  String reason() {
    return reason;
  }
}
