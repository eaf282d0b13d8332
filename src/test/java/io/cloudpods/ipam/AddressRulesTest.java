package io.cloudpods.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.IpPoolSpec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressRulesTest {

  private static final IpPoolSpec WIDE =
      new IpPoolSpec(
          "10.1.20.0/24",
          "10.1.20.1",
          "10.1.20.0",
          "10.1.20.200",
          "vmbr0",
          List.of(),
          List.of("10.1.20.9"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      textBlock =
          """
          10.1.20.50  | none
          10.1.20.0   | 10.1.20.0 is the network address of 10.1.20.0/24
          10.1.20.1   | 10.1.20.1 is the gateway of pool wide
          10.1.20.9   | 10.1.20.9 is reserved in pool wide
          10.1.20.201 | 10.1.20.201 is outside the range 10.1.20.0-10.1.20.200 of pool wide
          """)
  void problem_namesTheRuleTheAddressBreaks(String ip, String expected) {
    assertThat(AddressRules.problem(ip, "wide", WIDE)).isEqualTo(expected);
    assertThat(AddressRules.assignable(ip, WIDE)).isEqualTo(expected == null);
  }

  @org.junit.jupiter.api.Test
  void problem_broadcastInsideTheRange_isRefused() {
    IpPoolSpec all =
        new IpPoolSpec(
            "10.1.20.0/24", "10.1.20.1", "10.1.20.0", "10.1.20.255", "vmbr0", List.of(), List.of());
    assertThat(AddressRules.problem("10.1.20.255", "all", all))
        .isEqualTo("10.1.20.255 is the broadcast address of 10.1.20.0/24");
  }
}
