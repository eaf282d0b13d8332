package io.cloudpods.cluster;

/**
 * A cluster's connection cannot be built from its spec (an invalid setting or an unreadable
 * secret); {@link #field()} names the spec field. The message never contains the secret.
 */
public class ClusterSettingsException extends RuntimeException {
  private final String field;
  private final String reason;

  ClusterSettingsException(String field, String reason, String message) {
    super("spec." + field + ": " + message);
    this.field = field;
    this.reason = reason;
  }

  /** The spec field, e.g. {@code tokenSecretFile}. */
  public String field() {
    return field;
  }

  /** The condition reason: {@code SecretUnavailable} or {@code InvalidSettings}. */
  public String reason() {
    return reason;
  }
}
