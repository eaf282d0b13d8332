package io.cloudpods.auth;

/**
 * A request without a valid bearer token. The API answers it with 401, the message (default {@link
 * #MESSAGE}; an expired token says so) and the {@link #CHALLENGE} as {@code WWW-Authenticate}.
 */
public class UnauthenticatedException extends RuntimeException {
  public static final String MESSAGE = "a valid bearer token is required";
  public static final String CHALLENGE = "Bearer realm=\"cloudpods\"";

  public UnauthenticatedException() {
    this(MESSAGE);
  }

  public UnauthenticatedException(String message) {
    // an expected answer, not a failure: no stack trace to fill in
    super(message, null, false, false);
  }
}
