package io.cloudpods.proxmox.http;

import io.cloudpods.tls.PemTrust;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Applies the TLS policy of {@link ProxmoxClientSettings} to an OkHttp builder: system trust
 * (default), a CA file, a pinned certificate fingerprint (replaces CA and host name checks), or no
 * verification.
 */
final class TlsSetup {

  private static final Logger LOG = Logger.getLogger(TlsSetup.class.getName());

  private TlsSetup() {}

  static void apply(OkHttpClient.Builder builder, ProxmoxClientSettings s) {
    if (!"https".equals(s.baseUrl().getScheme())) {
      return;
    }
    if (s.fingerprint().isPresent()) {
      install(builder, new PinnedCertificateTrustManager(s.fingerprint().get()));
      // The pin identifies the server; Proxmox's self-signed certificates rarely match the host
      // name used.
      builder.hostnameVerifier((host, session) -> true);
    } else if (s.caCert().isPresent()) {
      install(builder, trustManagerFor(s.caCert().get()));
    } else if (!s.verifyTls()) {
      LOG.warning(
          "TLS certificate verification is DISABLED for "
              + s.baseUrl()
              + " ("
              + ProxmoxClientSettings.P_VERIFY_TLS
              + "=false): any server can impersonate Proxmox."
              + " Prefer "
              + ProxmoxClientSettings.P_FINGERPRINT
              + " or "
              + ProxmoxClientSettings.P_CA_CERT
              + ".");
      install(builder, new TrustAllTrustManager());
      builder.hostnameVerifier((host, session) -> true);
    }
  }

  private static void install(OkHttpClient.Builder builder, X509TrustManager tm) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
      builder.sslSocketFactory(ctx.getSocketFactory(), tm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot initialise TLS", e);
    }
  }

  static X509TrustManager trustManagerFor(Path pem) {
    Collection<? extends Certificate> certs;
    try {
      certs = PemTrust.read(pem);
    } catch (IOException | CertificateException e) {
      throw new InvalidProxmoxSettingsException(
          ProxmoxClientSettings.P_CA_CERT,
          "cannot read PEM certificates from '" + pem + "': " + e.getMessage());
    }
    if (certs.isEmpty()) {
      throw new InvalidProxmoxSettingsException(
          ProxmoxClientSettings.P_CA_CERT, "no certificate found in '" + pem + "'");
    }
    return PemTrust.of(certs);
  }

  /** Accepts exactly the server certificate whose SHA-256 fingerprint was configured. */
  static final class PinnedCertificateTrustManager extends ServerOnlyTrustManager {
    private final String expected;

    PinnedCertificateTrustManager(String expectedNormalized) {
      this.expected = expectedNormalized;
    }

    private void check(X509Certificate[] chain, String peer) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("server sent no certificate");
      }
      String actual = Fingerprints.sha256(chain[0]);
      if (!actual.equals(expected)) {
        throw new CertificateException(
            "server certificate fingerprint mismatch"
                + (peer == null ? "" : " for " + peer)
                + ": expected SHA-256 "
                + expected
                + " but the server presented "
                + actual);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(
          chain,
          socket == null || socket.getInetAddress() == null
              ? null
              : socket.getInetAddress().getHostAddress() + ":" + socket.getPort());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain, engine == null ? null : engine.getPeerHost() + ":" + engine.getPeerPort());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain, null);
    }
  }

  /** A trust manager for a client: it never accepts client certificates and names no issuers. */
  abstract static class ServerOnlyTrustManager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Accepts any certificate ({@code verify-tls=false}). */
  static final class TrustAllTrustManager extends ServerOnlyTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}
  }
}
