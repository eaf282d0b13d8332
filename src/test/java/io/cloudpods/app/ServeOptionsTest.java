package io.cloudpods.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServeOptionsTest {

  @Test
  void parse_embeddedWithPort_setsBoth() {
    CloudPodsMain.ServeOptions o = CloudPodsMain.parse(List.of("--embedded", "--port", "9090"));

    assertThat(o.embedded()).isTrue();
    assertThat(o.port()).contains(9090);
    assertThat(o.dataDir()).isEqualTo(Path.of(".cloudpods"));
    assertThat(o.simPort()).isEqualTo(8006);
  }

  @Test
  void parse_portEqualsForm_andDataDir() {
    CloudPodsMain.ServeOptions o = CloudPodsMain.parse(List.of("--port=8181", "--data", "/tmp/x"));

    assertThat(o.embedded()).isFalse();
    assertThat(o.port()).contains(8181);
    assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/x"));
  }

  @Test
  void parse_badInput_namesTheFlag() {
    assertThatThrownBy(() -> CloudPodsMain.parse(List.of("--embeded")))
        .hasMessageContaining("'--embeded'");
    assertThatThrownBy(() -> CloudPodsMain.parse(List.of("--port", "http")))
        .hasMessageContaining("--port")
        .hasMessageContaining("'http'");
    assertThatThrownBy(() -> CloudPodsMain.parse(List.of("--port", "70000")))
        .hasMessageContaining("0-65535");
    assertThatThrownBy(() -> CloudPodsMain.parse(List.of("--sim-port")))
        .hasMessageContaining("--sim-port needs a value");
  }

  @Test
  void parse_help_returnsNothingToRun() {
    assertThat(CloudPodsMain.parse(List.of("--help"))).isNull();
  }

  @Test
  void explain_databaseFailure_namesPostgresAndTheSettingToCheck() {
    System.setProperty(
        "quarkus.datasource.jdbc.url", "jdbc:postgresql://db.example:5432/cloudpods");
    try {
      RuntimeException failure =
          new RuntimeException(
              "Failed to start quarkus",
              new IllegalStateException(
                  "Unable to obtain connection", new SQLException("Connection refused")));

      String line = CloudPodsMain.explain(failure);

      assertThat(line)
          .startsWith("PostgreSQL at jdbc:postgresql://db.example:5432/cloudpods is not usable")
          .contains("Connection refused")
          .contains("quarkus.datasource.jdbc.url");
    } finally {
      System.clearProperty("quarkus.datasource.jdbc.url");
    }
  }

  @Test
  void explain_otherFailure_joinsTheDistinctMessages() {
    String line =
        CloudPodsMain.explain(
            new RuntimeException(
                "Failed to start",
                new IllegalStateException(
                    "cannot reach Proxmox VE at https://pve:8006/api2/json: timeout")));

    assertThat(line)
        .isEqualTo(
            "Failed to start: cannot reach Proxmox VE at https://pve:8006/api2/json: timeout");
  }
}
