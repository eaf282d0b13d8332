package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorMainTest {

  @Test
  void parse_acceptsEveryDocumentedFlag() {
    SimulatorOptions o =
        SimulatorMain.parse(
            new String[] {
              "--port",
              "0",
              "--http",
              "--token",
              "root@pam!ci=abc",
              "--token=u@pve!t2=def",
              "--nodes",
              "3",
              "--scenario",
              "empty",
              "--time-scale",
              "0.1",
              "--resources-lag",
              "2s",
              "--pve-version",
              "7.4-16",
              "--auth-delay",
              "0",
              "--seed",
              "9",
              "--bind",
              "0.0.0.0"
            });
    assertThat(o.port()).isZero();
    assertThat(o.http()).isTrue();
    assertThat(o.tokens()).containsEntry("root@pam!ci", "abc").containsEntry("u@pve!t2", "def");
    assertThat(o.nodes()).isEqualTo(3);
    assertThat(o.scenario()).isEqualTo(Scenario.EMPTY);
    assertThat(o.timing().timeScale()).isEqualTo(0.1);
    assertThat(o.timing().resourcesLag()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.stringVmids()).isTrue();
    assertThat(o.authFailureDelay()).isEqualTo(Duration.ZERO);
    assertThat(o.seed()).isEqualTo(9);
    assertThat(o.bindHost()).isEqualTo("0.0.0.0");
  }

  @Test
  void parse_defaults() {
    SimulatorOptions o = SimulatorMain.parse(new String[0]);
    assertThat(o.port()).isEqualTo(8006);
    assertThat(o.http()).isFalse();
    assertThat(o.tokens()).isEmpty();
    assertThat(o.timing().resourcesLag()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.pveVersion()).isEqualTo("8.2.4");
    assertThat(o.stringVmids()).isFalse();
  }

  @Test
  void parse_badFlags_nameTheFlag() {
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--port", "abc"}))
        .hasMessage("--port: not an integer: 'abc'");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--nodes", "0"}))
        .hasMessageStartingWith("--nodes:");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--scenario", "full"}))
        .hasMessageStartingWith("--scenario:");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--token", "nosecret"}))
        .hasMessageStartingWith("--token:");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--time-scale", "-1"}))
        .hasMessageStartingWith("--time-scale:");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--resources-lag", "soon"}))
        .hasMessageStartingWith("--resources-lag:");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--frobnicate"}))
        .hasMessageContaining("--frobnicate");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--port"}))
        .hasMessage("--port: missing value");
  }

  @Test
  void noTokenGiven_generatesOne() {
    try (ProxmoxSimulator sim =
        ProxmoxSimulator.start(SimulatorOptions.builder().port(0).http(true).build())) {
      assertThat(sim.tokens()).hasSize(1);
      assertThat(sim.tokens().keySet().iterator().next()).isEqualTo("root@pam!cloudpods");
      assertThat(sim.tokens().values().iterator().next()).matches("[0-9a-f\\-]{36}");
    }
  }
}
