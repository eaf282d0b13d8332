package io.cloudpods.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultZonesTest {

  @Test
  void configuredZones_becomeTheDefaultClustersZones_inNameOrder() {
    assertThat(
            DefaultCluster.zones(
                Map.of("east-b", List.of("pve-03"), "east-a", List.of("pve", " pve-02"))))
        .containsExactly(
            new ProxmoxClusterSpec.Zone("east-a", List.of("pve", "pve-02")),
            new ProxmoxClusterSpec.Zone("east-b", List.of("pve-03")));
  }

  @Test
  void noZonesConfigured_isNoZones() {
    assertThat(DefaultCluster.zones(Map.of())).isNull();
  }

  @Test
  void aNodeInTwoZones_orAZoneWithoutNodes_orABadName_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> DefaultCluster.zones(Map.of("a", List.of("pve"), "b", List.of("pve"))))
        .hasMessage("cloudpods.zones.b: node pve is already in zone a");
    assertThatThrownBy(() -> DefaultCluster.zones(Map.of("a", List.of(" "))))
        .hasMessage("cloudpods.zones.a: a zone needs at least one node");
    assertThatThrownBy(() -> DefaultCluster.zones(Map.of("East", List.of("pve"))))
        .hasMessageStartingWith("cloudpods.zones.East:");
  }
}
