package io.cloudpods.cloudpod.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.cloudpod.plan.Action.BlockReason;
import io.cloudpods.cloudpod.plan.ObservedContainer.ObservedConfig;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adoption in the planner: a pod with {@code spec.adopt} takes over the container the seed scripts
 * left (no tags, {@code net0 ip=manual}, no nameserver, the address only in the guest) only when it
 * matches, then writes our tags and nothing else; any mismatch blocks with the field named.
 */
class AdoptionPlannerTest {

  static final String SCRIPT_NET0 =
      "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:00:01,ip=manual,type=veth";

  /** The pod the import writes for CT 9101 (cloudpod-9101, 10.1.10.91, Guest network). */
  static DesiredPod adopter() {
    return PlanFixtures.pod()
        .hostname("web-1")
        .adoption(Optional.of(DesiredPod.Adoption.unmarked()))
        .guestNetwork(true)
        .build();
  }

  static ObservedConfig scriptConfig() {
    return new ObservedConfig(
        Optional.of("web-1"),
        Optional.of(2),
        Optional.of(2048),
        Optional.of(512),
        Optional.of(8),
        Optional.of(SCRIPT_NET0),
        Optional.empty(),
        Optional.of("d0"));
  }

  /** A container exactly as cloudpod-create.sh leaves it: running, untagged, pool ClientPods. */
  static ObservedContainer scriptContainer() {
    return new ObservedContainer(
        9101,
        "pve",
        "lxc",
        "running",
        Optional.empty(),
        false,
        Set.of(),
        Optional.of(scriptConfig()),
        Optional.empty(),
        Optional.of("ClientPods"));
  }

  static ObservedContainer with(ObservedContainer o, ObservedConfig c) {
    return new ObservedContainer(
        o.vmid(),
        o.node(),
        o.type(),
        o.status(),
        o.lock(),
        o.template(),
        o.tags(),
        Optional.of(c),
        o.firewall(),
        o.pool());
  }

  static ObservedConfig net0(String net0) {
    ObservedConfig c = scriptConfig();
    return new ObservedConfig(
        c.hostname(),
        c.cores(),
        c.memoryMb(),
        c.swapMb(),
        c.rootfsSizeGb(),
        Optional.of(net0),
        c.nameserver(),
        c.digest());
  }

  private static List<Action> plan(DesiredPod d, ObservedContainer o) {
    return CloudPodPlanner.plan(d, Optional.of(o));
  }

  @Test
  void plan_scriptContainerMatches_writesOnlyOurTags() {
    List<Action> plan = plan(adopter(), scriptContainer());

    assertThat(plan).hasSize(1);
    Action.UpdateConfig u = (Action.UpdateConfig) plan.get(0);
    assertThat(u.set()).containsOnlyKeys("tags");
    assertThat(u.set().get("tags")).isEqualTo(String.join(";", PlanFixtures.ourTags()));
    assertThat(u.delete()).isEmpty();
    assertThat(u.digest()).contains("d0");
    assertThat(u.restartRequired()).isEmpty();
  }

  @Test
  void plan_adoptedGuestNetwork_isConvergedWithManualNet0AndNoNameserver() {
    ObservedContainer adopted =
        new ObservedContainer(
            9101,
            "pve",
            "lxc",
            "running",
            Optional.empty(),
            false,
            PlanFixtures.ourTags(),
            Optional.of(scriptConfig()),
            Optional.of(new ObservedFirewall(java.util.Map.of(), "fw0", Optional.empty())),
            Optional.of("ClientPods"));

    assertThat(plan(adopter(), adopted))
        .as("net0, nameserver and firewall are the guest's: nothing to write")
        .isEmpty();
  }

  @Test
  void plan_adoptedThenSpecDiffers_reconcilesLikeAnyPod() {
    ObservedContainer adopted =
        new ObservedContainer(
            9101,
            "pve",
            "lxc",
            "running",
            Optional.empty(),
            false,
            PlanFixtures.ourTags(),
            Optional.of(scriptConfig()),
            Optional.empty(),
            Optional.of("ClientPods"));

    List<Action> plan = plan(adopter().toBuilder().cores(4).build(), adopted);

    assertThat(plan).hasSize(1);
    assertThat(((Action.UpdateConfig) plan.get(0)).set()).containsOnlyKeys("cores");
  }

