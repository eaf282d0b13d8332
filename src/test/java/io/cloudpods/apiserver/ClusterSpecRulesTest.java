package io.cloudpods.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec.VmidRange;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec.Zone;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSpecRulesTest {
  static final String FP =
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

  static ProxmoxClusterSpec spec(
      String url,
      String file,
      String env,
      String fp,
      Boolean verify,
      List<Zone> zones,
      VmidRange range) {
    return new ProxmoxClusterSpec(
        "migra-us-west-1",
        zones,
        url,
        "cloudpods@pve!west",
        file,
        env,
        fp,
        null,
        verify,
        null,
        range);
  }

  static List<String> fields(ProxmoxClusterSpec s) {
    return ClusterSpecRules.check(s).stream().map(FieldError::field).toList();
  }

  @Test
  void aPinnedHttpsClusterWithASecretFile_isValid() {
    assertThat(
            ClusterSpecRules.check(
                spec(
                    "https://pve-w.example:8006",
                    "/etc/cloudpods/west.secret",
                    null,
                    FP,
                    null,
                    List.of(new Zone("a", List.of("pve")), new Zone("b", List.of("pve-02"))),
                    new VmidRange(9001, 9999))))
        .isEmpty();
  }

  @Test
  void secretPlace_mustBeExactlyOne_andAFileAbsolute() {
    assertThat(fields(spec("https://h:8006", null, null, FP, null, null, null)))
        .containsExactly("spec.tokenSecretFile");
    assertThat(fields(spec("https://h:8006", "/a", "B", FP, null, null, null)))
        .containsExactly("spec.tokenSecretFile");
    assertThat(fields(spec("https://h:8006", "rel/path", null, FP, null, null, null)))
        .containsExactly("spec.tokenSecretFile");
  }

  @Test
  void connection_followsTheRulesOfTheConfiguredCluster() {
    // plain http to another host would send the token in clear text
    assertThat(fields(spec("http://10.1.20.5:8006", "/s", null, null, true, null, null)))
        .containsExactly("spec.url");
    // ... loopback is fine, as is an explicit verifyTls: false
    assertThat(fields(spec("http://127.0.0.1:8006", "/s", null, null, true, null, null))).isEmpty();
    assertThat(fields(spec("http://10.1.20.5:8006", "/s", null, null, false, null, null)))
        .isEmpty();
    assertThat(fields(spec("https://h:8006", "/s", null, "zz", null, null, null)))
        .containsExactly("spec.fingerprint");
    assertThat(fields(spec("https://h:8006", "/s", null, FP, false, null, null)))
        .containsExactly("spec.verifyTls");
    assertThat(fields(spec("ftp://h", "/s", null, null, null, null, null)))
        .containsExactly("spec.url");
  }

  @Test
  void zonesMayNotShareNodes_norNames_andTheVmidRangeIsOrdered() {
    assertThat(
            fields(
                spec(
                    "https://h:8006",
                    "/s",
                    null,
                    FP,
                    null,
                    List.of(
                        new Zone("a", List.of("pve", "pve-02")),
                        new Zone("a", List.of("pve-03")),
                        new Zone("c", List.of("pve-02"))),
                    new VmidRange(9000, 8999))))
        .containsExactly("spec.zones[1].name", "spec.zones[2].nodes[0]", "spec.vmidRange.end");
  }
}
