package io.cloudpods.proxmox.http;

import io.cloudpods.proxmox.ProxmoxConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything {@link HttpProxmoxClient} needs, validated and normalised at construction; usable
 * without CDI (tests, command line, benchmarks). Invalid values raise {@link
 * InvalidProxmoxSettingsException} naming the {@code cloudpods.proxmox.*} property.
 *
 * <p>Rules: {@code token-id} is {@code user@realm!tokenname}; the secret is non-blank; at most one
 * of {@code ca-cert} and {@code fingerprint}; neither together with {@code verify-tls=false}; plain
 * {@code http} only for loopback hosts or with {@code verify-tls=false} (never with a CA or pin),
 * because otherwise the token would cross the network in clear text by accident. A URL with an
 * empty path gets {@code /api2/json}. {@link #toString()} masks the secret.
 */
public record ProxmoxClientSettings(
    URI baseUrl,
    String tokenId,
    String tokenSecret,
    boolean verifyTls,
    Optional<Path> caCert,
    Optional<String> fingerprint,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration callTimeout) {

  public static final String P_URL = "cloudpods.proxmox.url";
  public static final String P_TOKEN_ID = "cloudpods.proxmox.token-id";
  public static final String P_TOKEN_SECRET = "cloudpods.proxmox.token-secret";
  public static final String P_VERIFY_TLS = "cloudpods.proxmox.verify-tls";
  public static final String P_CA_CERT = "cloudpods.proxmox.ca-cert";
  public static final String P_FINGERPRINT = "cloudpods.proxmox.fingerprint";
  public static final String P_CONNECT_TIMEOUT = "cloudpods.proxmox.connect-timeout";
  public static final String P_REQUEST_TIMEOUT = "cloudpods.proxmox.request-timeout";
  public static final String P_CALL_TIMEOUT = "cloudpods.proxmox.call-timeout";

  /** PVE user id {@code name@realm} plus {@code !tokenname} (pve-access-control's formats). */
  private static final Pattern TOKEN_ID =
      Pattern.compile("^[^\\s:/@!]+@[A-Za-z][A-Za-z0-9.\\-_]+![A-Za-z][A-Za-z0-9.\\-_]+$");

  public ProxmoxClientSettings {
    baseUrl = normalizeUrl(baseUrl);
    if (tokenId == null || tokenId.isBlank()) {
      throw new InvalidProxmoxSettingsException(
          P_TOKEN_ID, "is required (format user@realm!tokenname)");
    }
    tokenId = tokenId.strip();
    if (!TOKEN_ID.matcher(tokenId).matches()) {
      throw new InvalidProxmoxSettingsException(
          P_TOKEN_ID,
          "'" + tokenId + "' is not a valid API token id (format user@realm!tokenname)");
    }
    if (tokenSecret == null || tokenSecret.isBlank()) {
      throw new InvalidProxmoxSettingsException(P_TOKEN_SECRET, "is required");
    }
    tokenSecret = tokenSecret.strip();
    if (tokenSecret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new InvalidProxmoxSettingsException(
          P_TOKEN_SECRET, "contains whitespace or non-ASCII characters (value not shown)");
    }
    caCert = Objects.requireNonNullElse(caCert, Optional.empty());
    fingerprint = Objects.requireNonNullElse(fingerprint, Optional.empty());
    if (fingerprint.isPresent()) {
      String given = fingerprint.get();
      fingerprint =
          Optional.of(
              Fingerprints.normalize(given)
                  .orElseThrow(
                      () ->
                          new InvalidProxmoxSettingsException(
                              P_FINGERPRINT,
                              "'"
                                  + given
                                  + "' is not a SHA-256 fingerprint (expected 32 hex bytes like AA:BB:...)")));
    }
    if (caCert.isPresent() && fingerprint.isPresent()) {
      throw new InvalidProxmoxSettingsException(
          P_CA_CERT, "cannot be combined with " + P_FINGERPRINT + "; configure one of them");
    }
    if (!verifyTls && (caCert.isPresent() || fingerprint.isPresent())) {
      throw new InvalidProxmoxSettingsException(
          P_VERIFY_TLS,
          "is false but "
              + (caCert.isPresent() ? P_CA_CERT : P_FINGERPRINT)
              + " is set; remove one (a pinned or CA-verified server needs verify-tls=true)");
    }
    if (caCert.isPresent() && !Files.isReadable(caCert.get())) {
      throw new InvalidProxmoxSettingsException(
          P_CA_CERT, "file '" + caCert.get() + "' is not readable");
    }
    if ("http".equals(baseUrl.getScheme())) {
      if (caCert.isPresent() || fingerprint.isPresent()) {
        throw new InvalidProxmoxSettingsException(
            P_URL,
            "uses http but "
                + (caCert.isPresent() ? P_CA_CERT : P_FINGERPRINT)
                + " is set; use https");
      }
      if (verifyTls && !isLoopback(baseUrl.getHost())) {
        throw new InvalidProxmoxSettingsException(
            P_URL,
            "plain http to a non-loopback host would send the token unencrypted; use https, or set "
                + P_VERIFY_TLS
                + "=false to accept this explicitly");
      }
    }
    connectTimeout = positive(P_CONNECT_TIMEOUT, connectTimeout);
    requestTimeout = positive(P_REQUEST_TIMEOUT, requestTimeout);
    callTimeout = positive(P_CALL_TIMEOUT, callTimeout);
  }

  /**
   * Settings with certificate verification on and default timeouts (5 s connect, 35 s request, 60 s
   * call).
   */
  public static ProxmoxClientSettings of(String url, String tokenId, String tokenSecret) {
    return new ProxmoxClientSettings(
        parseUrl(url),
        tokenId,
        tokenSecret,
        true,
        Optional.empty(),
        Optional.empty(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(35),
        Duration.ofSeconds(60));
  }

  /** Settings from the application configuration. */
  public static ProxmoxClientSettings from(ProxmoxConfig c) {
    return new ProxmoxClientSettings(
        parseUrl(c.url()),
        c.tokenId().orElse(null),
        c.tokenSecret().orElse(null),
        c.verifyTls(),
        c.caCert(),
        c.fingerprint(),
        c.connectTimeout(),
        c.requestTimeout(),
        c.callTimeout());
  }

  public ProxmoxClientSettings withFingerprint(String fp) {
    return new ProxmoxClientSettings(
        baseUrl,
        tokenId,
        tokenSecret,
        true,
        Optional.empty(),
        Optional.of(fp),
        connectTimeout,
        requestTimeout,
        callTimeout);
  }

  public ProxmoxClientSettings withCaCert(Path pem) {
    return new ProxmoxClientSettings(
        baseUrl,
        tokenId,
        tokenSecret,
        true,
        Optional.of(pem),
        Optional.empty(),
        connectTimeout,
        requestTimeout,
        callTimeout);
  }

  /** Certificate verification off (any certificate accepted; a warning is logged). */
  public ProxmoxClientSettings insecure() {
    return new ProxmoxClientSettings(
        baseUrl,
        tokenId,
        tokenSecret,
        false,
        Optional.empty(),
        Optional.empty(),
        connectTimeout,
        requestTimeout,
        callTimeout);
  }

  public ProxmoxClientSettings withTimeouts(Duration connect, Duration request, Duration call) {
    return new ProxmoxClientSettings(
        baseUrl, tokenId, tokenSecret, verifyTls, caCert, fingerprint, connect, request, call);
  }

  /** The {@code Authorization} header value. Contains the secret: never log it. */
  String authorizationHeader() {
    return "PVEAPIToken=" + tokenId + "=" + tokenSecret;
  }

  @Override
  public String toString() {
    return "ProxmoxClientSettings[baseUrl="
        + baseUrl
        + ", tokenId="
        + tokenId
        + ", tokenSecret=***"
        + ", verifyTls="
        + verifyTls
        + ", caCert="
        + caCert
        + ", fingerprint="
        + fingerprint
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", callTimeout="
        + callTimeout
        + "]";
  }

  private static URI parseUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidProxmoxSettingsException(P_URL, "is required");
    }
    try {
      return new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new InvalidProxmoxSettingsException(
          P_URL, "'" + url + "' is not a valid URL: " + e.getReason());
    }
  }

  private static URI normalizeUrl(URI url) {
    if (url == null) {
      throw new InvalidProxmoxSettingsException(P_URL, "is required");
    }
    String scheme = url.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw new InvalidProxmoxSettingsException(P_URL, "'" + url + "' must be an https:// URL");
    }
    if (url.getHost() == null || url.getHost().isBlank()) {
      throw new InvalidProxmoxSettingsException(P_URL, "'" + url + "' has no host");
    }
    if (url.getUserInfo() != null || url.getQuery() != null || url.getFragment() != null) {
      throw new InvalidProxmoxSettingsException(
          P_URL, "must not contain user info, query or fragment");
    }
    String path = url.getPath() == null ? "" : url.getPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.isEmpty()) {
      path = "/api2/json";
    }
    try {
      return new URI(scheme, null, url.getHost(), url.getPort(), path, null, null);
    } catch (URISyntaxException e) {
      throw new InvalidProxmoxSettingsException(
          P_URL, "'" + url + "' is not a valid URL: " + e.getReason());
    }
  }

  private static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // never resolve names here
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static Duration positive(String property, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidProxmoxSettingsException(property, "must be a positive duration, got " + d);
    }
    return d;
  }
}
