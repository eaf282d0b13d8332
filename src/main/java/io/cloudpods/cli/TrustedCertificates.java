package io.cloudpods.cli;

import io.cloudpods.tls.PemTrust;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The trust of {@code --ca-cert FILE}: exactly the PEM certificates in the file (a CA, or the
 * self-signed certificate of {@code serve --tls}), with the usual checks of the certificate chain
 * and the host name.
 */
final class TrustedCertificates {

  private TrustedCertificates() {}

  static X509TrustManager from(Path file) {
    Collection<? extends Certificate> certs;
    try {
      certs = PemTrust.read(file);
    } catch (NoSuchFileException e) {
      throw CliException.usage("--ca-cert: no such file " + file);
    } catch (IOException | GeneralSecurityException e) {
      throw CliException.usage(
          "--ca-cert: " + file + " holds no PEM certificate (" + e.getMessage() + ")");
    }
    if (certs.isEmpty()) {
      throw CliException.usage("--ca-cert: " + file + " holds no PEM certificate");
    }
    return PemTrust.of(certs);
  }

  static SSLSocketFactory socketFactory(X509TrustManager trust) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {trust}, null);
      return ctx.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
