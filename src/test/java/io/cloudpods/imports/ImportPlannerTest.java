package io.cloudpods.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.imports.ImportPlan.Decision;
import io.cloudpods.imports.ImportPlan.Verdict;
import io.cloudpods.imports.ImportPlanner.StoredPod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The import decision per container, table-tested. */
class ImportPlannerTest {

  static final String MANUAL =
      "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=manual,type=veth";

  static final IpPoolSpec POOL =
      new IpPoolSpec(
          "10.1.10.0/24",
          "10.1.10.1",
          "10.1.10.50",
          "10.1.10.250",
          "vmbr0",
          List.of("1.1.1.1", "8.8.8.8"),
          List.of());

  /** A container as cloudpod-create.sh leaves it. */
  static ClusterGuest script(int vmid, String host) {
    return new ClusterGuest(
        vmid,
        "lxc",
        "pve",
        false,
        "ClientPods",
        Set.of(),
        host,
        MANUAL,
        2,
        2048,
        512,
        8,
        "d",
        "running");
  }

  static LogPod created(int vmid, String host, String ip, String tenant) {
    return new LogPod(vmid, host, ip, tenant, 2, 2048, LogPod.State.CREATED, vmid);
  }

  static final class World {
    final List<IpamFile.Entry> ipam = new ArrayList<>();
    final Map<Integer, LogPod> log = new LinkedHashMap<>();
    final List<ClusterGuest> guests = new ArrayList<>();
    final Map<String, IpPoolSpec> pools = new LinkedHashMap<>(Map.of("default", POOL));
    Set<String> tenants = Set.of();
    final List<StoredPod> pods = new ArrayList<>();
    Optional<String> tenantDefault = Optional.empty();

    World ipam(String... ips) {
      for (String ip : ips) {
        ipam.add(new IpamFile.Entry(ip, ipam.size() + 1));
      }
      return this;
    }

    World pod(int vmid, String host, String ip, String tenant) {
      log.put(vmid, created(vmid, host, ip, tenant));
      guests.add(script(vmid, host));
      ipam(ip);
      return this;
    }

    World log(LogPod p) {
      log.put(p.vmid(), p);
      return this;
    }

    World guest(ClusterGuest g) {
      guests.removeIf(x -> x.vmid() == g.vmid());
      guests.add(g);
      return this;
    }

    ImportPlan plan() {
      return ImportPlanner.plan(
          new ImportPlanner.Input(
              new IpamFile.Contents(ipam, List.of()),
              log,
              guests,
              pools,
              tenants,
              pods,
              tenantDefault,
              ImportPlanner.Rules.seed()));
    }

    Decision decision(int vmid) {
      return plan().containers().stream().filter(d -> d.vmid() == vmid).findFirst().orElseThrow();
    }
  }

  @Test
  void plan_scriptPod_isAdoptedWithTheContainersOwnSizeAndTheLogsAddress() {
    World w = new World().pod(9101, "cloudpod-9101", "10.1.10.91", "acme");

    Decision d = w.decision(9101);

    assertThat(d.verdict()).isEqualTo(Verdict.ADOPT);
    assertThat(d.reason()).isEqualTo("adopt as CloudPod cloudpod-9101 of tenant acme");
    assertThat(d.name()).isEqualTo("cloudpod-9101");
    assertThat(d.tenant()).isEqualTo("acme");
    assertThat(d.ip()).isEqualTo("10.1.10.91");
    assertThat(d.ipPool()).isEqualTo("default");
    assertThat(d.node()).isEqualTo("pve");
    assertThat(d.size()).isEqualTo(new ImportPlan.Size(2, 2048, 512, 8));
    assertThat(d.notes()).isEmpty();
  }

  static ClusterGuest edit(ClusterGuest g, String field, Object value) {
    return new ClusterGuest(
        g.vmid(),
        field.equals("type") ? (String) value : g.type(),
        field.equals("node") ? (String) value : g.node(),
        field.equals("template") ? (Boolean) value : g.template(),
        field.equals("pool") ? (String) value : g.pool(),
        field.equals("tags") ? (Set<String>) value : g.tags(),
        field.equals("hostname") ? (String) value : g.hostname(),
        field.equals("net0") ? (String) value : g.net0(),
        field.equals("cores") ? (Integer) value : g.cores(),
        g.memoryMb(),
        g.swapMb(),
        g.diskGb(),
        g.digest(),
        g.status());
  }

