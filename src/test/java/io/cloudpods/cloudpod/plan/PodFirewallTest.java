package io.cloudpods.cloudpod.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodFirewallTest {

  private static final String IP = "10.1.10.51";

  private static List<Action> plan(Map<String, String> options) {
    return PodFirewall.plan(
        "pve-01", 9001, IP, new ObservedFirewall(options, "d1", Optional.of(Map.of(IP, false))));
  }

  @Test
  void firewallWithoutInboundPolicy_getsAccept_soIsolatingAPodDoesNotCutItOff() {
    assertThat(plan(Map.of()))
        .containsExactly(
            new Action.UpdateFirewallOptions(
                "pve-01",
                9001,
                Map.of("enable", "1", "ipfilter", "1", "policy_in", "ACCEPT"),
                Optional.of("d1")));
  }

  @Test
  void inboundPolicyTheOperatorSet_isKept() {
    assertThat(plan(Map.of("enable", "1", "ipfilter", "1", "policy_in", "DROP"))).isEmpty();
  }

  @Test
  void convergedFirewall_needsNothing() {
    assertThat(plan(Map.of("enable", "1", "ipfilter", "1", "policy_in", "ACCEPT"))).isEmpty();
  }
}
