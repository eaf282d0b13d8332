package io.cloudpods.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import org.junit.jupiter.api.Test;

/** The adoption rules apply only to a pod that adopts; a plain pod passes as before. */
class SpecRulesAdoptionTest {

  private static CloudPodSpec spec(Integer vmid, String ip, Boolean adopt, String network) {
    return new CloudPodSpec(
        2,
        2048,
        512,
        8,
        9000,
        "clients-main",
        "default",
        ip,
        vmid,
        null,
        "Running",
        "full",
        false,
        true,
        null,
        adopt,
        network);
  }

  @Test
  void plainPod_hasNoAdoptionRules() {
    assertThat(SpecRules.adoption(spec(null, null, null, null))).isEmpty();
    assertThat(SpecRules.adoption(spec(null, null, false, "Managed"))).isEmpty();
    assertThat(SpecRules.adoption(spec(null, null, null, "Guest"))).isEmpty();
  }

  @Test
  void adoptingPod_needsVmidAndIp() {
    assertThat(SpecRules.adoption(spec(null, null, true, "Guest")))
        .extracting(FieldError::field)
        .containsExactly("spec.vmid", "spec.ip");
    assertThat(SpecRules.adoption(spec(9101, "10.1.10.91", true, "Guest"))).isEmpty();
  }

  @Test
  void adoptionDefaults_areOffAndManaged() {
    CloudPodSpec s = spec(null, null, null, null);

    assertThat(s.adopts()).isFalse();
    assertThat(s.guestNetwork()).isFalse();
    assertThat(spec(null, null, true, "Guest").guestNetwork()).isTrue();
  }
}
