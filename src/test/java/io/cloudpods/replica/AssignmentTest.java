package io.cloudpods.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the clusters are dealt out to the live replicas. */
class AssignmentTest {

  @Test
  void clusters_areDealtInNameOrder_overTheReplicasInJoinOrder() {
    Map<String, String> a =
        Assignment.of(List.of("west", "default", "east", "north"), List.of("B", "A"));

    assertThat(a)
        .containsExactly(
            Map.entry("default", "B"),
            Map.entry("east", "A"),
            Map.entry("north", "B"),
            Map.entry("west", "A"));
  }

  @Test
  void theOrderTheClustersAreListedIn_doesNotMatter() {
    assertThat(Assignment.of(List.of("west", "default", "east"), List.of("A", "B")))
        .isEqualTo(Assignment.of(List.of("east", "default", "west"), List.of("A", "B")));
  }

  @Test
  void aReplicaJoiningLast_changesNothing_whileThereAreAsManyReplicasAsClusters() {
    List<String> clusters = List.of("west", "default");

    Map<String, String> before = Assignment.of(clusters, List.of("A", "B"));
    Map<String, String> after = Assignment.of(clusters, List.of("A", "B", "C"));

    assertThat(after)
        .isEqualTo(before)
        .containsOnly(Map.entry("default", "A"), Map.entry("west", "B"));
    assertThat(after).doesNotContainValue("C");
  }

  @Test
  void aReplicaLeaving_movesWhatItHeldAndWhatComesAfter_only() {
    List<String> clusters = List.of("a", "b", "c");

    Map<String, String> before = Assignment.of(clusters, List.of("A", "B", "C"));
    Map<String, String> after = Assignment.of(clusters, List.of("A", "C"));

    assertThat(before).containsEntry("a", "A").containsEntry("b", "B").containsEntry("c", "C");
    assertThat(after).containsEntry("a", "A").containsEntry("b", "C").containsEntry("c", "A");
  }

  @Test
  void oneReplica_getsEveryCluster() {
    assertThat(Assignment.of(List.of("west", "default", "east"), List.of("A")))
        .containsOnly(Map.entry("default", "A"), Map.entry("east", "A"), Map.entry("west", "A"));
  }

  @Test
  void noLiveReplica_assignsNothing() {
    assertThat(Assignment.of(List.of("default", "west"), List.of())).isEmpty();
  }

  @Test
  void noCluster_assignsNothing() {
    assertThat(Assignment.of(List.of(), List.of("A", "B"))).isEmpty();
  }

  @Test
  void aClusterListedTwice_isAssignedOnce() {
    assertThat(Assignment.of(List.of("default", "default", "west"), List.of("A", "B")))
        .containsOnly(Map.entry("default", "A"), Map.entry("west", "B"));
  }
}
