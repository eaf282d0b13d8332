package io.cloudpods.cloudpod.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.ClusterResource.GuestType;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.store.OrphanContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphanTrackerTest {

  private static final String A = "6f1c2d3e-0000-4000-8000-00000000000a";
  private static final String B = "6f1c2d3e-0000-4000-8000-00000000000b";
  private static final Duration GRACE = Duration.ofMinutes(2);
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  private final OrphanTracker tracker = new OrphanTracker(GRACE);

  @Test
  void markerContainerOfAStoredPod_isNoCandidate() {
    OrphanTracker.Result r =
        tracker.update(snap(ct(9101, "cloudpods", "cp-" + A, "tenant-acme")), Set.of(A), T0);

    assertThat(r.candidateOwners()).isEmpty();
    assertThat(r.reported()).isEmpty();
  }

  @Test
  void guestsWithoutTheFullMarker_areNeverOrphans() {
    ClusterSnapshot s =
        snap(
            ct(100, "web"),
            ct(101, "cloudpods"), // marker tag without a pod uid
            ct(102, "cp-" + A), // uid tag without the marker tag
            vm(103, "cloudpods", "cp-" + B)); // a QEMU VM is never ours

    assertThat(tracker.update(s, Set.of(), T0).candidateOwners()).isEmpty();
    assertThat(tracker.update(s, Set.of(), T0.plus(GRACE).plusSeconds(1)).reported()).isEmpty();
  }

  @Test
  void unstoredOwner_isACandidateAtOnce_andReportedOnlyAfterTheGrace() {
    ClusterSnapshot s = snap(ct(9102, "cloudpods", "cp-" + B, "tenant-acme", "podset-web"));

    OrphanTracker.Result first = tracker.update(s, Set.of(A), T0);
    OrphanTracker.Result early = tracker.update(s, Set.of(A), T0.plus(GRACE).minusMillis(1));
    OrphanTracker.Result due = tracker.update(s, Set.of(A), T0.plus(GRACE));

    assertThat(first.candidateOwners()).containsExactly(B);
    assertThat(first.reported()).isEmpty();
    assertThat(early.reported()).isEmpty();
    assertThat(due.reported())
        .containsExactly(
            new OrphanContainer(
                "default",
                9102,
                "pve",
                "ct-9102",
                B,
                "running",
                List.of("cloudpods", "cp-" + B, "podset-web", "tenant-acme"),
                T0));
    assertThat(due.reported().get(0).tenant()).contains("acme");
  }

  @Test
  void candidateThatDisappears_isForgotten_andStartsItsGraceAgainWhenSeenLater() {
    ClusterSnapshot with = snap(ct(9103, "cloudpods", "cp-" + B));

    tracker.update(with, Set.of(), T0);
    OrphanTracker.Result gone = tracker.update(snap(), Set.of(), T0.plusSeconds(60));
    Instant seenAgain = T0.plus(GRACE).plusSeconds(1);
    OrphanTracker.Result back = tracker.update(with, Set.of(), seenAgain);

    assertThat(gone.candidateOwners()).isEmpty();
    assertThat(back.reported()).as("grace counts from when it was seen again").isEmpty();
    assertThat(tracker.update(with, Set.of(), seenAgain.plus(GRACE).minusMillis(1)).reported())
        .isEmpty();
    assertThat(tracker.update(with, Set.of(), seenAgain.plus(GRACE)).reported())
        .extracting(OrphanContainer::since)
        .containsExactly(seenAgain);
  }

  @Test
  void podStoredAgain_endsTheReport() {
    ClusterSnapshot s = snap(ct(9104, "cloudpods", "cp-" + B));
    tracker.update(s, Set.of(), T0);
    assertThat(tracker.update(s, Set.of(), T0.plus(GRACE)).reported()).hasSize(1);

    OrphanTracker.Result restored = tracker.update(s, Set.of(B), T0.plus(GRACE).plusSeconds(1));

    assertThat(restored.reported()).isEmpty();
    assertThat(restored.candidateOwners()).isEmpty();
  }

  @Test
  void vmidReusedByAnotherOwner_isANewCandidate() {
    tracker.update(snap(ct(9105, "cloudpods", "cp-" + A)), Set.of(), T0);

    OrphanTracker.Result other =
        tracker.update(snap(ct(9105, "cloudpods", "cp-" + B)), Set.of(), T0.plus(GRACE));

    assertThat(other.candidateOwners()).containsExactly(B);
    assertThat(other.reported()).isEmpty();
  }

  @Test
  void seededOrphans_keepTheirSince_soARestartReportsThemAtOnce() {
    Instant earlier = T0.minus(Duration.ofHours(3));
    tracker.seed(
        List.of(
            new OrphanContainer("default", 9106, "pve", "old", B, "stopped", List.of(), earlier)));

    OrphanTracker.Result r = tracker.update(snap(ct(9106, "cloudpods", "cp-" + B)), Set.of(), T0);

    assertThat(r.reported()).extracting(OrphanContainer::since).containsExactly(earlier);
  }

  @Test
  void reportIsOrderedByVmid() {
    ClusterSnapshot s = snap(ct(9300, "cloudpods", "cp-" + A), ct(9200, "cloudpods", "cp-" + B));
    tracker.update(s, Set.of(), T0);

    assertThat(tracker.update(s, Set.of(), T0.plus(GRACE)).reported())
        .extracting(OrphanContainer::vmid)
        .containsExactly(9200, 9300);
  }

  private static ClusterSnapshot snap(Guest... guests) {
    return ClusterSnapshot.of(T0, Arrays.<ClusterResource>asList(guests));
  }

  private static Guest ct(int vmid, String... tags) {
    return guest(GuestType.LXC, vmid, tags);
  }

  private static Guest vm(int vmid, String... tags) {
    return guest(GuestType.QEMU, vmid, tags);
  }

  private static Guest guest(GuestType type, int vmid, String... tags) {
    return new Guest(
        (type == GuestType.LXC ? "lxc/" : "qemu/") + vmid,
        type,
        vmid,
        "pve",
        PowerState.RUNNING,
        Optional.of("ct-" + vmid),
        false,
        Optional.empty(),
        Optional.empty(),
        List.of(tags),
        0,
        1,
        0,
        512L << 20,
        0,
        8L << 30,
        60);
  }
}
