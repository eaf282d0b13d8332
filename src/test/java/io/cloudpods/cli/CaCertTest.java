package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.tls.ServerCertificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI reaches an HTTPS API whose self-signed certificate it is told to trust. */
class CaCertTest {

  private CliHarness cli;
  private Path certFile;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
    ServerCertificate cert = ServerCertificate.selfSigned(List.of());
    cli.server.useHttps(serverContext(cert).getSocketFactory(), false);
    cli.env.put("CLOUDPODS_SERVER", cli.baseUrl().replace("http://", "https://"));
    certFile = cli.write("tls-cert.pem", cert.certPem());
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  @Test
  void caCert_ofTheServersSelfSignedCertificate_letsTheRequestGo() {
    cli.enqueue(Fixtures.list("Tenant"));

    assertThat(cli.run("get", "tenants", "--ca-cert", certFile.toString())).as(cli.err).isZero();
  }

  @Test
  void caCert_fromTheEnvironment_isUsedToo() {
    cli.enqueue(Fixtures.list("Tenant"));
    cli.env.put("CLOUDPODS_CA_CERT", certFile.toString());

    assertThat(cli.run("get", "tenants")).as(cli.err).isZero();
  }

  @Test
  void withoutCaCert_aSelfSignedServerIsNotTrusted() {
    cli.enqueue(Fixtures.list("Tenant"));

    assertThat(cli.run("get", "tenants")).isNotZero();
    assertThat(cli.err).containsIgnoringCase("certificat");
  }

  @Test
  void caCert_thatIsNoCertificate_isAUsageErrorNamingTheFlag() throws Exception {
    Path junk = cli.write("junk.pem", "not a certificate\n");

    assertThat(cli.run("get", "tenants", "--ca-cert", junk.toString())).isEqualTo(2);
    assertThat(cli.err).startsWith("error: --ca-cert: ");
    assertThat(cli.run("get", "tenants", "--ca-cert", cli.cwd.resolve("nope.pem").toString()))
        .isEqualTo(2);
    assertThat(cli.err).contains("--ca-cert: no such file");
  }

  private static SSLContext serverContext(ServerCertificate cert) throws Exception {
    Certificate c =
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(cert.certPem().getBytes(StandardCharsets.US_ASCII)));
    String der = cert.keyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key =
        KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(der)));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, new char[0], new Certificate[] {c});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
