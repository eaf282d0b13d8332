package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class HttpsTest {

  /**
   * Trusts exactly the certificate with the given SHA-256 fingerprint, as a pinned client would.
   */
  static X509TrustManager pinned(String fingerprint) {
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        throw new CertificateException("client certificates not expected");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        try {
          String hex =
              HexFormat.ofDelimiter(":")
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()))
                  .toUpperCase(Locale.ROOT);
          if (!hex.equals(fingerprint)) {
            throw new CertificateException("fingerprint mismatch: " + hex);
          }
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new CertificateException(e);
        }
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }

  static OkHttpClient client(X509TrustManager tm) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new X509TrustManager[] {tm}, null);
    return new OkHttpClient.Builder()
        .sslSocketFactory(ctx.getSocketFactory(), tm)
        .hostnameVerifier((h, s) -> true)
        .readTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  @Test
  void https_servesWithGeneratedCertificateWhoseFingerprintIsPrinted() throws Exception {
    try (ProxmoxSimulator sim = ProxmoxSimulator.start(SimTestSupport.fast().http(false).build())) {
      assertThat(sim.baseUrl()).startsWith("https://127.0.0.1:").endsWith("/api2/json");
      assertThat(sim.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");

      SimClient ok = new SimClient(sim, client(pinned(sim.fingerprint())));
      SimClient.Reply r = ok.get("/nodes");
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.data().get(0).get("ssl_fingerprint").asText()).isEqualTo(sim.fingerprint());

      // another first byte (a fingerprint may itself start with 00: one certificate in 256)
      String wrong =
          (sim.fingerprint().startsWith("00") ? "11" : "00") + sim.fingerprint().substring(2);
      SimClient bad = new SimClient(sim, client(pinned(wrong)));
      assertThatThrownBy(() -> bad.get("/nodes"))
          .hasRootCauseInstanceOf(CertificateException.class);

      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      SimulatorMain.printBanner(
          sim, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
          .contains("certificate SHA-256 fingerprint: " + sim.fingerprint())
          .contains("API token: ctl@pve!ci=" + SimTestSupport.SECRET);
    }
  }
}
