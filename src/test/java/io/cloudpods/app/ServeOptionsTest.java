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
  void host_embeddedWithoutBind_isLoopback_whileOtherwiseTheConfigurationDecides() {
    assertThat(CloudPodsMain.parse(List.of("--embedded")).host()).contains("127.0.0.1");
    assertThat(CloudPodsMain.parse(List.of()).host()).isEmpty();
    assertThat(CloudPodsMain.parse(List.of()).tls()).isFalse();
  }

  @Test
  void parse_bindAndTls_overrideTheListener() {
    CloudPodsMain.ServeOptions o =
        CloudPodsMain.parse(List.of("--embedded", "--bind", "0.0.0.0", "--tls"));

    assertThat(o.host()).contains("0.0.0.0");
    assertThat(o.tls()).isTrue();
    assertThat(CloudPodsMain.parse(List.of("--bind=[::1]")).host()).contains("::1");
    assertThat(CloudPodsMain.parse(List.of("--bind", "api.example")).host())
        .contains("api.example");
  }

  @Test
  void parse_badBind_namesTheFlagAndTheValue() {
    assertThatThrownBy(() -> CloudPodsMain.parse(List.of("--bind", "10.0.0.1 --tls")))
        .hasMessageContaining("--bind must be an IP address or host name")
        .hasMessageContaining("'10.0.0.1 --tls'");
    assertThatThrownBy(() -> CloudPodsMain.parse(List.of("--bind")))
        .hasMessageContaining("--bind needs a value");
  }

  @Test
  void configuredHostIgnored_embeddedWithAnotherEnvHost_saysHowToListenThere() {
    CloudPodsMain.ServeOptions embedded = CloudPodsMain.parse(List.of("--embedded"));

    assertThat(CloudPodsMain.configuredHostIgnored(embedded, "0.0.0.0"))
        .hasValueSatisfying(
            l -> assertThat(l).contains("127.0.0.1 only").contains("--bind 0.0.0.0"));
    assertThat(CloudPodsMain.configuredHostIgnored(embedded, "127.0.0.1")).isEmpty();
    assertThat(CloudPodsMain.configuredHostIgnored(embedded, null)).isEmpty();
    assertThat(CloudPodsMain.configuredHostIgnored(CloudPodsMain.parse(List.of()), "0.0.0.0"))
        .isEmpty();
  }

  @Test
  void url_wildcardIsReachedAsLocalhost_ipv6InBrackets() {
    assertThat(ServeApplication.url("https", "0.0.0.0", 8443)).isEqualTo("https://localhost:8443");
    assertThat(ServeApplication.url("http", "::1", 8080)).isEqualTo("http://[::1]:8080");
    assertThat(ServeApplication.url("http", "127.0.0.1", 8080)).isEqualTo("http://127.0.0.1:8080");
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

  @Test
  void explain_quarkusStartWrapper_isLeftOut_soTheLineStartsWithTheSetting() {
    String line =
        CloudPodsMain.explain(
            new RuntimeException(
                "Failed to start quarkus",
                new IllegalArgumentException("cloudpods.leases.call-timeout: 5s must be shorter")));

    assertThat(line).isEqualTo("cloudpods.leases.call-timeout: 5s must be shorter");
  }
}
