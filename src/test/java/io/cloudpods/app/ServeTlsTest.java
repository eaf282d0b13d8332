package io.cloudpods.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.tls.ServerCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --tls}: the certificate of the state directory and the HTTPS-only settings. */
class ServeTlsTest {

  private static final List<String> SET =
      List.of(
          "quarkus.http.ssl.certificate.files",
          "quarkus.http.ssl.certificate.key-files",
          "quarkus.http.insecure-requests",
          "quarkus.http.ssl-port");

  @TempDir Path dir;

  @AfterEach
  void clear() {
    SET.forEach(System::clearProperty);
  }

  @Test
  void configureTls_firstStart_generatesAKeyOnlyThisUserReads_andServesHttpsOnly()
      throws Exception {
    Path state = dir.resolve(".cloudpods");
    CloudPodsMain.ServeOptions o =
        CloudPodsMain.parse(List.of("--tls", "--data", state.toString(), "--port", "9443"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ServerCertificate cert = CloudPodsMain.configureTls(o, new PrintStream(out, true));

    Path certFile = state.resolve("tls-cert.pem");
    Path keyFile = state.resolve("tls-key.pem");
    assertThat(mode(keyFile)).isEqualTo("rw-------");
    assertThat(mode(state)).isEqualTo("rwx------");
    assertThat(ServerCertificate.fingerprint(ServerCertificate.readFirst(certFile)))
        .isEqualTo(cert.fingerprint());
    assertThat(Files.readString(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("generated a self-signed");
    assertThat(System.getProperty("quarkus.http.ssl.certificate.files"))
        .isEqualTo(certFile.toAbsolutePath().toString());
    assertThat(System.getProperty("quarkus.http.ssl.certificate.key-files"))
        .isEqualTo(keyFile.toAbsolutePath().toString());
    assertThat(System.getProperty("quarkus.http.insecure-requests")).isEqualTo("disabled");
    assertThat(System.getProperty("quarkus.http.ssl-port")).isEqualTo("9443");
  }

  @Test
  void configureTls_restart_keepsTheCertificate_soAPinnedFingerprintStaysValid() throws Exception {
    CloudPodsMain.ServeOptions o =
        CloudPodsMain.parse(List.of("--embedded", "--tls", "--data", dir.toString()));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);

    String first = CloudPodsMain.configureTls(o, quiet).fingerprint();
    String again = CloudPodsMain.configureTls(o, quiet).fingerprint();

    assertThat(again).isEqualTo(first);
    assertThat(System.getProperty("quarkus.http.ssl-port")).as("Quarkus's default, 8443").isNull();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