  @Test
  void plan_adoptionWithRestartOnlyDifference_waitsForAllowRestart() {
    // the spec wants a nameserver under Managed network with a static address: restart-only
    DesiredPod d = adopter().toBuilder().guestNetwork(false).build();
    ObservedContainer o =
        with(
            scriptContainer(),
            net0(
                "name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:AA:00:01,ip=10.1.10.91/24,type=veth"));

    List<Action> plan = plan(d, o);

    assertThat(plan).hasSize(1);
    Action.UpdateConfig u = (Action.UpdateConfig) plan.get(0);
    assertThat(u.set()).containsOnlyKeys("tags", "nameserver");
    assertThat(u.restartRequired()).containsExactly("nameserver");

    List<Action> allowed = plan(d.toBuilder().allowRestart(true).build(), o);
    assertThat(allowed.get(allowed.size() - 1)).isInstanceOf(Action.Shutdown.class);
  }

  static Stream<Arguments> mismatches() {
    ObservedContainer s = scriptContainer();
    return Stream.of(
        Arguments.of(
            "hostname differs",
            with(
                s,
                new ObservedConfig(
                    Optional.of("other"),
                    Optional.of(2),
                    Optional.of(2048),
                    Optional.of(512),
                    Optional.of(8),
                    Optional.of(SCRIPT_NET0),
                    Optional.empty(),
                    Optional.of("d0"))),
            adopter(),
            "hostname:"),
        Arguments.of(
            "static address differs",
            with(s, net0("name=eth0,bridge=vmbr0,ip=10.1.10.92/24,gw=10.1.10.1")),
            adopter(),
            "spec.ip:"),
        Arguments.of("dhcp", with(s, net0("name=eth0,bridge=vmbr0,ip=dhcp")), adopter(), "net0:"),
        Arguments.of("no address", with(s, net0("name=eth0,bridge=vmbr0")), adopter(), "net0:"),
        Arguments.of(
            "ip=manual under Managed network",
            s,
            adopter().toBuilder().guestNetwork(false).build(),
            "spec.network: Guest"),
        Arguments.of(
            "infrastructure pool",
            s.withPool(Optional.of("MigraTeck_Production")),
            adopter(),
            "pool MigraTeck_Production"),
        Arguments.of(
            "infrastructure VMID",
            new ObservedContainer(
                250,
                "pve",
                "lxc",
                "running",
                Optional.empty(),
                false,
                Set.of(),
                Optional.of(scriptConfig()),
                Optional.empty(),
                Optional.of("ClientPods")),
            adopter().toBuilder().vmid(250).build(),
            "VMIDs 100-499"),
        Arguments.of(
            "another pod's marker",
            new ObservedContainer(
                9101,
                "pve",
                "lxc",
                "running",
                Optional.empty(),
                false,
                Ownership.tagsFor("11111111-2222-3333-4444-555555555555", "acme", Optional.empty()),
                Optional.of(scriptConfig()),
                Optional.empty(),
                Optional.of("ClientPods")),
            adopter(),
            "tags: CT 9101 carries the marker of another CloudPod"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mismatches")
  void plan_adoptionMismatch_blocksNamingTheFieldAndChangesNothing(
      String scenario, ObservedContainer o, DesiredPod d, String expected) {
    List<Action> plan = plan(d, o);

    assertThat(plan).hasSize(1);
    Action.Blocked b = (Action.Blocked) plan.get(0);
    assertThat(b.reason()).isEqualTo(BlockReason.ADOPTION_MISMATCH);
    assertThat(b.message()).contains(expected);
  }

  @Test
  void plan_templateAtVmid_isNotAContainerEvenWhenAdopting() {
    ObservedContainer t =
        new ObservedContainer(
            9101,
            "pve",
            "lxc",
            "stopped",
            Optional.empty(),
            true,
            Set.of(),
            Optional.of(scriptConfig()),
            Optional.empty(),
            Optional.of("ClientPods"));

    Action.Blocked b = (Action.Blocked) plan(adopter(), t).get(0);

    assertThat(b.reason()).isEqualTo(BlockReason.NOT_A_CONTAINER);
  }

  @Test
  void plan_orphanMarkerNamedByTheAdoptingPod_isTakenOver() {
    String orphan = "11111111-2222-3333-4444-555555555555";
    ObservedContainer o =
        new ObservedContainer(
            9101,
            "pve",
            "lxc",
            "running",
            Optional.empty(),
            false,
            Ownership.tagsFor(orphan, "acme", Optional.empty()),
            Optional.of(scriptConfig()),
            Optional.empty(),
            Optional.of("ClientPods"));
    DesiredPod d =
        adopter().toBuilder()
            .adoption(Optional.of(new DesiredPod.Adoption(Optional.of(orphan))))
            .build();

    List<Action> plan = plan(d, o);

    assertThat(plan).hasSize(1);
    assertThat(((Action.UpdateConfig) plan.get(0)).set()).containsOnlyKeys("tags");
  }

  @Test
  void plan_adoptingPodWithoutContainer_neverClones() {
    List<Action> plan = CloudPodPlanner.plan(adopter(), Optional.empty());

    assertThat(plan).singleElement().isInstanceOf(Action.Blocked.class);
    assertThat(((Action.Blocked) plan.get(0)).reason()).isEqualTo(BlockReason.ADOPTION_MISMATCH);
  }

  @Test
  void plan_lockedContainer_waitsBeforeAdopting() {
    ObservedContainer s = scriptContainer();
    ObservedContainer locked =
        new ObservedContainer(
            s.vmid(),
            s.node(),
            s.type(),
            s.status(),
            Optional.of("backup"),
            false,
            s.tags(),
            s.config(),
            s.firewall(),
            s.pool());

    assertThat(plan(adopter(), locked)).singleElement().isInstanceOf(Action.Wait.class);
  }

  @Test
  void plan_podWithoutAdopt_stillNeverTouchesAScriptContainer() {
    DesiredPod plain = adopter().toBuilder().adoption(Optional.empty()).build();

    Action.Blocked b = (Action.Blocked) plan(plain, scriptContainer()).get(0);

    assertThat(b.reason()).isEqualTo(BlockReason.FOREIGN_CONTAINER);
  }

  // --- Guest -> Managed ----------------------------------------------------------------------

  static ObservedContainer adoptedRunning() {
    return new ObservedContainer(
        9101,
        "pve",
        "lxc",
        "running",
        Optional.empty(),
        false,
        PlanFixtures.ourTags(),
        Optional.of(scriptConfig()),
        Optional.empty(),
        Optional.of("ClientPods"));
  }

  @Test
  void plan_switchToManagedWhileRunningWithoutAllowRestart_writesNothingAndSaysSo() {
    DesiredPod managed = adopter().toBuilder().guestNetwork(false).build();

    List<Action> plan = plan(managed, adoptedRunning());

    assertThat(plan).singleElement().isInstanceOf(Action.Blocked.class);
    Action.Blocked b = (Action.Blocked) plan.get(0);
    assertThat(b.reason()).isEqualTo(BlockReason.NETWORK_SWITCH_AT_RESTART);
    assertThat(b.message()).contains("next restart").contains("allowRestart");
  }

  @Test
  void plan_switchToManagedWhileRunningWithAllowRestart_shutsDownFirst() {
    DesiredPod managed = adopter().toBuilder().guestNetwork(false).allowRestart(true).build();

    List<Action> plan = plan(managed, adoptedRunning());

    assertThat(plan).hasSize(2);
    assertThat(plan.get(0)).isInstanceOf(Action.Blocked.class);
    assertThat(plan.get(1)).isEqualTo(new Action.Shutdown("pve", 9101, 60, true));
  }

  @Test
  void plan_switchToManagedWhileStopped_writesNet0AndNameserverThenStarts() {
    DesiredPod managed = adopter().toBuilder().guestNetwork(false).allowRestart(true).build();
    ObservedContainer stopped = PlanFixtures.withStatus(adoptedRunning(), "stopped");

    List<Action> plan = plan(managed, stopped);

    Action.UpdateConfig u = (Action.UpdateConfig) plan.get(0);
    assertThat(u.set()).containsOnlyKeys("net0", "nameserver");
    assertThat(u.set().get("net0")).contains("ip=10.1.10.91/24").contains("firewall=1");
    assertThat(plan.get(plan.size() - 1)).isEqualTo(new Action.Start("pve", 9101));
  }
}
