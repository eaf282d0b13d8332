package io.cloudpods.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate a TLS server presents, read by a handshake. {@code serve} asks its own HTTPS
 * listener, so the fingerprint it prints is the one clients see, however the certificate was
 * configured (PEM files, a key store, the TLS registry).
 */
public final class ServedCertificate {

  private ServedCertificate() {}

  /**
   * Connects to {@code host:port} (a wildcard address means this machine's loopback), completes a
   * handshake without judging the certificate, and returns the server's own certificate.
   */
  public static X509Certificate of(String host, int port, Duration timeout) throws IOException {
    String target =
        host.equals("0.0.0.0") || host.equals("::") ? ServerCertificate.loopbackFor(host) : host;
    SSLContext ctx;
    try {
      ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AcceptAny()}, null);
    } catch (GeneralSecurityException e) {
      throw new IOException("no TLS client available: " + e.getMessage(), e);
    }
    int millis = (int) timeout.toMillis();
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(target, port), millis);
      s.setSoTimeout(millis);
      s.startHandshake();
      Certificate[] chain = s.getSession().getPeerCertificates();
      return (X509Certificate) chain[0];
    }
  }

  /** Only reads what the server presents; no request is sent with it. */
  private static final class AcceptAny implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
