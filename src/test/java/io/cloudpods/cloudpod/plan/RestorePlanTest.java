package io.cloudpods.cloudpod.plan;

import static io.cloudpods.cloudpod.plan.PlanFixtures.desired;
import static io.cloudpods.cloudpod.plan.PlanFixtures.pod;
import static io.cloudpods.cloudpod.plan.PlanFixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A pod with {@code spec.restoreFrom}: provisioned from the archive instead of the template. */
class RestorePlanTest {

  private static final String VOLID =
      "vzdump-backups:backup/vzdump-lxc-9001-2026_12_01-10_00_00.tar.zst";

  private static DesiredPod restoring() {
    return pod().restoreVolid(Optional.of(VOLID)).build();
  }

  @Test
  void plan_containerMissingWithRestoreSource_restoresInsteadOfCloning() {
    List<Action> plan = CloudPodPlanner.plan(restoring(), Optional.empty());

    assertThat(plan).hasSize(1);
    Action.RestoreContainer r = (Action.RestoreContainer) plan.get(0);
    assertThat(r.node()).isEqualTo("pve");
    assertThat(r.vmid()).as("the pod's own, fresh VMID").isEqualTo(9101);
    assertThat(r.volid()).isEqualTo(VOLID);
    assertThat(r.storage()).isEqualTo("clients-main");
    assertThat(r.pool()).contains("ClientPods");
    assertThat(r.force()).as("a new pod never overwrites").isFalse();
    assertThat(r.unique()).as("new MAC addresses").isTrue();
  }

  @Test
  void plan_restore_setsMarkerHostnameAndOwnAddressInTheSameCall() {
    Action.RestoreContainer r =
        (Action.RestoreContainer) CloudPodPlanner.plan(restoring(), Optional.empty()).get(0);

    assertThat(r.config().get("tags").split(";"))
        .containsExactlyInAnyOrderElementsOf(
            Ownership.tagsFor(PlanFixtures.UID, "acme", Optional.empty()));
    assertThat(Ownership.describes(r.config().get("description"), PlanFixtures.UID)).isTrue();
    assertThat(r.config()).containsEntry("hostname", "web-1");
    assertThat(r.config().get("net0"))
        .isEqualTo("name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,ip=10.1.10.91/24,type=veth");
  }

  @Test
  void plan_containerExistsWithRestoreSource_convergesItLikeAnyOther() {
    assertThat(CloudPodPlanner.plan(restoring(), Optional.of(running()))).isEmpty();
  }

  @Test
  void plan_containerMissingWithoutRestoreSource_stillClones() {
    assertThat(CloudPodPlanner.plan(desired(), Optional.empty()).get(0))
        .isInstanceOf(Action.CloneContainer.class);
  }

  @Test
  void plan_deletingARestoredPod_destroysLikeAnyOther() {
    DesiredPod d = pod().restoreVolid(Optional.of(VOLID)).deleting(true).build();

    assertThat(CloudPodPlanner.plan(d, Optional.empty())).isEmpty();
    assertThat(CloudPodPlanner.plan(d, Optional.of(PlanFixtures.withStatus(running(), "stopped"))))
        .containsExactly(new Action.Destroy("pve", 9101));
  }

  @Test
  void restoreAction_startsATask() {
    assertThat(CloudPodPlanner.plan(restoring(), Optional.empty()).get(0).startsTask()).isTrue();
  }
}
