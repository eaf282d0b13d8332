package io.cloudpods.cluster;

import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.proxmox.http.InvalidProxmoxSettingsException;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds a cluster's client settings from its spec: reads the token secret from the file or the
 * environment variable the spec names (never from the database) and maps a setting the client
 * refuses to the spec field it came from. Error messages name files and variables, never what is in
 * them.
 */
public final class ClusterSettings {

  static final String SECRET_UNAVAILABLE = "SecretUnavailable";
  static final String INVALID_SETTINGS = "InvalidSettings";

  /** Largest secret file read; a Proxmox token secret is a 36-character UUID. */
  private static final long MAX_SECRET_BYTES = 4096;

  private static final Map<String, String> FIELDS =
      Map.of(
          ProxmoxClientSettings.P_URL, "url",
          ProxmoxClientSettings.P_TOKEN_ID, "tokenId",
          ProxmoxClientSettings.P_TOKEN_SECRET, "tokenSecret",
          ProxmoxClientSettings.P_VERIFY_TLS, "verifyTls",
          ProxmoxClientSettings.P_CA_CERT, "caCert",
          ProxmoxClientSettings.P_FINGERPRINT, "fingerprint");

  private final Function<String, String> env;

  /** Reads secrets from the process environment. */
  public ClusterSettings() {
    this(System::getenv);
  }

  /** Reads environment variables through {@code env} (tests). */
  public ClusterSettings(Function<String, String> env) {
    this.env = env;
  }

  /**
   * Writes the spec's {@code caCert} PEM to a temporary file only this process may read (the HTTP
   * client reads a CA from a file); empty when the spec has none.
   */
  public static Optional<Path> caCertFile(String name, ProxmoxClusterSpec spec) {
    if (spec.caCert() == null) {
      return Optional.empty();
    }
    try {
      Path f =
          Files.createTempFile(
              "cloudpods-ca-" + name + "-",
              ".pem",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(f, spec.caCert(), StandardCharsets.US_ASCII);
      f.toFile().deleteOnExit();
      return Optional.of(f);
    } catch (IOException | UnsupportedOperationException e) {
      throw new ClusterSettingsException(
          "caCert", INVALID_SETTINGS, "cannot be written to a temporary file: " + e.getMessage());
    }
  }

  /**
   * The client settings of a cluster, with {@code timeout} as connect, request and call timeout.
   *
   * @param caCertFile where the spec's {@code caCert} PEM has been written, if it has one
   */
  public ProxmoxClientSettings settings(
      ProxmoxClusterSpec spec, Optional<Path> caCertFile, Duration timeout) {
    return settings(spec, caCertFile, timeout, timeout, timeout);
  }

  /** The client settings of a cluster, with the timeouts of the configured cluster's client. */
  public ProxmoxClientSettings settings(
      ProxmoxClusterSpec spec,
      Optional<Path> caCertFile,
      Duration connectTimeout,
      Duration requestTimeout,
      Duration callTimeout) {
    String secret = secret(spec);
    try {
      return new ProxmoxClientSettings(
          parseUrl(spec.url()),
          spec.tokenId(),
          secret,
          spec.verifiesTls(),
          caCertFile,
          Optional.ofNullable(spec.fingerprint()),
          connectTimeout,
          requestTimeout,
          callTimeout);
    } catch (InvalidProxmoxSettingsException e) {
      String field = specField(e.property()).orElse(e.property());
      String problem = e.getMessage().substring(e.property().length() + 2);
      throw new ClusterSettingsException(field, INVALID_SETTINGS, problem);
    }
  }

  /**
   * The ProxmoxCluster spec field ({@code tokenId}) a {@code cloudpods.proxmox.*} property the
   * client settings name in their errors stands for.
   */
  public static Optional<String> specField(String property) {
    return Optional.ofNullable(FIELDS.get(property));
  }

  /** The token secret the spec points at. */
  String secret(ProxmoxClusterSpec spec) {
    if (spec.tokenSecretFile() != null) {
      Path file = Path.of(spec.tokenSecretFile());
      try {
        if (!Files.isRegularFile(file)) {
          throw unavailable("tokenSecretFile", "file '" + file + "' does not exist");
        }
        if (Files.size(file) > MAX_SECRET_BYTES) {
          throw unavailable(
              "tokenSecretFile",
              "file '" + file + "' is larger than " + MAX_SECRET_BYTES + " bytes: not a secret");
        }
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
          throw unavailable("tokenSecretFile", "file '" + file + "' is empty");
        }
        return s;
      } catch (IOException e) {
        throw unavailable(
            "tokenSecretFile",
            "file '" + file + "' cannot be read (" + e.getClass().getSimpleName() + ")");
      }
    }
    if (spec.tokenSecretEnv() != null) {
      String s = env.apply(spec.tokenSecretEnv());
      if (s == null || s.isBlank()) {
        throw unavailable(
            "tokenSecretEnv",
            "environment variable "
                + spec.tokenSecretEnv()
                + " is not set in the controller's environment");
      }
      return s.strip();
    }
    throw unavailable("tokenSecretFile", "neither tokenSecretFile nor tokenSecretEnv is set");
  }

  private static ClusterSettingsException unavailable(String field, String message) {
    return new ClusterSettingsException(field, SECRET_UNAVAILABLE, message);
  }

  private static URI parseUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new ClusterSettingsException("url", INVALID_SETTINGS, "is required");
    }
    try {
      return new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new ClusterSettingsException(
          "url", INVALID_SETTINGS, "'" + url + "' is not a valid URL: " + e.getReason());
    }
  }
}