  static Stream<Arguments> skips() {
    ClusterGuest g = script(9101, "cloudpod-9101");
    return Stream.of(
        Arguments.of("template", edit(g, "template", true), "template"),
        Arguments.of(
            "infra pool",
            edit(g, "pool", "MigraTeck_Production"),
            "infrastructure: pool MigraTeck_Production"),
        Arguments.of("a VM", edit(g, "type", "qemu"), "a qemu guest, not a container"),
        Arguments.of(
            "ours",
            edit(g, "tags", Set.of("cloudpods", "cp-6f1c2a9e-3b7d-4c1e-9a2f-0d5e8b7c6a41")),
            "already ours: carries the CloudPods marker"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("skips")
  void plan_guestThatIsNotTheScripts_isSkipped(String scenario, ClusterGuest g, String reason) {
    World w = new World().pod(9101, "cloudpod-9101", "10.1.10.91", "acme").guest(g);

    Decision d = w.decision(9101);

    assertThat(d.verdict()).isEqualTo(Verdict.SKIP);
    assertThat(d.reason()).isEqualTo(reason);
  }

  @Test
  void plan_infraVmidRange_isSkippedEvenWithALogRecord() {
    World w = new World();
    w.log(created(150, "cloudpod-150", "10.1.10.60", "acme"));
    w.guest(script(150, "cloudpod-150"));

    assertThat(w.decision(150).verdict()).isEqualTo(Verdict.SKIP);
    assertThat(w.decision(150).reason()).isEqualTo("infrastructure: VMID in 100-499");
  }

  @Test
  void plan_containerNotInTheLog_isSkippedAsNotTheScripts() {
    World w = new World().guest(script(9200, "handmade"));

    assertThat(w.decision(9200).verdict()).isEqualTo(Verdict.SKIP);
    assertThat(w.decision(9200).reason()).contains("not in the seed log");
  }

  static Stream<Arguments> conflicts() {
    return Stream.of(
        Arguments.of(
            "hostname differs from the log",
            (java.util.function.Consumer<World>)
                w -> w.guest(edit(script(9101, "x"), "hostname", "renamed")),
            "hostname: the log says 'cloudpod-9101' (line 9101), the container has 'renamed'"),
        Arguments.of(
            "hostname not a valid name",
            (java.util.function.Consumer<World>)
                w -> {
                  w.log(created(9101, "Web_1", "10.1.10.91", "acme"));
                  w.guest(script(9101, "Web_1"));
                },
            "hostname 'Web_1' is not a valid object name"),
        Arguments.of(
            "tenant unknown",
            (java.util.function.Consumer<World>)
                w -> w.log(created(9101, "cloudpod-9101", "10.1.10.91", "unknown")),
            "tenant unknown: the log names none (give --tenant-default to choose one)"),
        Arguments.of(
            "tenant not a valid name",
            (java.util.function.Consumer<World>)
                w -> w.log(created(9101, "cloudpod-9101", "10.1.10.91", "acme corp")),
            "tenant 'acme corp' is not a valid tenant name"),
        Arguments.of(
            "address configured on another guest",
            (java.util.function.Consumer<World>)
                w ->
                    w.guest(
                        new ClusterGuest(
                            9300,
                            "lxc",
                            "pve",
                            false,
                            "ClientPods",
                            Set.of(),
                            "other",
                            "name=eth0,bridge=vmbr0,ip=10.1.10.91/24,gw=10.1.10.1",
                            1,
                            512,
                            0,
                            4,
                            "d",
                            "running")),
            "address 10.1.10.91 (IPAM file line 1) is configured on guest 9300"),
        Arguments.of(
            "static address differs from the log",
            (java.util.function.Consumer<World>)
                w ->
                    w.guest(
                        edit(
                            script(9101, "cloudpod-9101"),
                            "net0",
                            "name=eth0,bridge=vmbr0,ip=10.1.10.99/24")),
            "address: the log says 10.1.10.91, net0 has 10.1.10.99"),
        Arguments.of(
            "dhcp",
            (java.util.function.Consumer<World>)
                w -> w.guest(edit(script(9101, "cloudpod-9101"), "net0", "name=eth0,ip=dhcp")),
            "net0 has ip=dhcp; the scripts set ip=manual and the address cannot be verified"),
        Arguments.of(
            "container on no node",
            (java.util.function.Consumer<World>)
                w -> w.guest(edit(script(9101, "cloudpod-9101"), "node", null)),
            "container on no node"),
        Arguments.of(
            "log says destroyed but it exists",
            (java.util.function.Consumer<World>)
                w ->
                    w.log(
                        new LogPod(
                            9101,
                            "cloudpod-9101",
                            "10.1.10.91",
                            "acme",
                            2,
                            2048,
                            LogPod.State.DESTROYED,
                            77)),
            "the log says destroyed (line 77), but the container exists"),
        Arguments.of(
            "destroy never finished",
            (java.util.function.Consumer<World>)
                w ->
                    w.log(
                        new LogPod(
                            9101,
                            "cloudpod-9101",
                            "10.1.10.91",
                            "acme",
                            2,
                            2048,
                            LogPod.State.DESTROYING,
                            78)),
            "a destroy was requested (line 78) and never finished"),
        Arguments.of(
            "address in no pool",
            (java.util.function.Consumer<World>)
                w -> w.log(created(9101, "cloudpod-9101", "10.9.9.9", "acme")),
            "address: 10.9.9.9 is in no IpPool's network"),
        Arguments.of(
            "address is the gateway",
            (java.util.function.Consumer<World>)
                w -> w.log(created(9101, "cloudpod-9101", "10.1.10.1", "acme")),
            "address: 10.1.10.1 is outside the range 10.1.10.50-10.1.10.250 of pool default"),
        Arguments.of(
            "a stored pod of that name in another tenant",
            (java.util.function.Consumer<World>)
                w -> w.pods.add(new StoredPod("other", "cloudpod-9101", 9555, "10.1.10.55")),
            "CloudPod other/cloudpod-9101 exists with another VMID"),
        Arguments.of(
            "a stored pod holds the VMID",
            (java.util.function.Consumer<World>)
                w -> w.pods.add(new StoredPod("acme", "web", 9101, "10.1.10.56")),
            "CloudPod acme/web holds VMID 9101"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conflicts")
  void plan_doubt_isAConflictThatWritesNothing(
      String scenario, java.util.function.Consumer<World> change, String reason) {
    World w = new World().pod(9101, "cloudpod-9101", "10.1.10.91", "acme");
    change.accept(w);

    ImportPlan plan = w.plan();
    Decision d = w.decision(9101);

    assertThat(d.verdict()).isEqualTo(Verdict.CONFLICT);
    assertThat(d.reason()).contains(reason);
    assertThat(d.tenant()).isNull();
    assertThat(plan.tenants()).isEmpty();
  }

  @Test
  void plan_twoContainersClaimingOneAddress_areBothConflicts() {
    World w = new World().pod(9101, "a", "10.1.10.91", "acme").pod(9102, "b", "10.1.10.91", "acme");

    assertThat(w.decision(9101).verdict()).isEqualTo(Verdict.CONFLICT);
    assertThat(w.decision(9102).reason())
        .isEqualTo("address 10.1.10.91 is claimed by containers [9101, 9102]");
  }

  @Test
  void plan_tenantDefault_appliesToPodsWithoutTenant() {
    World w = new World().pod(9101, "cloudpod-9101", "10.1.10.91", "unknown");
    w.tenantDefault = Optional.of("legacy");

    Decision d = w.decision(9101);

    assertThat(d.verdict()).isEqualTo(Verdict.ADOPT);
    assertThat(d.tenant()).isEqualTo("legacy");
    assertThat(d.notes()).contains("tenant from --tenant-default (the log names none)");
  }

  @Test
  void plan_upperCaseTenantOfTheScripts_isLowerCased() {
    World w = new World().pod(9101, "cloudpod-9101", "10.1.10.91", "TENANT-123");

    assertThat(w.decision(9101).tenant()).isEqualTo("tenant-123");
  }

  @Test
  void plan_handEditedCores_keepsTheContainersValueAndSaysSo() {
    World w = new World().pod(9101, "cloudpod-9101", "10.1.10.91", "acme");
    w.guest(edit(script(9101, "cloudpod-9101"), "cores", 4));

    Decision d = w.decision(9101);

    assertThat(d.verdict()).isEqualTo(Verdict.ADOPT);
    assertThat(d.size().cores()).isEqualTo(4);
    assertThat(d.notes())
        .containsExactly(
            "hand-edited: cores 2 in the log (line 9101), 4 on the container; the pod keeps 4");
  }

  @Test
  void plan_destroyedPodWhoseContainerIsGone_isSkipped_andAliveOneIsAConflict() {
    World w = new World();
    w.log(new LogPod(9110, "old", "10.1.10.110", "acme", 2, 2048, LogPod.State.DESTROYED, 40));
    w.log(created(9111, "lost", "10.1.10.111", "acme"));

    assertThat(w.decision(9110).verdict()).isEqualTo(Verdict.SKIP);
    assertThat(w.decision(9110).reason())
        .isEqualTo("destroyed (log line 40); the container is gone");
    assertThat(w.decision(9111).verdict()).isEqualTo(Verdict.CONFLICT);
    assertThat(w.decision(9111).reason()).startsWith("container on no node: the log says created");
  }

  @Test
  void plan_newTenants_getTheirPodsSumsAsQuota_existingOnesAreNotCreated() {
    World w =
        new World()
            .pod(9101, "a", "10.1.10.91", "acme")
            .pod(9102, "b", "10.1.10.92", "acme")
            .pod(9103, "c", "10.1.10.93", "beta");
    w.guest(edit(script(9102, "b"), "cores", 3));
    w.tenants = Set.of("beta");

    ImportPlan plan = w.plan();

    assertThat(plan.tenants())
        .containsExactly(
            new ImportPlan.TenantToCreate("acme", 2, 5, 2 * (2048 + 512), 16, List.of("default")));
  }

  @Test
  void plan_ipamAddressesNoAdoptedPodTakes_areReserved_withTheReason() {
    World w = new World().pod(9101, "a", "10.1.10.91", "acme").ipam("10.1.10.120", "10.9.9.9");
    w.log(new LogPod(9110, "old", "10.1.10.120", "acme", 2, 2048, LogPod.State.DESTROYED, 40));

    ImportPlan plan = w.plan();

    assertThat(plan.reservations())
        .containsExactly(
            new ImportPlan.Reserve(
                "10.1.10.120", "default", "in the IPAM file (line 2), no container uses it"),
            new ImportPlan.Reserve(
                "10.9.9.9",
                null,
                "in the IPAM file (line 3), no container uses it; in no IpPool's range; nothing to reserve"));
  }

  @Test
  void plan_addressOfAConflictingScriptContainer_isReservedToo() {
    World w = new World().pod(9101, "a", "10.1.10.91", "unknown");

    ImportPlan plan = w.plan();

    assertThat(w.decision(9101).verdict()).isEqualTo(Verdict.CONFLICT);
    assertThat(plan.reservations())
        .containsExactly(
            new ImportPlan.Reserve(
                "10.1.10.91",
                "default",
                "in the IPAM file (line 1), used by CT 9101, which is not adopted"));
  }

  @Test
  void plan_rerunAfterThePodsWereWritten_decidesTheSame() {
    World w = new World().pod(9101, "a", "10.1.10.91", "acme");
    ImportPlan first = w.plan();
    w.pods.add(new StoredPod("acme", "a", 9101, "10.1.10.91"));
    w.tenants = Set.of("acme");

    ImportPlan second = w.plan();

    assertThat(second.containers().get(0).verdict()).isEqualTo(Verdict.ADOPT);
    assertThat(second.containers().get(0).size()).isEqualTo(first.containers().get(0).size());
    assertThat(second.tenants()).isEmpty();
    assertThat(second.reservations()).isEmpty();
  }

  @Test
  void plan_afterAdoption_theMarkedContainerIsSkippedAsOurs() {
    World w = new World().pod(9101, "a", "10.1.10.91", "acme");
    w.guest(edit(script(9101, "a"), "tags", Set.of("cloudpods", "cp-x", "tenant-acme")));
    w.pods.add(new StoredPod("acme", "a", 9101, "10.1.10.91"));

    assertThat(w.decision(9101).verdict()).isEqualTo(Verdict.SKIP);
    assertThat(w.plan().reservations()).isEmpty();
  }

  @Test
  void plan_containersAreListedInVmidOrder() {
    World w = new World().pod(9103, "c", "10.1.10.93", "acme").pod(9101, "a", "10.1.10.91", "acme");

    assertThat(w.plan().containers()).extracting(Decision::vmid).containsExactly(9101, 9103);
  }
}
