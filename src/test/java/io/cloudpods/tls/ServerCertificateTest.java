package io.cloudpods.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed certificate of {@code serve --tls} and the fingerprint read from a server. */
class ServerCertificateTest {

  @TempDir Path dir;

  @Test
  void selfSigned_fingerprintIsTheSha256OfTheCertificateInThePem() throws Exception {
    ServerCertificate generated = ServerCertificate.selfSigned(List.of("api.example", "10.1.10.5"));
    Path pem = Files.writeString(dir.resolve("cert.pem"), generated.certPem());

    X509Certificate cert = ServerCertificate.readFirst(pem);

    assertThat(ServerCertificate.fingerprint(cert)).isEqualTo(generated.fingerprint());
    assertThat(generated.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(cert.getSubjectAlternativeNames())
        .extracting(n -> n.get(1).toString())
        .contains("localhost", "127.0.0.1", "api.example", "10.1.10.5");
    assertThat(ServerCertificate.selfSigned(List.of()).fingerprint())
        .isNotEqualTo(generated.fingerprint());
  }

  @Test
  void servedCertificate_readsTheCertificateTheServerPresents() throws Exception {
    ServerCertificate generated = ServerCertificate.selfSigned(List.of());
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context(generated)));
    server.start();
    try {
      X509Certificate served =
          ServedCertificate.of("127.0.0.1", server.getAddress().getPort(), Duration.ofSeconds(10));

      assertThat(ServerCertificate.fingerprint(served)).isEqualTo(generated.fingerprint());
    } finally {
      server.stop(0);
    }
  }

  private SSLContext context(ServerCertificate c) throws Exception {
    Path pem = Files.writeString(dir.resolve("served.pem"), c.certPem());
    PrivateKey key;
    try (PEMParser parser = new PEMParser(new StringReader(c.keyPem()))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      key =
          o instanceof PEMKeyPair kp
              ? conv.getKeyPair(kp).getPrivate()
              : conv.getPrivateKey((PrivateKeyInfo) o);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        "api", key, new char[0], new X509Certificate[] {ServerCertificate.readFirst(pem)});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
