package io.cloudpods.proxmox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudpods.proxmox.ProxmoxTlsException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate policies against an HTTPS server on 127.0.0.1 with a private CA, like a Proxmox node.
 */
class TlsTest {

  private static HeldCertificate rootCa;
  private static HeldCertificate serverCert;
  private static HeldCertificate otherCert;
  private static HeldCertificate wrongNameCert;

  private MockWebServer server;

  @BeforeAll
  static void certificates() {
    rootCa =
        new HeldCertificate.Builder()
            .certificateAuthority(0)
            .commonName("Proxmox Virtual Environment")
            .build();
    serverCert =
        new HeldCertificate.Builder()
            .signedBy(rootCa)
            .commonName("pve.proxmox.com")
            .addSubjectAlternativeName("127.0.0.1")
            .addSubjectAlternativeName("localhost")
            .build();
    otherCert =
        new HeldCertificate.Builder()
            .commonName("impostor")
            .addSubjectAlternativeName("127.0.0.1")
            .build();
    wrongNameCert =
        new HeldCertificate.Builder()
            .signedBy(rootCa)
            .commonName("pve")
            .addSubjectAlternativeName("pve.example")
            .build();
  }

  private String start(HeldCertificate cert) throws Exception {
    server = new MockWebServer();
    HandshakeCertificates hs =
        cert == otherCert
            ? new HandshakeCertificates.Builder().heldCertificate(cert).build()
            : new HandshakeCertificates.Builder()
                .heldCertificate(cert, rootCa.certificate())
                .build();
    server.useHttps(hs.sslSocketFactory(), false);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    server.enqueue(
        MockProxmox.json(
            200,
            "OK",
            "{\"data\":{\"version\":\"8.2.4\",\"release\":\"8.2\",\"repoid\":\"faa83925c9641325\"}}"));
    return "https://127.0.0.1:" + server.getPort() + "/api2/json";
  }

  private static ProxmoxClientSettings base(String url) {
    return ProxmoxClientSettings.of(url, MockProxmox.TOKEN_ID, MockProxmox.SECRET);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdown();
    }
  }

  @Test
  void defaultVerification_privateCaUnknown_tlsErrorNotRetryable() throws Exception {
    String url = start(serverCert);
    try (HttpProxmoxClient c = new HttpProxmoxClient(base(url))) {
      ProxmoxTlsException e = catchThrowableOfType(c::version, ProxmoxTlsException.class);

      assertThat(e.isRetryable()).isFalse();
      assertThat(e.getMessage()).startsWith("GET /version failed: TLS");
    }
  }

  @Test
  void pinnedFingerprint_matches_connects() throws Exception {
    String url = start(serverCert);
    String fp = Fingerprints.sha256(serverCert.certificate());
    try (HttpProxmoxClient c = new HttpProxmoxClient(base(url).withFingerprint(fp))) {
      assertThat(c.version().version()).isEqualTo("8.2.4");
    }
  }

  @Test
  void pinnedFingerprint_lowerCaseWithoutColons_connects() throws Exception {
    String url = start(serverCert);
    String fp = Fingerprints.sha256(serverCert.certificate()).replace(":", "").toLowerCase();
    try (HttpProxmoxClient c = new HttpProxmoxClient(base(url).withFingerprint(fp))) {
      assertThat(c.version().release()).isEqualTo("8.2");
    }
  }

  @Test
  void pinnedFingerprint_hostNameNotInCertificate_stillConnects() throws Exception {
    String url = start(wrongNameCert);
    try (HttpProxmoxClient c =
        new HttpProxmoxClient(
            base(url).withFingerprint(Fingerprints.sha256(wrongNameCert.certificate())))) {
      assertThat(c.version().version()).isEqualTo("8.2.4");
    }
  }

  @Test
  void pinnedFingerprint_mismatch_errorNamesExpectedAndActual() throws Exception {
    String url = start(serverCert);
    String expected = Fingerprints.sha256(otherCert.certificate());
    String actual = Fingerprints.sha256(serverCert.certificate());
    try (HttpProxmoxClient c = new HttpProxmoxClient(base(url).withFingerprint(expected))) {
      ProxmoxTlsException e = catchThrowableOfType(c::version, ProxmoxTlsException.class);

      assertThat(e.getMessage())
          .contains("fingerprint mismatch", "expected SHA-256 " + expected, actual);
      assertThat(e.isRetryable()).isFalse();
      assertThat(server.getRequestCount()).isZero();
    }
  }

  @Test
  void caFile_signsServerCertificate_connects(@TempDir Path dir) throws Exception {
    String url = start(serverCert);
    Path pem = Files.writeString(dir.resolve("pve-root-ca.pem"), rootCa.certificatePem());
    try (HttpProxmoxClient c = new HttpProxmoxClient(base(url).withCaCert(pem))) {
      assertThat(c.version().version()).isEqualTo("8.2.4");
    }
  }

  @Test
  void caFile_hostNameNotInCertificate_rejected(@TempDir Path dir) throws Exception {
    String url = start(wrongNameCert);
    Path pem = Files.writeString(dir.resolve("pve-root-ca.pem"), rootCa.certificatePem());
    try (HttpProxmoxClient c = new HttpProxmoxClient(base(url).withCaCert(pem))) {
      assertThat(catchThrowableOfType(c::version, ProxmoxTlsException.class)).isNotNull();
    }
  }

  @Test
  void caFile_otherCa_rejected(@TempDir Path dir) throws Exception {
    String url = start(serverCert);
    Path pem = Files.writeString(dir.resolve("other.pem"), otherCert.certificatePem());
    try (HttpProxmoxClient c = new HttpProxmoxClient(base(url).withCaCert(pem))) {
      assertThat(catchThrowableOfType(c::version, ProxmoxTlsException.class)).isNotNull();
    }
  }

  @Test
  void caFile_notPem_rejectedNamingProperty(@TempDir Path dir) throws Exception {
    Path pem = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");

    assertThatThrownBy(() -> new HttpProxmoxClient(base("https://127.0.0.1:8006").withCaCert(pem)))
        .isInstanceOf(InvalidProxmoxSettingsException.class)
        .hasMessageContaining("cloudpods.proxmox.ca-cert");
  }

  @Test
  void insecure_anyCertificate_connectsAndWarnsOnce() throws Exception {
    String url = start(otherCert);
    server.enqueue(MockProxmox.json(200, "OK", "{\"data\":[]}"));
    try (LogCapture logs = new LogCapture();
        HttpProxmoxClient c = new HttpProxmoxClient(base(url).insecure())) {
      c.version();
      c.nodes();

      assertThat(logs.count(Level.WARNING)).isEqualTo(1);
      assertThat(logs.allText())
          .contains("verification is DISABLED")
          .doesNotContain(MockProxmox.SECRET);
    }
  }

  @Test
  void verifiedClient_noWarningLogged() throws Exception {
    String url = start(serverCert);
    try (LogCapture logs = new LogCapture();
        HttpProxmoxClient c =
            new HttpProxmoxClient(
                base(url).withFingerprint(Fingerprints.sha256(serverCert.certificate())))) {
      c.version();

      assertThat(logs.count(Level.WARNING)).isZero();
    }
  }
}
