package io.cloudpods.proxmox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.ProxmoxConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxmoxClientSettingsTest {

  static final String SECRET = "5f3c0469-aaaa-bbbb-cccc-0123456789ab";
  static final String FP =
      "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";

  /** Test double of the configuration mapping. */
  record Config(
      String url,
      Optional<String> tokenId,
      Optional<String> tokenSecret,
      boolean verifyTls,
      Optional<Path> caCert,
      Optional<String> fingerprint)
      implements ProxmoxConfig {
    @Override
    public Duration connectTimeout() {
      return Duration.ofSeconds(5);
    }

    @Override
    public Duration requestTimeout() {
      return Duration.ofSeconds(35);
    }

    @Override
    public Duration callTimeout() {
      return Duration.ofSeconds(60);
    }

    @Override
    public String pool() {
      return "ClientPods";
    }
  }

  private static ProxmoxClientSettings settings() {
    return ProxmoxClientSettings.of(
        "https://pve.example:8006/api2/json", "ctl@pve!controller", SECRET);
  }

  @Test
  void toString_neverContainsSecret() {
    ProxmoxClientSettings s = settings();

    assertThat(s.toString())
        .doesNotContain(SECRET)
        .contains("tokenSecret=***", "ctl@pve!controller");
    assertThat(new HttpProxmoxClient(s).toString()).doesNotContain(SECRET);
  }

  @Test
  void authorizationHeader_hasExactProxmoxFormat() {
    assertThat(settings().authorizationHeader())
        .isEqualTo("PVEAPIToken=ctl@pve!controller=" + SECRET);
  }

  @Test
  void url_withoutPath_getsApiRoot() {
    ProxmoxClientSettings s =
        ProxmoxClientSettings.of("https://pve.example:8006/", "ctl@pve!ctl", SECRET);

    assertThat(s.baseUrl()).isEqualTo(URI.create("https://pve.example:8006/api2/json"));
  }

  @Test
  void tokenId_malformed_rejectedNamingProperty() {
    for (String bad :
        new String[] {
          "ctl@pve", "ctl!controller", "ctl@pve!", "@pve!c", "ctl@pve!contr oller", "ctl@pve=x"
        }) {
      assertThatThrownBy(() -> ProxmoxClientSettings.of("https://pve:8006", bad, SECRET))
          .as(bad)
          .isInstanceOfSatisfying(
              InvalidProxmoxSettingsException.class,
              e -> assertThat(e.property()).isEqualTo("cloudpods.proxmox.token-id"))
          .hasMessageContaining("cloudpods.proxmox.token-id");
    }
  }

  @Test
  void tokenSecret_missing_rejectedNamingProperty() {
    assertThatThrownBy(() -> ProxmoxClientSettings.of("https://pve:8006", "ctl@pve!ctl", " "))
        .hasMessageContaining("cloudpods.proxmox.token-secret");
  }

  @Test
  void tokenSecret_withWhitespace_rejectedWithoutEchoingIt() {
    assertThatThrownBy(
            () -> ProxmoxClientSettings.of("https://pve:8006", "ctl@pve!ctl", "abc def-secret"))
        .hasMessageContaining("cloudpods.proxmox.token-secret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("def-secret"));
  }

  @Test
  void fingerprint_lowerCaseOrWithoutColons_normalised() {
    String bare = FP.replace(":", "").toLowerCase();

    assertThat(settings().withFingerprint(bare).fingerprint()).contains(FP);
    assertThat(settings().withFingerprint(FP.toLowerCase()).fingerprint()).contains(FP);
  }

  @Test
  void fingerprint_malformed_rejectedNamingProperty() {
    assertThatThrownBy(() -> settings().withFingerprint("AA:BB:CC"))
        .hasMessageContaining("cloudpods.proxmox.fingerprint");
    assertThatThrownBy(() -> settings().withFingerprint(FP.replace("AA", "ZZ")))
        .hasMessageContaining("cloudpods.proxmox.fingerprint");
  }

  @Test
  void caCertAndFingerprint_together_rejected(@TempDir Path dir) throws Exception {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "x");
    Config c =
        new Config(
            "https://pve:8006",
            Optional.of("ctl@pve!ctl"),
            Optional.of(SECRET),
            true,
            Optional.of(pem),
            Optional.of(FP));

    assertThatThrownBy(() -> ProxmoxClientSettings.from(c))
        .hasMessageContaining("cloudpods.proxmox.ca-cert")
        .hasMessageContaining("cloudpods.proxmox.fingerprint");
  }

  @Test
  void insecureTogetherWithFingerprint_rejected() {
    Config c =
        new Config(
            "https://pve:8006",
            Optional.of("ctl@pve!ctl"),
            Optional.of(SECRET),
            false,
            Optional.empty(),
            Optional.of(FP));

    assertThatThrownBy(() -> ProxmoxClientSettings.from(c))
        .hasMessageContaining("cloudpods.proxmox.verify-tls");
  }

  @Test
  void caCert_unreadableFile_rejected(@TempDir Path dir) {
    assertThatThrownBy(() -> settings().withCaCert(dir.resolve("missing.pem")))
        .hasMessageContaining("cloudpods.proxmox.ca-cert");
  }

  @Test
  void plainHttp_toRemoteHost_rejectedUnlessInsecureExplicitly() {
    assertThatThrownBy(
            () -> ProxmoxClientSettings.of("http://pve.example:8006", "ctl@pve!ctl", SECRET))
        .hasMessageContaining("cloudpods.proxmox.url");

    Config c =
        new Config(
            "http://pve.example:8006",
            Optional.of("ctl@pve!ctl"),
            Optional.of(SECRET),
            false,
            Optional.empty(),
            Optional.empty());
    assertThat(ProxmoxClientSettings.from(c).baseUrl().getScheme()).isEqualTo("http");
  }

  @Test
  void plainHttp_toLoopback_allowed() {
    assertThat(
            ProxmoxClientSettings.of("http://127.0.0.1:8006", "ctl@pve!ctl", SECRET)
                .baseUrl()
                .toString())
        .isEqualTo("http://127.0.0.1:8006/api2/json");
    assertThat(
            ProxmoxClientSettings.of("http://localhost:1/api2/json", "ctl@pve!ctl", SECRET)
                .baseUrl()
                .getHost())
        .isEqualTo("localhost");
  }

  @Test
  void url_otherScheme_rejected() {
    assertThatThrownBy(() -> ProxmoxClientSettings.of("ftp://pve:8006", "ctl@pve!ctl", SECRET))
        .hasMessageContaining("cloudpods.proxmox.url");
  }

  @Test
  void from_configWithoutToken_rejectedNamingProperty() {
    Config c =
        new Config(
            "https://127.0.0.1:8006/api2/json",
            Optional.empty(),
            Optional.empty(),
            true,
            Optional.empty(),
            Optional.empty());

    assertThatThrownBy(() -> ProxmoxClientSettings.from(c))
        .hasMessageContaining("cloudpods.proxmox.token-id");
  }

  @Test
  void timeouts_nonPositive_rejected() {
    assertThatThrownBy(
            () ->
                settings()
                    .withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .hasMessageContaining("cloudpods.proxmox.connect-timeout");
  }
}
