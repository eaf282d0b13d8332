package io.cloudpods.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSettingsTest {
  static final String SECRET = "5f4c2a10-9d3e-4b7a-8c61-2e0f9a7b3d55";

  static ProxmoxClusterSpec spec(String file, String env, String url) {
    return new ProxmoxClusterSpec(
        "west", null, url, "cloudpods@pve!west", file, env, null, null, false, null, null);
  }

  @Test
  void secretFromFile_isStrippedAndUsed_butNeverPrinted(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("secret");
    Files.writeString(f, SECRET + "\n");
    var s =
        new ClusterSettings(Map.<String, String>of()::get)
            .settings(
                spec(f.toString(), null, "https://127.0.0.1:8006"),
                Optional.empty(),
                Duration.ofSeconds(2));

    assertThat(s.tokenSecret()).isEqualTo(SECRET);
    assertThat(s.toString()).doesNotContain(SECRET);
    assertThat(s.callTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void secretFromEnvironment_isUsed() {
    var s =
        new ClusterSettings(Map.of("WEST_SECRET", SECRET)::get)
            .settings(
                spec(null, "WEST_SECRET", "https://127.0.0.1:8006"),
                Optional.empty(),
                Duration.ofSeconds(2));
    assertThat(s.tokenSecret()).isEqualTo(SECRET);
  }

  @Test
  void missingEmptyOrHugeSecret_isSecretUnavailable_namingWhereItWasLooked(@TempDir Path dir)
      throws Exception {
    ClusterSettings settings = new ClusterSettings(Map.<String, String>of()::get);
    assertThatThrownBy(
            () ->
                settings.settings(
                    spec(null, "NOT_SET", "https://127.0.0.1:8006"),
                    Optional.empty(),
                    Duration.ofSeconds(1)))
        .isInstanceOf(ClusterSettingsException.class)
        .hasMessageContaining("spec.tokenSecretEnv")
        .hasMessageContaining("NOT_SET")
        .extracting(e -> ((ClusterSettingsException) e).reason())
        .isEqualTo("SecretUnavailable");
    Path empty = Files.writeString(dir.resolve("empty"), "  \n");
    assertThatThrownBy(
            () ->
                settings.settings(
                    spec(empty.toString(), null, "https://127.0.0.1:8006"),
                    Optional.empty(),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("is empty");
    Path huge = Files.writeString(dir.resolve("huge"), "x".repeat(5000));
    assertThatThrownBy(
            () ->
                settings.settings(
                    spec(huge.toString(), null, "https://127.0.0.1:8006"),
                    Optional.empty(),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("not a secret")
        .hasMessageNotContaining("xxxx");
  }

  @Test
  void settingTheClientRefuses_isNamedAsTheSpecField() {
    ClusterSettings settings = new ClusterSettings(Map.of("S", SECRET)::get);
    ProxmoxClusterSpec badToken =
        new ProxmoxClusterSpec(
            "west",
            null,
            "https://127.0.0.1:8006",
            "no-realm",
            null,
            "S",
            null,
            null,
            true,
            null,
            null);
    assertThatThrownBy(() -> settings.settings(badToken, Optional.empty(), Duration.ofSeconds(1)))
        .isInstanceOf(ClusterSettingsException.class)
        .hasMessageStartingWith("spec.tokenId: ")
        .hasMessageNotContaining(SECRET);
  }
}
