package io.cloudpods.cloudpod.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetConfigTest {

  private static final DesiredPod.Network NET =
      new DesiredPod.Network("vmbr0", "10.1.10.91", 24, "10.1.10.1");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                         | observed net0                                                                                             | desired net0
          template, dhcp                 | name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth                              | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,type=veth
          VLAN tag kept                  | name=eth0,bridge=vmbr0,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,tag=20,type=veth            | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,tag=20,type=veth
          rate, mtu, trunks kept         | name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=10.1.10.7/24,mtu=1400,rate=12.5,trunks=10;20,type=veth | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,mtu=1400,rate=12.5,trunks=10;20,type=veth
          link_down and ip6 kept         | name=eth0,bridge=vmbr0,ip6=auto,link_down=1,type=veth                                                     | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,ip=10.1.10.91/24,ip6=auto,link_down=1,type=veth
          firewall turned off by hand    | name=eth0,bridge=vmbr0,firewall=0,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,type=veth        | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,type=veth
          other name, bridge and gw      | name=ens18,bridge=vmbr9,gw=192.168.1.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,type=veth                | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,type=veth
          no type: veth                  | name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01                                                           | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,type=veth
          malformed part dropped         | name=eth0,garbage,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,type=veth                                         | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,type=veth
          """)
  void desired_rewritesOurKeysAndKeepsTheOthersVerbatim(
      String unused, String observed, String expected) {
    String desired = NetConfig.desired(NET, Optional.of(observed));

    assertThat(desired).isEqualTo(expected);
    assertThat(NetConfig.matches(NET, desired)).as("a written value reads back converged").isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                | observed net0                                                                            | matches
          converged, extra keys | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,ip=10.1.10.91/24,mtu=1400,tag=20,type=veth | true
          no firewall key       | name=eth0,bridge=vmbr0,gw=10.1.10.1,ip=10.1.10.91/24,type=veth                           | false
          firewall=0            | name=eth0,bridge=vmbr0,firewall=0,gw=10.1.10.1,ip=10.1.10.91/24,type=veth                | false
          other address         | name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,ip=10.1.10.92/24,type=veth                | false
          """)
  void matches_needsOurKeysIncludingFirewall(String unused, String observed, boolean matches) {
    assertThat(NetConfig.matches(NET, observed)).isEqualTo(matches);
  }

  @org.junit.jupiter.api.Test
  void desired_nothingObserved_isOursWithVeth() {
    assertThat(NetConfig.desired(NET, Optional.empty()))
        .isEqualTo("name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,ip=10.1.10.91/24,type=veth");
  }
}
