package io.cloudpods.apiserver;

import java.util.List;

/** A request the API refuses; mapped to {@link ApiError} with the given HTTP status. */
public class ApiException extends RuntimeException {
  private final int status;
  private final String reason;
  private final List<FieldError> details;

  public ApiException(int status, String reason, String message, List<FieldError> details) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.details = List.copyOf(details);
  }

  public static ApiException invalid(String field, String message) {
    return new ApiException(
        422, "Invalid", field + ": " + message, List.of(new FieldError(field, message)));
  }

  public static ApiException invalid(List<FieldError> errors) {
    String summary =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size()
                + " invalid fields, first "
                + errors.get(0).field()
                + ": "
                + errors.get(0).message();
    return new ApiException(422, "Invalid", summary, errors);
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, "BadRequest", message, List.of(new FieldError(field, message)));
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "NotFound", what + " not found", List.of());
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "Forbidden", message, List.of());
  }

  public static ApiException conflict(String field, String message) {
    return new ApiException(409, "Conflict", message, List.of(new FieldError(field, message)));
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  public List<FieldError> details() {
    return details;
  }

  /** The same refusal with every field name prefixed (e.g. {@code items[2].}). */
  public ApiException prefixed(String prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    List<FieldError> p = details.stream().map(d -> d.prefixed(prefix)).toList();
    String msg = p.isEmpty() ? getMessage() : p.get(0).field() + ": " + p.get(0).message();
    return new ApiException(status, reason, msg, p);
  }
}
