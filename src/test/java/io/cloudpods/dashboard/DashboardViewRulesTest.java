package io.cloudpods.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantQuota;
import io.cloudpods.api.v1alpha1.TenantSpec;
import io.cloudpods.api.v1alpha1.TenantStatus;
import io.cloudpods.api.v1alpha1.TenantUsage;
import io.cloudpods.store.ControllerState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard's pure view rules: filter, quota bars, cluster rows, pod rows. */
class DashboardViewRulesTest {

  static PodRow row(String tenant, String name, String phase, String reason) {
    return new PodRow(tenant, name, phase, "False", reason, null, 9001, "pve-02", "10.1.10.51");
  }

  @Test
  void podFilter_blankFields_matchEverything() {
    PodFilter f = PodFilter.of(" ", "", null);
    assertThat(f).isEqualTo(PodFilter.NONE);
    assertThat(f.matches(row("a", "web-1", "Running", null))).isTrue();
    assertThat(f.query()).isEmpty();
  }

  @Test
  void podFilter_tenantPhaseAndText_mustAllMatch_textIgnoringCase() {
    PodFilter f = PodFilter.of("a", "Pending", "WAITING");
    assertThat(f.matches(row("a", "web-1", "Pending", "WaitingForCloneSlot"))).isTrue();
    assertThat(f.matches(row("b", "web-1", "Pending", "WaitingForCloneSlot"))).isFalse();
    assertThat(f.matches(row("a", "web-1", "Running", "WaitingForCloneSlot"))).isFalse();
    assertThat(f.matches(row("a", "web-1", "Pending", "TaskFailed"))).isFalse();
  }

  @Test
  void podFilter_textMatchesNameIpNodeAndVmid() {
    PodRow r = row("a", "db-7", "Running", null);
    for (String text : List.of("db-7", "10.1.10.51", "pve-02", "9001")) {
      assertThat(PodFilter.of(null, null, text).matches(r)).as(text).isTrue();
    }
    assertThat(PodFilter.of(null, null, "nothing").matches(r)).isFalse();
  }

  @Test
  void podFilter_within_forcesTheCallersTenant_andQueryIsEncoded() {
    PodFilter f = PodFilter.of("other", null, "a b&c").within("mine");
    assertThat(f.tenant()).isEqualTo("mine");
    assertThat(f.query()).isEqualTo("?tenant=mine&q=a+b%26c");
    assertThat(PodFilter.of("x", null, null).within(null).tenant()).isEqualTo("x");
  }

  @Test
  void podFilter_longText_isCut() {
    assertThat(PodFilter.of(null, null, "x".repeat(500)).text()).hasSize(PodFilter.MAX_TEXT);
  }

  @Test
  void quotaBar_percentOfQuota_cappedAndUnlimitedHasNoBar() {
    assertThat(QuotaBar.of("cores", 3, 4, "").percent()).isEqualTo(75);
    assertThat(QuotaBar.of("cores", 9, 4, "").percent()).isEqualTo(100);
    assertThat(QuotaBar.of("cores", 4, 4, "").nearlyFull()).isTrue();
    assertThat(QuotaBar.of("pods", 0, 0, "").percent()).isZero();
    assertThat(QuotaBar.of("pods", 1, 0, "").percent()).isEqualTo(100);
    QuotaBar unlimited = QuotaBar.of("disk", 80, null, "GB");
    assertThat(unlimited.limited()).isFalse();
    assertThat(unlimited.percent()).isEqualTo(-1);
  }

  @Test
  void quotaBars_ofTenant_countMemoryWithSwap_inFixedOrder() {
    Tenant t =
        new Tenant(
            "cloudpods.io/v1alpha1",
            "Tenant",
            ObjectMeta.named("a"),
            new TenantSpec("A", new TenantQuota(10, 8, 4096, null), null),
            new TenantStatus("Active", new TenantUsage(2, 4, 3072, 16, 512), null, 1L, null));
    assertThat(QuotaBar.of(t))
        .extracting(QuotaBar::label, QuotaBar::used, QuotaBar::max, QuotaBar::percent)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("pods", 2L, 10L, 20),
            org.assertj.core.groups.Tuple.tuple("cores", 4L, 8L, 50),
            org.assertj.core.groups.Tuple.tuple("memory", 3072L, 4096L, 75),
            org.assertj.core.groups.Tuple.tuple("disk", 16L, null, -1));
  }

  @Test
  void clusterRow_beforeTheControllerLooked_isUnknown_andShowsOnlySchemeHostPort() {
    ClusterRow r =
        ClusterRow.of("default", null, "https://user:pw@pve.example:8006/api2/json", null);
    assertThat(r.reachable()).isEqualTo("unknown");
    assertThat(r.endpoint()).isEqualTo("https://pve.example:8006");
    assertThat(r.lastContact()).isNull();
  }

  @Test
  void clusterRow_unreachable_saysNoWithWhenAndWhy() {
    Instant at = Instant.parse("2026-01-01T10:00:00Z");
    ClusterRow r =
        ClusterRow.of(
            "default",
            "migra-us-east-1",
            "https://10.1.10.2:8006",
            new ControllerState(null, false, at, "connection refused"));
    assertThat(r.reachable()).isEqualTo("no");
    assertThat(r.lastContact()).isEqualTo(at);
    assertThat(r.message()).isEqualTo("connection refused");
  }

  static CloudPod pod(CloudPodStatus status, Instant deletion) {
    ObjectMeta m = new ObjectMeta("web-1", "a", null, null, 1L, null, null, deletion, null);
    CloudPodSpec spec =
        new CloudPodSpec(
            2,
            2048,
            512,
            8,
            9000,
            "clients-main",
            "default",
            null,
            null,
            null,
            "Running",
            "full",
            false);
    return new CloudPod("cloudpods.io/v1alpha1", "CloudPod", m, spec, status);
  }

  @Test
  void podRow_withoutStatus_isPendingAndReadyUnknown() {
    PodRow r = PodRow.of(pod(null, null));
    assertThat(r.phase()).isEqualTo("Pending");
    assertThat(r.ready()).isEqualTo("Unknown");
  }

  @Test
  void podRow_markedForDeletion_isDeleting_andReadyComesFromCondition() {
    CloudPodStatus s =
        new CloudPodStatus(
            "Running",
            9001,
            "pve",
            "10.1.10.50",
            1L,
            List.of(new Condition("Ready", "False", "TaskFailed", "clone: exit 1", null, 1L)),
            null,
            null,
            null,
            null);
    PodRow r = PodRow.of(pod(s, Instant.now()));
    assertThat(r.phase()).isEqualTo("Deleting");
    assertThat(r.ready()).isEqualTo("False");
    assertThat(r.reason()).isEqualTo("TaskFailed");
    assertThat(r.vmid()).isEqualTo(9001);
  }
}
