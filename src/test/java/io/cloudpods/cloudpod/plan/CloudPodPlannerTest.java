package io.cloudpods.cloudpod.plan;

import static io.cloudpods.cloudpod.plan.PlanFixtures.desired;
import static io.cloudpods.cloudpod.plan.PlanFixtures.matchingConfig;
import static io.cloudpods.cloudpod.plan.PlanFixtures.pod;
import static io.cloudpods.cloudpod.plan.PlanFixtures.running;
import static io.cloudpods.cloudpod.plan.PlanFixtures.withConfig;
import static io.cloudpods.cloudpod.plan.PlanFixtures.withFirewall;
import static io.cloudpods.cloudpod.plan.PlanFixtures.withLock;
import static io.cloudpods.cloudpod.plan.PlanFixtures.withStatus;
import static io.cloudpods.cloudpod.plan.PlanFixtures.withTags;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.cloudpod.plan.Action.BlockReason;
import io.cloudpods.cloudpod.plan.Action.WaitReason;
import io.cloudpods.cloudpod.plan.ObservedContainer.ObservedConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CloudPodPlannerTest {

  private static List<Action> plan(DesiredPod d, ObservedContainer o) {
    return CloudPodPlanner.plan(d, Optional.of(o));
  }

  private static ObservedConfig config(ConfigEdit edit) {
    return edit.apply(matchingConfig());
  }

  private interface ConfigEdit {
    ObservedConfig apply(ObservedConfig c);
  }

  // --- creation -------------------------------------------------------------------------------

  @Test
  void plan_containerMissing_clonesFullWithStorageAndMarker() {
    List<Action> plan = CloudPodPlanner.plan(desired(), Optional.empty());

    assertThat(plan).hasSize(1);
    Action.CloneContainer clone = (Action.CloneContainer) plan.get(0);
    assertThat(clone.node()).isEqualTo("pve");
    assertThat(clone.sourceVmid()).isEqualTo(9000);
    assertThat(clone.newVmid()).isEqualTo(9101);
    assertThat(clone.hostname()).isEqualTo("web-1");
    assertThat(clone.pool()).isEqualTo("ClientPods");
    assertThat(clone.full()).isTrue();
    assertThat(clone.storage()).contains("clients-main");
    assertThat(clone.description()).contains(PlanFixtures.UID).contains("acme/web-1");
  }

  @Test
  void plan_containerMissingLinkedClone_sendsNoStorage() {
    Action.CloneContainer clone =
        (Action.CloneContainer)
            CloudPodPlanner.plan(pod().fullClone(false).build(), Optional.empty()).get(0);

    assertThat(clone.full()).isFalse();
    assertThat(clone.storage()).isEmpty();
  }

  @Test
  void plan_freshCloneStoppedWithTemplateConfig_configuresThenStarts() {
    ObservedContainer fresh =
        withTags(
            withConfig(
                withStatus(running(), "stopped"),
                config(
                    c ->
                        new ObservedConfig(
                            Optional.of("web-1"),
                            Optional.of(2),
                            Optional.of(2048),
                            Optional.of(512),
                            Optional.of(8),
                            Optional.of(
                                "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=manual,type=veth"),
                            Optional.empty(),
                            Optional.of("d1")))),
            PlanFixtures.ourTags());

    List<Action> plan = plan(desired(), fresh);

    assertThat(plan).hasSize(2);
    Action.UpdateConfig update = (Action.UpdateConfig) plan.get(0);
    assertThat(update.set())
        .containsOnlyKeys("net0", "nameserver")
        .containsEntry("nameserver", "1.1.1.1 8.8.8.8")
        .containsEntry(
            "net0",
            "name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:00:00:01,ip=10.1.10.91/24,type=veth");
    assertThat(update.digest()).contains("d1");
    assertThat(update.restartRequired()).as("stopped: applies at start").isEmpty();
    assertThat(plan.get(1)).isEqualTo(new Action.Start("pve", 9101));
  }

  // --- converged ------------------------------------------------------------------------------

  @Test
  void plan_everythingMatches_isEmpty() {
    assertThat(plan(desired(), running())).isEmpty();
  }

  @Test
  void plan_matchingWithoutConfig_isEmpty() {
    assertThat(plan(desired(), withConfig(running(), Optional.empty()))).isEmpty();
  }

  @Test
  void plan_net0WithExtraKeysButSameAddress_isConverged() {
    ObservedContainer o =
        withConfig(
            running(),
            config(
                c ->
                    new ObservedConfig(
                        c.hostname(),
                        c.cores(),
                        c.memoryMb(),
                        c.swapMb(),
                        c.rootfsSizeGb(),
                        Optional.of(
                            "name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:5E:7A:01,ip=10.1.10.91/24,mtu=1400,tag=20,type=veth"),
                        c.nameserver(),
                        c.digest())));

    assertThat(plan(desired(), o)).isEmpty();
  }

  // --- drift ----------------------------------------------------------------------------------

  @Test
  void plan_coresChangedByHand_setsOnlyCores() {
    ObservedContainer o =
        withConfig(
            running(),
            config(
                c ->
                    new ObservedConfig(
                        c.hostname(),
                        Optional.of(8),
                        c.memoryMb(),
                        c.swapMb(),
                        c.rootfsSizeGb(),
                        c.net0(),
                        c.nameserver(),
                        c.digest())));

    List<Action> plan = plan(desired(), o);

    assertThat(plan).hasSize(1);
    Action.UpdateConfig u = (Action.UpdateConfig) plan.get(0);
    assertThat(u.set()).isEqualTo(Map.of("cores", "2"));
    assertThat(u.restartRequired()).isEmpty();
  }

  @Test
  void plan_specResized_setsCoresMemorySwapAndGrowsDisk() {
    DesiredPod d = pod().cores(4).memoryMb(4096).swapMb(1024).diskGb(20).build();

    List<Action> plan = plan(d, running());

    assertThat(plan).hasSize(2);
    assertThat(((Action.UpdateConfig) plan.get(0)).set())
        .isEqualTo(Map.of("cores", "4", "memory", "4096", "swap", "1024"));
    assertThat(plan.get(1)).isEqualTo(new Action.ResizeDisk("pve", 9101, "rootfs", 20));
  }

  @Test
  void plan_specAsksSmallerDisk_reportsRefusalAndNeverShrinks() {
    List<Action> plan = plan(pod().diskGb(4).build(), running());

    assertThat(plan).hasSize(1);
    Action.Blocked blocked = (Action.Blocked) plan.get(0);
    assertThat(blocked.reason()).isEqualTo(BlockReason.DISK_SHRINK_REFUSED);
    assertThat(blocked.message()).contains("8 GiB").contains("4 GiB");
  }

  @Test
  void plan_ipChangedByHand_restoresNet0KeepingMac() {
    ObservedContainer o =
        withConfig(
            running(),
            config(
                c ->
                    new ObservedConfig(
                        c.hostname(),
                        c.cores(),
                        c.memoryMb(),
                        c.swapMb(),
                        c.rootfsSizeGb(),
                        Optional.of(
                            "name=eth0,bridge=vmbr0,gw=10.1.10.1,hwaddr=BC:24:11:5E:7A:01,ip=10.1.10.200/24,type=veth"),
                        c.nameserver(),
                        c.digest())));

    Action.UpdateConfig u = (Action.UpdateConfig) plan(desired(), o).get(0);

    assertThat(u.set())
        .isEqualTo(
            Map.of(
                "net0",
                "name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:5E:7A:01,ip=10.1.10.91/24,type=veth"));
  }

  @Test
  void plan_hostnameChangedOnRunningContainer_updatesAndReportsRestartRequired() {
    ObservedContainer o =
        withConfig(
            running(),
            config(
                c ->
                    new ObservedConfig(
                        Optional.of("renamed"),
                        c.cores(),
                        c.memoryMb(),
                        c.swapMb(),
                        c.rootfsSizeGb(),
                        c.net0(),
                        c.nameserver(),
                        c.digest())));

    List<Action> plan = plan(desired(), o);

    assertThat(plan).hasSize(1);
    Action.UpdateConfig u = (Action.UpdateConfig) plan.get(0);
    assertThat(u.set()).isEqualTo(Map.of("hostname", "web-1"));
    assertThat(u.restartRequired()).containsExactly("hostname");
  }

  @Test
  void plan_restartRequiredAndRestartsAllowed_updatesThenShutsDown() {
    ObservedContainer o =
        withConfig(
            running(),
            config(
                c ->
                    new ObservedConfig(
                        Optional.of("renamed"),
                        c.cores(),
                        c.memoryMb(),
                        c.swapMb(),
                        c.rootfsSizeGb(),
                        c.net0(),
                        Optional.of("9.9.9.9"),
                        c.digest())));

    List<Action> plan = plan(pod().allowRestart(true).build(), o);

    assertThat(plan).hasSize(2);
    assertThat(((Action.UpdateConfig) plan.get(0)).restartRequired())
        .containsExactly("hostname", "nameserver");
    assertThat(plan.get(1)).isEqualTo(new Action.Shutdown("pve", 9101, 60, true));
  }

  @Test
  void plan_restartPendingFromEarlierPassAndRestartsAllowed_shutsDown() {
    assertThat(plan(pod().allowRestart(true).restartPending(true).build(), running()))
        .containsExactly(new Action.Shutdown("pve", 9101, 60, true));
  }

  @Test
  void plan_restartPendingButRestartsNotAllowed_doesNothing() {
    assertThat(plan(pod().restartPending(true).build(), running())).isEmpty();
  }

  @Test
  void plan_tagsEditedByHandKeepingMarker_restoresExactTags() {
    Set<String> tags = new java.util.TreeSet<>(PlanFixtures.ourTags());
    tags.add("hand-made");
    tags.remove("tenant-acme");

    Action.UpdateConfig u = (Action.UpdateConfig) plan(desired(), withTags(running(), tags)).get(0);

    assertThat(u.set()).containsOnlyKeys("tags");
    assertThat(u.set().get("tags").split(";"))
        .containsExactlyInAnyOrder("cloudpods", "cp-" + PlanFixtures.UID, "tenant-acme");
  }

  @Test
  void plan_podOfPodSet_tagsCarryPodSet() {
    Action.UpdateConfig u =
        (Action.UpdateConfig) plan(pod().podSet(Optional.of("web")).build(), running()).get(0);

    assertThat(u.set().get("tags")).contains("podset-web");
  }

  @Test
  void plan_stoppedByHand_startsAgain() {
    assertThat(plan(desired(), withStatus(running(), "stopped")))
        .containsExactly(new Action.Start("pve", 9101));
  }

  @Test
  void plan_desiredStoppedButRunning_shutsDownGracefully() {
    assertThat(plan(pod().running(false).build(), running()))
        .containsExactly(new Action.Shutdown("pve", 9101, 60, true));
  }

  @Test
  void plan_desiredStoppedAndShutdownAlreadyFailed_stopsHard() {
    assertThat(plan(pod().running(false).forceStopNext(true).build(), running()))
        .containsExactly(new Action.Stop("pve", 9101));
  }

  @Test
  void plan_desiredStoppedAndStopped_isEmpty() {
    assertThat(plan(pod().running(false).build(), withStatus(running(), "stopped"))).isEmpty();
  }

  @Test
  void plan_statusUnknownFromLaggingList_waitsForPower() {
    List<Action> plan =
        plan(desired(), withConfig(withStatus(running(), "unknown"), Optional.empty()));

    assertThat(plan).hasSize(1);
    assertThat(((Action.Wait) plan.get(0)).reason()).isEqualTo(WaitReason.STATE_UNKNOWN);
  }

  // --- safety ---------------------------------------------------------------------------------

  @Test
  void plan_containerWithoutMarkerAtOurVmid_isBlockedAndUntouched() {
    ObservedContainer foreign = withTags(withStatus(running(), "stopped"), Set.of("web"));

    List<Action> plan = plan(pod().cores(8).build(), foreign);

    assertThat(plan).hasSize(1);
    Action.Blocked b = (Action.Blocked) plan.get(0);
    assertThat(b.reason()).isEqualTo(BlockReason.FOREIGN_CONTAINER);
    assertThat(b.message()).contains("9101").contains("without the CloudPods marker");
  }

  @Test
  void plan_freshCloneWithoutTagsButOurDescription_isOursAndGetsTags() {
    ObservedConfig withDescription =
        new ObservedConfig(
            Optional.of("web-1"),
            Optional.of(2),
            Optional.of(2048),
            Optional.of(512),
            Optional.of(8),
            matchingConfig().net0(),
            matchingConfig().nameserver(),
            Optional.of("d"),
            Optional.of(Ownership.description(PlanFixtures.UID, "acme", "web-1") + "\n"));
    ObservedContainer fresh =
        withConfig(withTags(withStatus(running(), "stopped"), Set.of()), withDescription);

    List<Action> plan = plan(desired(), fresh);

    assertThat(plan).hasSize(2);
    assertThat(((Action.UpdateConfig) plan.get(0)).set()).containsOnlyKeys("tags");
    assertThat(plan.get(1)).isEqualTo(new Action.Start("pve", 9101));
  }

  @Test
  void plan_descriptionOfAnotherPod_isForeign() {
    ObservedConfig other =
        new ObservedConfig(
            Optional.of("web-1"),
            Optional.of(2),
            Optional.of(2048),
            Optional.of(512),
            Optional.of(8),
            matchingConfig().net0(),
            matchingConfig().nameserver(),
            Optional.of("d"),
            Optional.of(
                Ownership.description("00000000-0000-0000-0000-000000000009", "acme", "web-1")));
    ObservedContainer o = withConfig(withTags(running(), Set.of()), other);

    assertThat(((Action.Blocked) plan(desired(), o).get(0)).reason())
        .isEqualTo(BlockReason.FOREIGN_CONTAINER);
  }

  @Test
  void plan_containerOfAnotherPodAtOurVmid_isBlocked() {
    ObservedContainer other =
        withTags(
            running(),
            Ownership.tagsFor("00000000-0000-0000-0000-000000000001", "acme", Optional.empty()));

    Action.Blocked b = (Action.Blocked) plan(desired(), other).get(0);

    assertThat(b.reason()).isEqualTo(BlockReason.FOREIGN_CONTAINER);
    assertThat(b.message()).contains("another CloudPod");
  }

  @Test
  void plan_onlyManagedTagWithoutOurUid_isForeign() {
    ObservedContainer o = withTags(running(), Set.of("cloudpods"));

    assertThat(((Action.Blocked) plan(desired(), o).get(0)).reason())
        .isEqualTo(BlockReason.FOREIGN_CONTAINER);
  }

  @Test
  void plan_vmidHoldsATemplate_isBlocked() {
    ObservedContainer t =
        new ObservedContainer(
            9101,
            "pve",
            "lxc",
            "stopped",
            Optional.empty(),
            true,
            PlanFixtures.ourTags(),
            Optional.empty());

    assertThat(((Action.Blocked) plan(desired(), t).get(0)).reason())
        .isEqualTo(BlockReason.NOT_A_CONTAINER);
  }

  @Test
  void plan_vmidHoldsAVm_isBlocked() {
    ObservedContainer vm =
        new ObservedContainer(
            9101, "pve", "qemu", "running", Optional.empty(), false, Set.of(), Optional.empty());

    assertThat(((Action.Blocked) plan(desired(), vm).get(0)).reason())
        .isEqualTo(BlockReason.NOT_A_CONTAINER);
  }

  @Test
  void plan_locked_waitsAndChangesNothing() {
    List<Action> plan = plan(pod().cores(8).build(), withLock(running(), "backup"));

    assertThat(plan).hasSize(1);
    Action.Wait w = (Action.Wait) plan.get(0);
    assertThat(w.reason()).isEqualTo(WaitReason.LOCKED);
    assertThat(w.message()).isEqualTo("CT 9101 is locked (backup)");
  }

  // --- deletion -------------------------------------------------------------------------------

  @Test
  void plan_deletingRunning_shutsDownGracefullyFirst() {
    assertThat(plan(pod().deleting(true).build(), running()))
        .containsExactly(new Action.Shutdown("pve", 9101, 60, true));
  }

  @Test
  void plan_deletingAfterFailedShutdown_stopsHard() {
    assertThat(plan(pod().deleting(true).forceStopNext(true).build(), running()))
        .containsExactly(new Action.Stop("pve", 9101));
  }

  @Test
  void plan_deletingStopped_destroys() {
    assertThat(plan(pod().deleting(true).build(), withStatus(running(), "stopped")))
        .containsExactly(new Action.Destroy("pve", 9101));
  }

  @Test
  void plan_deletingAndGone_isEmpty() {
    assertThat(CloudPodPlanner.plan(pod().deleting(true).build(), Optional.empty())).isEmpty();
  }

  @Test
  void plan_deletingButVmidHoldsForeignContainer_neverTouchesIt() {
    assertThat(plan(pod().deleting(true).build(), withTags(running(), Set.of("prod")))).isEmpty();
  }

  @Test
  void plan_deletingWhileLocked_waits() {
    assertThat(plan(pod().deleting(true).build(), withLock(running(), "destroyed")))
        .singleElement()
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void cloneAction_linkedWithStorage_isRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new Action.CloneContainer(
                    "pve", 9000, 9101, "x", "ClientPods", false, Optional.of("clients-main"), "d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("full clones");
  }

  // --- network isolation ------------------------------------------------------------------------

  private static ObservedContainer withNet0(ObservedContainer o, String net0) {
    return withConfig(
        o,
        config(
            c ->
                new ObservedConfig(
                    c.hostname(),
                    c.cores(),
                    c.memoryMb(),
                    c.swapMb(),
                    c.rootfsSizeGb(),
                    Optional.of(net0),
                    c.nameserver(),
                    c.digest())));
  }

  private static ObservedFirewall firewall(
      Map<String, String> options, Optional<Map<String, Boolean>> ipfilter) {
    return new ObservedFirewall(options, "fwdigest", ipfilter);
  }

  private static final Map<String, String> ENABLED =
      Map.of("enable", "1", "ipfilter", "1", "policy_in", "ACCEPT");

  @Test
  void plan_runningPodWithoutNet0Firewall_setsItLiveKeepingVlanRateAndMtu() {
    ObservedContainer o =
        withNet0(
            running(),
            "name=eth0,bridge=vmbr0,gw=10.1.10.1,hwaddr=BC:24:11:5E:7A:01,ip=10.1.10.91/24,mtu=1400,rate=12.5,tag=20,type=veth");

    List<Action> plan = plan(desired(), o);

    assertThat(plan).hasSize(1);
    Action.UpdateConfig u = (Action.UpdateConfig) plan.get(0);
    assertThat(u.set())
        .isEqualTo(
            Map.of(
                "net0",
                "name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:5E:7A:01,ip=10.1.10.91/24,mtu=1400,rate=12.5,tag=20,type=veth"));
    assertThat(u.restartRequired()).as("net0 is hot-plugged").isEmpty();
  }

  @Test
  void plan_freshCloneWithoutFirewall_filtersBeforeTheFirstStart() {
    ObservedContainer fresh =
        withFirewall(
            withStatus(running(), "stopped"), Optional.of(firewall(Map.of(), Optional.empty())));

    assertThat(plan(desired(), fresh))
        .containsExactly(
            new Action.CreateIpSet("pve", 9101, "ipfilter-net0"),
            new Action.AddIpSetEntry("pve", 9101, "ipfilter-net0", "10.1.10.91"),
            new Action.UpdateFirewallOptions("pve", 9101, ENABLED, Optional.of("fwdigest")),
            new Action.Start("pve", 9101));
  }

  /** One drift of the firewall, and the actions that put it back. */
  record FirewallRow(
      String drift,
      Map<String, String> options,
      Optional<Map<String, Boolean>> ipfilter,
      List<Action> expected) {
    @Override
    public String toString() {
      return drift;
    }
  }

  static List<FirewallRow> firewallRows() {
    String set = "ipfilter-net0";
    return List.of(
        new FirewallRow(
            "firewall disabled by hand",
            Map.of("enable", "0", "ipfilter", "1", "policy_in", "ACCEPT"),
            Optional.of(Map.of("10.1.10.91", false)),
            List.of(
                new Action.UpdateFirewallOptions(
                    "pve", 9101, Map.of("enable", "1"), Optional.of("fwdigest")))),
        new FirewallRow(
            "ipfilter option deleted by hand",
            Map.of("enable", "1", "policy_in", "ACCEPT"),
            Optional.of(Map.of("10.1.10.91", false)),
            List.of(
                new Action.UpdateFirewallOptions(
                    "pve", 9101, Map.of("ipfilter", "1"), Optional.of("fwdigest")))),
        new FirewallRow(
            "a neighbour's address added to the set",
            ENABLED,
            Optional.of(Map.of("10.1.10.91", false, "10.1.10.92", false)),
            List.of(new Action.RemoveIpSetEntry("pve", 9101, set, "10.1.10.92"))),
        new FirewallRow(
            "the set inherited from the template with its address",
            ENABLED,
            Optional.of(Map.of("10.1.10.20", false, "10.1.0.0/16", false)),
            List.of(
                new Action.AddIpSetEntry("pve", 9101, set, "10.1.10.91"),
                new Action.RemoveIpSetEntry("pve", 9101, set, "10.1.0.0/16"),
                new Action.RemoveIpSetEntry("pve", 9101, set, "10.1.10.20"))),
        new FirewallRow(
            "the pod's address turned into a nomatch entry",
            ENABLED,
            Optional.of(Map.of("10.1.10.91", true)),
            List.of(
                new Action.RemoveIpSetEntry("pve", 9101, set, "10.1.10.91"),
                new Action.AddIpSetEntry("pve", 9101, set, "10.1.10.91"))),
        new FirewallRow(
            "the set deleted by hand",
            ENABLED,
            Optional.empty(),
            List.of(
                new Action.CreateIpSet("pve", 9101, set),
                new Action.AddIpSetEntry("pve", 9101, set, "10.1.10.91"))),
        new FirewallRow(
            "policies and log levels set by an operator are not ours",
            Map.of("enable", "1", "ipfilter", "1", "policy_in", "ACCEPT", "log_level_in", "info"),
            Optional.of(Map.of("10.1.10.91", false)),
            List.of()));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("firewallRows")
  void plan_firewallDrift_isPutBackWithoutRestart(FirewallRow row) {
    ObservedContainer o =
        withFirewall(running(), Optional.of(firewall(row.options(), row.ipfilter())));

    assertThat(plan(desired(), o)).isEqualTo(row.expected());
  }

  @Test
  void plan_firewallNotRead_plansNoFirewallChange() {
    assertThat(plan(desired(), withFirewall(running(), Optional.empty()))).isEmpty();
  }

  @Test
  void plan_foreignContainerWithOpenFirewall_isBlockedAndItsFirewallUntouched() {
    ObservedContainer foreign =
        withFirewall(
            withTags(running(), Set.of("infra")),
            Optional.of(firewall(Map.of(), Optional.empty())));

    assertThat(plan(desired(), foreign))
        .singleElement()
        .isInstanceOfSatisfying(
            Action.Blocked.class,
            b -> assertThat(b.reason()).isEqualTo(BlockReason.FOREIGN_CONTAINER));
  }

  @Test
  void plan_deletingPodWithOpenFirewall_onlyShutsDown() {
    ObservedContainer o =
        withFirewall(running(), Optional.of(firewall(Map.of(), Optional.empty())));

    assertThat(plan(pod().deleting(true).build(), o))
        .containsExactly(new Action.Shutdown("pve", 9101, 60, true));
  }
}
