package io.cloudpods.proxmox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Connection to Proxmox VE and the pool the controller puts containers in ({@code
 * cloudpods.proxmox.*}).
 *
 * <p>{@code token-id} and {@code token-secret} are optional here so the application starts without
 * a Proxmox connection configured; they are checked, with every other connection setting, when the
 * client is built, and a bad value fails with a message naming the property.
 */
@ConfigMapping(prefix = "cloudpods.proxmox")
public interface ProxmoxConfig {

  /**
   * API root, e.g. {@code https://pve.example:8006/api2/json}; {@code /api2/json} is added if the
   * path is empty.
   */
  @WithDefault("https://127.0.0.1:8006/api2/json")
  String url();

  /** API token id {@code user@realm!tokenname}. */
  Optional<String> tokenId();

  /** API token secret (a UUID). Never logged. */
  Optional<String> tokenSecret();

  /**
   * Verify the server certificate. When false, any certificate is accepted and a warning is logged;
   * prefer {@link #caCert()} or {@link #fingerprint()} for Proxmox's self-signed certificates.
   */
  @WithDefault("true")
  boolean verifyTls();

  /** PEM file with the CA certificate(s) to trust (e.g. the cluster's {@code pve-root-ca.pem}). */
  Optional<Path> caCert();

  /**
   * SHA-256 fingerprint of the server certificate as Proxmox prints it ({@code AA:BB:...}; case and
   * colons optional). Replaces CA validation and host name checks: the pin identifies the server.
   */
  Optional<String> fingerprint();

  /** TCP connect timeout. */
  @WithDefault("5s")
  Duration connectTimeout();

  /** Read/write inactivity timeout of one request (Proxmox's own proxy gives up after 30 s). */
  @WithDefault("35s")
  Duration requestTimeout();

  /** Upper bound for a whole call including connect, TLS and reading the body. */
  @WithDefault("60s")
  Duration callTimeout();

  /** Pool new containers are put in. */
  @WithDefault("ClientPods")
  String pool();
}
