package io.cloudpods.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.ProxmoxClusterStatus;
import io.cloudpods.proxmox.ClusterResource;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeStatusTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  static final ProbeResult ANSWER =
      new ProbeResult.Answered(
          "8.2.4",
          List.of(
              new ProxmoxClusterStatus.Node("pve", true, 100L, 10L, 5L),
              new ProxmoxClusterStatus.Node("pve-02", false, 100L, 0L, 0L)));

  @Test
  void answer_isReachableTrue_withVersionNodesAndLastContact() {
    ProxmoxClusterStatus s = ProbeStatus.next(null, ANSWER, 3, T0);

    assertThat(ProbeStatus.reachable(s)).isTrue();
    assertThat(s.lastContact()).isEqualTo(T0);
    assertThat(s.version()).isEqualTo("8.2.4");
    assertThat(s.observedGeneration()).isEqualTo(3);
    assertThat(Conditions.find(s.conditions(), "Reachable").get().message())
        .isEqualTo("Proxmox VE 8.2.4 answered; 1 of 2 nodes online");
    assertThat(ProbeStatus.flipped(null, s)).isTrue();
  }

  @Test
  void failure_keepsLastContactVersionAndNodes_andFlipsOnce() {
    ProxmoxClusterStatus up = ProbeStatus.next(null, ANSWER, 1, T0);
    ProxmoxClusterStatus down =
        ProbeStatus.next(
            up, new ProbeResult.Failed("Unreachable", "timeout"), 1, T0.plusSeconds(10));
    ProxmoxClusterStatus stillDown =
        ProbeStatus.next(
            down, new ProbeResult.Failed("Unreachable", "timeout"), 1, T0.plusSeconds(20));

    assertThat(ProbeStatus.reachable(down)).isFalse();
    assertThat(down.lastContact()).isEqualTo(T0);
    assertThat(down.lastProbe()).isEqualTo(T0.plusSeconds(10));
    assertThat(down.nodes()).isEqualTo(up.nodes());
    assertThat(ProbeStatus.flipped(up, down)).isTrue();
    assertThat(ProbeStatus.flipped(down, stillDown)).isFalse();
    assertThat(Conditions.find(stillDown.conditions(), "Reachable").get().lastTransitionTime())
        .as("transition time stays while the status does not flip")
        .isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void nodes_countFreeSpaceOfVolumeStoragesOnly() {
    List<ClusterResource> resources =
        List.of(
            new ClusterResource.Node("node/pve-02", "pve-02", "offline", 0, 8, 0, 0, 0, 0, 0),
            new ClusterResource.Node("node/pve", "pve", "online", 0.1, 8, 2, 16, 0, 0, 9),
            new ClusterResource.Storage(
                "storage/pve/clients-main",
                "clients-main",
                "pve",
                "lvmthin",
                "available",
                false,
                Set.of("rootdir", "images"),
                30,
                100),
            new ClusterResource.Storage(
                "storage/pve/local",
                "local",
                "pve",
                "dir",
                "available",
                false,
                Set.of("iso", "vztmpl", "backup"),
                0,
                1000),
            new ClusterResource.Storage(
                "storage/pve/gone",
                "gone",
                "pve",
                "dir",
                "unknown",
                false,
                Set.of("rootdir"),
                0,
                1000));

    List<ProxmoxClusterStatus.Node> nodes = ClusterProbe.nodes(resources);

    assertThat(nodes)
        .containsExactly(
            new ProxmoxClusterStatus.Node("pve", true, 16L, 2L, 70L),
            new ProxmoxClusterStatus.Node("pve-02", false, 0L, 0L, 0L));
  }
}
