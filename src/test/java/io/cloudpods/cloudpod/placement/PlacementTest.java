package io.cloudpods.cloudpod.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private static final long GIB = 1024L * 1024 * 1024;

  private static NodeCandidate node(String name, long memFreeGib, long diskFreeGib, int podsOfSet) {
    return new NodeCandidate(
        name, true, OptionalInt.of(9000), memFreeGib * GIB, 64 * GIB, diskFreeGib * GIB, podsOfSet);
  }

  @Test
  void choose_picksNodeWithMostFreeMemory() {
    var d =
        Placement.choose(
            List.of(
                node("pve", 10, 100, 0), node("pve-02", 30, 100, 0), node("pve-03", 20, 100, 0)),
            2 * GIB,
            8 * GIB);

    assertThat(d.node()).contains("pve-02");
  }

  @Test
  void choose_spreadsPodSetBeforeHeadroom() {
    var d =
        Placement.choose(
            List.of(node("pve", 10, 100, 0), node("pve-02", 30, 100, 2)), 2 * GIB, 8 * GIB);

    assertThat(d.node()).contains("pve");
  }

  @Test
  void choose_skipsOfflineNodesAndNodesWithoutTemplateOrRoom() {
    var offline =
        new NodeCandidate("a", false, OptionalInt.of(9000), 100 * GIB, 128 * GIB, 100 * GIB, 0);
    var noTemplate =
        new NodeCandidate("b", true, OptionalInt.empty(), 100 * GIB, 128 * GIB, 100 * GIB, 0);
    var noMemory = node("c", 1, 100, 0);
    var noDisk = node("d", 100, 4, 0);
    var ok = node("e", 3, 9, 5);

    assertThat(
            Placement.choose(List.of(offline, noTemplate, noMemory, noDisk, ok), 2 * GIB, 8 * GIB)
                .node())
        .contains("e");
  }

  @Test
  void choose_nothingFits_explainsPerNode() {
    var d =
        Placement.choose(
            List.of(node("pve", 1, 100, 0), node("pve-02", 100, 2, 0)), 2 * GIB, 8 * GIB);

    assertThat(d.node()).isEmpty();
    assertThat(d.reason())
        .contains("pve (memory: 1024 MiB free, 2048 MiB needed)")
        .contains("pve-02 (storage: 2 GiB free, 8 GiB needed)");
  }

  @Test
  void choose_tieBrokenByName_isStable() {
    var d =
        Placement.choose(List.of(node("pve-02", 10, 100, 0), node("pve", 10, 100, 0)), GIB, GIB);

    assertThat(d.node()).contains("pve");
  }
}
