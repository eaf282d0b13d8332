package io.cloudpods.sim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error as the Proxmox API server reports it: HTTP status, a message whose first line becomes
 * the reason phrase, and for 400 a per-parameter {@code errors} map.
 */
final class ApiException extends RuntimeException {
  final int status;
  final Map<String, String> errors;

  ApiException(int status, String message, Map<String, String> errors) {
    super(message);
    this.status = status;
    this.errors =
        errors == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(errors));
  }

  /** Any {@code die} in handler code: HTTP 500 with the message. */
  static ApiException fail(String message) {
    return new ApiException(500, message, null);
  }

  /**
   * {@code raise_param_exc}: HTTP 400 "Parameter verification failed." with one entry per
   * parameter.
   */
  static ApiException params(Map<String, String> errors) {
    return new ApiException(400, "Parameter verification failed.", errors);
  }

  static ApiException param(String name, String message) {
    return params(Map.of(name, message));
  }

  static ApiException forbidden(String message) {
    return new ApiException(403, message, null);
  }

  static ApiException notImplemented(String message) {
    return new ApiException(501, message, null);
  }
}
