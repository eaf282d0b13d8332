package io.cloudpods.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.store.Ipv4;
import io.cloudpods.store.PodsConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecRulesTest {

  /** The seed defaults, as a record implementing the config interface. */
  record Pods(
      int templateVmid,
      String storage,
      int cores,
      int memoryMb,
      int swapMb,
      int diskGb,
      String ipPool,
      String powerState,
      String cloneMode,
      int vmidRangeStart,
      int vmidRangeEnd,
      int infraVmidStart,
      int infraVmidEnd)
      implements PodsConfig {
    static Pods seed() {
      return new Pods(
          9000,
          "clients-main",
          2,
          2048,
          512,
          8,
          "default",
          "Running",
          "full",
          9001,
          999999999,
          100,
          499);
    }
  }

  private static CloudPodSpec withVmid(Integer vmid) {
    return new CloudPodSpec(
        2,
        2048,
        512,
        8,
        9000,
        "clients-main",
        "default",
        null,
        vmid,
        null,
        "Running",
        "full",
        false);
  }

  private static final IpPoolSpec SEED_POOL =
      new IpPoolSpec(
          "10.1.10.0/24",
          "10.1.10.1",
          "10.1.10.50",
          "10.1.10.250",
          "vmbr0",
          List.of("1.1.1.1"),
          List.of("10.1.10.70"));

  @ParameterizedTest
  @ValueSource(ints = {100, 101, 250, 499})
  void pod_vmidInInfrastructureRange_isRefused(int vmid) {
    assertThat(SpecRules.pod(withVmid(vmid), Pods.seed()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("spec.vmid");
              assertThat(e.message()).contains("infrastructure");
            });
  }

  @Test
  void pod_vmidOfTheTemplate_isRefused() {
    assertThat(SpecRules.pod(withVmid(9000), Pods.seed()))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("template"));
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 8999, 1000000000})
  void pod_vmidOutsideClientRange_isRefused(int vmid) {
    assertThat(SpecRules.pod(withVmid(vmid), Pods.seed()))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("client range"));
  }

  @ParameterizedTest
  @ValueSource(ints = {9001, 9101, 123456})
  void pod_vmidInClientRange_isAccepted(int vmid) {
    assertThat(SpecRules.pod(withVmid(vmid), Pods.seed())).isEmpty();
  }

  @Test
  void pod_withoutVmid_isAccepted() {
    assertThat(SpecRules.pod(withVmid(null), Pods.seed())).isEmpty();
  }

  @Test
  void pool_seedPool_isValid() {
    assertThat(SpecRules.pool(SEED_POOL)).isEmpty();
  }

  @Test
  void pool_rangeBackwardsOrOutsideCidr_namesTheFields() {
    IpPoolSpec bad =
        new IpPoolSpec(
            "10.1.10.0/24",
            "10.1.11.1",
            "10.1.10.200",
            "10.1.10.100",
            null,
            null,
            List.of("192.168.0.1"));
    assertThat(SpecRules.pool(bad))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("spec.gateway", "spec.rangeEnd", "spec.reserved[0]");
  }

  @Test
  void ipProblem_explainsOutsideGatewayAndReserved() {
    assertThat(SpecRules.ipProblem("10.1.10.49", "default", SEED_POOL)).contains("outside");
    assertThat(SpecRules.ipProblem("10.1.10.251", "default", SEED_POOL)).contains("outside");
    assertThat(SpecRules.ipProblem("10.1.10.70", "default", SEED_POOL)).contains("reserved");
    assertThat(SpecRules.ipProblem("10.1.10.50", "default", SEED_POOL)).isNull();
    assertThat(SpecRules.ipProblem("10.1.10.250", "default", SEED_POOL)).isNull();
    IpPoolSpec gatewayInRange =
        new IpPoolSpec(
            "10.1.10.0/24", "10.1.10.60", "10.1.10.50", "10.1.10.250", null, null, List.of());
    assertThat(SpecRules.ipProblem("10.1.10.60", "default", gatewayInRange)).contains("gateway");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cloudpod-9101", "a", "web1", "0abc"})
  void dnsLabel_valid(String s) {
    assertThat(SpecRules.isDnsLabel(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-a", "a-", "A", "a_b", "a.b", "a b", "ä"})
  void dnsLabel_invalid(String s) {
    assertThat(SpecRules.isDnsLabel(s)).isFalse();
  }

  @Test
  void dnsLabel_longerThan63_isInvalid() {
    assertThat(SpecRules.isDnsLabel("a".repeat(63))).isTrue();
    assertThat(SpecRules.isDnsLabel("a".repeat(64))).isFalse();
  }

  @Test
  void ipv4_parsesFormatsAndChecksCidr() {
    assertThat(Ipv4.format(Ipv4.parse("10.1.10.91"))).isEqualTo("10.1.10.91");
    assertThat(Ipv4.inCidr("10.1.10.255", "10.1.10.0/24")).isTrue();
    assertThat(Ipv4.inCidr("10.1.11.0", "10.1.10.0/24")).isFalse();
    assertThat(Ipv4.inCidr("8.8.8.8", "0.0.0.0/0")).isTrue();
    for (String bad : List.of("10.1.10", "10.1.10.256", "10.01.10.1", "a.b.c.d", "10.1.10.1 ")) {
      assertThatThrownBy(() -> Ipv4.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
