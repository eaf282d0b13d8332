package io.cloudpods.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyRunTest {

  private static final Instant DUE = Instant.parse("2026-03-01T02:00:00Z");
  private static final ZoneId UTC = ZoneId.of("UTC");

  private static PolicyRun.Pod pod(String name, Map<String, String> labels) {
    return new PolicyRun.Pod(name, labels, true, false);
  }

  @Test
  void plan_emptySelector_backsUpEveryProvisionedPod() {
    PolicyRun.Plan p =
        PolicyRun.plan(
            "nightly",
            Map.of(),
            List.of(pod("web-0", Map.of()), pod("db-0", Map.of("tier", "db"))),
            Set.of(),
            Set.of(),
            DUE,
            UTC);
    assertThat(p.create())
        .containsExactly(
            new PolicyRun.Create("web-0", "web-0-nightly-202603010200"),
            new PolicyRun.Create("db-0", "db-0-nightly-202603010200"));
    assertThat(p.skipped()).isEmpty();
    assertThat(p.selected()).isEqualTo(2);
  }

  @Test
  void plan_matchLabels_selectsOnlyPodsWithAllOfThem() {
    PolicyRun.Plan p =
        PolicyRun.plan(
            "db",
            Map.of("tier", "db", "env", "prod"),
            List.of(
                pod("db-0", Map.of("tier", "db", "env", "prod", "x", "y")),
                pod("db-1", Map.of("tier", "db")),
                pod("web-0", Map.of("env", "prod"))),
            Set.of(),
            Set.of(),
            DUE,
            UTC);
    assertThat(p.create()).extracting(PolicyRun.Create::pod).containsExactly("db-0");
    assertThat(p.selected()).isEqualTo(1);
  }

  @Test
  void plan_previousBackupStillRunning_skipsThatPodOnly() {
    PolicyRun.Plan p =
        PolicyRun.plan(
            "nightly",
            Map.of(),
            List.of(pod("web-0", Map.of()), pod("web-1", Map.of())),
            Set.of("web-1"),
            Set.of(),
            DUE,
            UTC);
    assertThat(p.create()).extracting(PolicyRun.Create::pod).containsExactly("web-0");
    assertThat(p.skipped())
        .containsExactly(new PolicyRun.Skip("web-1", PolicyRun.SKIP_PREVIOUS_RUNNING));
  }

  @Test
  void plan_unprovisionedAndDeletingPods_areSkippedWithTheirReason() {
    PolicyRun.Plan p =
        PolicyRun.plan(
            "nightly",
            Map.of(),
            List.of(
                new PolicyRun.Pod("new-0", Map.of(), false, false),
                new PolicyRun.Pod("old-0", Map.of(), true, true)),
            Set.of(),
            Set.of(),
            DUE,
            UTC);
    assertThat(p.create()).isEmpty();
    assertThat(p.skipped())
        .containsExactly(
            new PolicyRun.Skip("new-0", PolicyRun.SKIP_NOT_PROVISIONED),
            new PolicyRun.Skip("old-0", PolicyRun.SKIP_DELETING));
  }

  @Test
  void plan_runRetried_createsNothingTwice() {
    PolicyRun.Plan p =
        PolicyRun.plan(
            "nightly",
            Map.of(),
            List.of(pod("web-0", Map.of()), pod("web-1", Map.of())),
            Set.of("web-0"),
            Set.of("web-0-nightly-202603010200"),
            DUE,
            UTC);
    assertThat(p.create()).extracting(PolicyRun.Create::pod).containsExactly("web-1");
    assertThat(p.skipped()).isEmpty();
  }
}
