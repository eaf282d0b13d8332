package io.cloudpods.testsupport;

import static io.cloudpods.testsupport.FakeProxmoxClient.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.FirewallOptions;
import io.cloudpods.proxmox.IpSet;
import io.cloudpods.proxmox.IpSetEntry;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxAlreadyExistsException;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxDigestConflictException;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxLockedException;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxParameterException;
import io.cloudpods.proxmox.ProxmoxPowerStateException;
import io.cloudpods.proxmox.ProxmoxRejectedException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.proxmox.ResourceType;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenarios of the client/simulator contract, run against the simulator (through the real HTTP
 * client) and against {@link FakeProxmoxClient} seeded with the simulator's layout: the same calls
 * must give the same observable answers (values the controller reads, exception classes, HTTP
 * statuses, task exit statuses). Only the way a task is brought to its end differs: the simulator's
 * tasks run on their own, the fake's are finished by the test.
 */
class FakeProxmoxClientContractTest {

  private static final String TOKEN_ID = "cloudpods@pve!contract";
  private static final String SECRET = "3f0c6a1e-8b2d-4e7f-a9c5-1d2e3f4a5b6c";
  private static final String NODE = "pve";
  private static final int TEMPLATE = 9000;

  /** One Proxmox to run the scenarios on. */
  interface Backend {
    ProxmoxClient client();

    /** Waits for (simulator) or makes (fake) the task end; returns its final status. */
    TaskStatus finish(Upid upid);

    /** The next call takes effect but its answer is lost. */
    void loseNextAnswer(String method);

    void noMoreFaults();
  }

  private static ProxmoxSimulator sim;
  private static HttpProxmoxClient http;
  private static FakeProxmoxClient fake;
  private static Backend simBackend;
  private static Backend fakeBackend;

  @BeforeAll
  static void start() {
    sim =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(TOKEN_ID, SECRET)
                .timeScale(0.05)
                .resourcesLag(Duration.ofSeconds(10))
                .authFailureDelay(Duration.ZERO)
                .build());
    http = new HttpProxmoxClient(ProxmoxClientSettings.of(sim.baseUrl(), TOKEN_ID, SECRET));
    simBackend =
        new Backend() {
          public ProxmoxClient client() {
            return http;
          }

          public TaskStatus finish(Upid upid) {
            await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> http.taskStatus(upid).isStopped());
            return http.taskStatus(upid);
          }

          public void loseNextAnswer(String method) {
            sim.setFaults(0, 1.0, 0, 0, 0, 11);
          }

          public void noMoreFaults() {
            sim.setFaults(0, 0, 0, 0, 0, 11);
          }

          @Override
          public String toString() {
            return "simulator";
          }
        };
    fake = seededLikeTheSimulator();
    fakeBackend =
        new Backend() {
          public ProxmoxClient client() {
            return fake;
          }

          public TaskStatus finish(Upid upid) {
            return fake.taskStatus(upid).running() ? fake.finishTask(upid) : fake.taskStatus(upid);
          }

          public void loseNextAnswer(String method) {
            fake.loseAnswerOfNext(method);
          }

          public void noMoreFaults() {
            fake.clearFaults();
          }

          @Override
          public String toString() {
            return "fake";
          }
        };
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  static Stream<Backend> backends() {
    return Stream.of(simBackend, fakeBackend);
  }

  /**
   * The simulator's default seed (node pve, its storages, pools, template 9000, infrastructure
   * 101-104).
   */
  static FakeProxmoxClient seededLikeTheSimulator() {
    FakeProxmoxClient f = new FakeProxmoxClient(java.time.Clock.systemUTC(), TOKEN_ID);
    f.addNode(NODE, 256 * GIB)
        .addStorage(NODE, "local", "dir", 100 * GIB, "vztmpl", "iso")
        .addOsTemplate(NODE, "local", "vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")
        .addStorage(NODE, "clients-main", 4096 * GIB)
        .addStorage(NODE, "clients-backup", 2048 * GIB)
        .addStorage(NODE, "vzdump-backups", "dir", 4096 * GIB, "backup")
        .addStorage(NODE, "t7-backup", "dir", 2048 * GIB, "backup")
        .addStorage(NODE, "iso-store", "dir", 500 * GIB, "iso", "vztmpl")
        .addPool("ClientPods")
        .addPool("MigraTeck_Production")
        .addTemplate(NODE, TEMPLATE, "cloudpod-template", "clients-main", 8);
    String[] names = {"mail-core", "dns-core", "mpanel-core"};
    for (int i = 0; i < names.length; i++) {
      int vmid = 101 + i;
      f.addForeignContainer(
          NODE,
          vmid,
          true,
          Map.of(
              "hostname",
              names[i],
              "cores",
              "2",
              "memory",
              "2048",
              "tags",
              "infra;production",
              "onboot",
              "1",
              "net0",
              "name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,ip=10.1.10." + (vmid - 90) + "/24",
              "rootfs",
              "clients-backup:subvol-" + vmid + "-disk-0,size=16G"));
    }
    f.addForeignVm(NODE, 104, "db-core");
    f.addPoolMembers("ClientPods", List.of(TEMPLATE), List.of(), false);
    f.addPoolMembers("MigraTeck_Production", List.of(101, 102, 103, 104), List.of(), false);
    f.clearJournal();
    return f;
  }

  private static CloneRequest full(int newid, String hostname) {
    return CloneRequest.builder(newid).hostname(hostname).fullCloneTo("clients-main").build();
  }

  private static int fullClone(Backend b, int newid) {
    TaskStatus t =
        b.finish(b.client().cloneContainer(NODE, TEMPLATE, full(newid, "contract-" + newid)));
    assertThat(t.isOk()).as("clone %d: %s", newid, t.exitStatus()).isTrue();
    return newid;
  }

  // ---- scenarios --------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void clusterResources_seedLayout_showsTemplateInfraAndStorages(Backend b) {
    ProxmoxClient c = b.client();
    assertThat(c.clusterContainers())
        .filteredOn(g -> g.vmid() == TEMPLATE)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.template()).isTrue();
              assertThat(g.pool()).contains("ClientPods");
              assertThat(g.name()).contains("cloudpod-template");
              assertThat(g.maxDisk()).isEqualTo(8 * GIB);
            });
    assertThat(c.clusterContainers())
        .filteredOn(g -> g.vmid() >= 100 && g.vmid() <= 499)
        .isNotEmpty()
        .allSatisfy(
            g -> {
              assertThat(g.pool()).contains("MigraTeck_Production");
              assertThat(g.tags()).containsExactly("infra", "production");
              assertThat(g.status()).isEqualTo(PowerState.RUNNING);
            });
    assertThat(c.clusterResources(ResourceType.VM))
        .filteredOn(r -> ((ClusterResource.Guest) r).vmid() == 104)
        .singleElement()
        .satisfies(
            r ->
                assertThat(((ClusterResource.Guest) r).type())
                    .isEqualTo(ClusterResource.GuestType.QEMU));
    assertThat(c.clusterResources(ResourceType.STORAGE))
        .extracting(r -> ((ClusterResource.Storage) r).storage())
        .contains(
            "local", "clients-main", "clients-backup", "vzdump-backups", "t7-backup", "iso-store");
    assertThat(c.clusterResources(ResourceType.NODE))
        .singleElement()
        .satisfies(r -> assertThat(((ClusterResource.Node) r).status()).isEqualTo("online"));
    assertThat(c.clusterResources())
        .anySatisfy(r -> assertThat(r).isInstanceOf(ClusterResource.Pool.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void nextId_reservesNothing_andTakenVmidIsNotFree(Backend b) {
    int a = b.client().nextId();
    assertThat(b.client().nextId()).isEqualTo(a);
    assertThat(b.client().isVmidFree(TEMPLATE)).isFalse();
    assertThat(b.client().isVmidFree(a)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void lifecycle_cloneConfigureStartStopDestroy(Backend b) {
    ProxmoxClient client = b.client();
    int vmid = fullClone(b, 9701);
    LxcConfig c = client.getConfig(NODE, vmid);
    assertThat(c.hostname()).contains("contract-9701");
    assertThat(c.template()).isFalse();
    assertThat(c.lock()).isEmpty();
    assertThat(c.rootfsSize()).contains("8G");
    assertThat(c.net(0)).containsEntry("ip", "dhcp").containsEntry("bridge", "vmbr0");

    client.updateConfig(
        NODE,
        vmid,
        ConfigUpdate.set(
                Map.of(
                    "cores",
                    "3",
                    "net0",
                    "name=eth0,bridge=vmbr0,ip=10.1.10.91/24,gw=10.1.10.1",
                    "tags",
                    "Web;cloudpods",
                    "description",
                    "pod marker\n"))
            .withDigest(c.digest()));
    LxcConfig after = client.getConfig(NODE, vmid);
    assertThat(after.cores()).hasValue(3);
    assertThat(after.nets().get(0))
        .startsWith("name=eth0,bridge=vmbr0,gw=10.1.10.1,hwaddr=BC:24:11:")
        .endsWith("ip=10.1.10.91/24,type=veth");
    assertThat(after.tags()).containsExactly("cloudpods", "web");
    assertThat(after.description()).contains("pod marker\n");
    assertThat(after.digest()).isNotEqualTo(c.digest());
    assertThatThrownBy(
            () ->
                client.updateConfig(
                    NODE, vmid, ConfigUpdate.set(Map.of("cores", "4")).withDigest(c.digest())))
        .isInstanceOf(ProxmoxDigestConflictException.class);
    assertThatThrownBy(() -> client.stop(NODE, vmid))
        .isInstanceOfSatisfying(
            ProxmoxPowerStateException.class,
            e -> assertThat(e.actualState()).isEqualTo(PowerState.STOPPED));

    Upid start = client.start(NODE, vmid);
    assertThat(start.type()).isEqualTo("vzstart");
    assertThat(b.finish(start).isOk()).isTrue();
    assertThat(client.status(NODE, vmid).status()).isEqualTo(PowerState.RUNNING);
    assertThat(client.status(NODE, vmid).maxMem()).isEqualTo(2048L << 20);
    assertThat(client.status(NODE, vmid).tags()).containsExactly("cloudpods", "web");
    assertThatThrownBy(() -> client.start(NODE, vmid))
        .isInstanceOfSatisfying(
            ProxmoxPowerStateException.class,
            e -> assertThat(e.actualState()).isEqualTo(PowerState.RUNNING));
    assertThatThrownBy(() -> client.delete(NODE, vmid, DeleteOptions.DEFAULT))
        .isInstanceOf(ProxmoxPowerStateException.class)
        .hasMessageContaining("container is running");

    assertThat(b.finish(client.shutdown(NODE, vmid, 10, true)).isOk()).isTrue();
    assertThat(client.status(NODE, vmid).status()).isEqualTo(PowerState.STOPPED);
    Upid destroy = client.delete(NODE, vmid, DeleteOptions.DEFAULT);
    assertThat(destroy.type()).isEqualTo("vzdestroy");
    assertThat(b.finish(destroy).isOk()).isTrue();
    assertThatThrownBy(() -> client.getConfig(NODE, vmid))
        .isInstanceOf(ProxmoxNotFoundException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> client.status(NODE, vmid))
        .isInstanceOf(ProxmoxNotFoundException.class);
    assertThat(client.isVmidFree(vmid)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void clone_toExistingVmid_isAlreadyExists(Backend b) {
    assertThatThrownBy(() -> b.client().cloneContainer(NODE, TEMPLATE, full(101, "x")))
        .isInstanceOf(ProxmoxAlreadyExistsException.class)
        .hasMessageContaining("CT 101 already exists");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void clone_concurrentOfSameTemplate_secondIsLockedDisk_andTargetIsLockedCreate(Backend b) {
    Upid first = b.client().cloneContainer(NODE, TEMPLATE, full(9711, "race-1"));
    try {
      assertThat(first.type()).isEqualTo("vzclone");
      assertThat(first.id()).isEqualTo("9000");
      assertThat(first.user()).isEqualTo(TOKEN_ID);
      assertThatThrownBy(() -> b.client().cloneContainer(NODE, TEMPLATE, full(9712, "race-2")))
          .isInstanceOfSatisfying(
              ProxmoxLockedException.class,
              e -> {
                assertThat(e.lock()).isEqualTo("disk");
                assertThat(e.isRetryable()).isTrue();
              });
      assertThatThrownBy(
              () -> b.client().updateConfig(NODE, 9711, ConfigUpdate.set(Map.of("cores", "4"))))
          .isInstanceOfSatisfying(
              ProxmoxLockedException.class, e -> assertThat(e.lock()).isEqualTo("create"));
    } finally {
      assertThat(b.finish(first).isOk()).isTrue();
    }
    assertThat(b.client().getConfig(NODE, 9711).lock()).isEmpty();
    assertThat(b.client().getConfig(NODE, TEMPLATE).lock()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void parameterError_unknownParameter_namesTheField(Backend b) {
    assertThatThrownBy(
            () ->
                b.client().updateConfig(NODE, TEMPLATE, ConfigUpdate.set(Map.of("nosuchkey", "1"))))
        .isInstanceOfSatisfying(
            ProxmoxParameterException.class,
            e -> {
              assertThat(e.errors()).containsKey("nosuchkey");
              assertThat(e.httpStatus()).isEqualTo(400);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void missingContainer_isNotFoundWithHttp500(Backend b) {
    assertThatThrownBy(() -> b.client().getConfig(NODE, 4242))
        .isInstanceOfSatisfying(
            ProxmoxNotFoundException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.path()).isEqualTo("/nodes/pve/lxc/4242/config");
              assertThat(e.method()).isEqualTo("GET");
            });
    assertThatThrownBy(() -> b.client().start(NODE, 4242))
        .isInstanceOf(ProxmoxNotFoundException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void taskStatus_exitStatusOnlyWhenStopped_andLogEndsWithTaskOk(Backend b) {
    Upid upid = b.client().cloneContainer(NODE, TEMPLATE, full(9721, "tasky"));
    TaskStatus running = b.client().taskStatus(upid);
    if (running.running()) {
      assertThat(running.exitStatus()).isEmpty();
    }
    assertThat(running.user()).isEqualTo("cloudpods@pve");
    assertThat(running.tokenId()).contains("contract");
    TaskStatus done = b.finish(upid);
    assertThat(done.exitStatus()).contains("OK");
    var log = b.client().taskLog(upid, 0, 500);
    assertThat(log.lines().get(log.lines().size() - 1).text()).isEqualTo("TASK OK");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void taskStatus_unknownUpid_isHttp400NoSuchTask(Backend b) {
    Upid unknown = Upid.parse("UPID:pve:00001234:00005678:65A00000:vzstart:9101:" + TOKEN_ID + ":");
    assertThatThrownBy(() -> b.client().taskStatus(unknown))
        .isInstanceOfSatisfying(
            ProxmoxNotFoundException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void template_startFailsInsideTheTask(Backend b) {
    TaskStatus t = b.finish(b.client().start(NODE, TEMPLATE));
    assertThat(t.isFailed()).isTrue();
    assertThat(t.exitStatus()).get().asString().contains("template");
    assertThat(t.failure()).get().isInstanceOf(ProxmoxRejectedException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void resize_growsAndRefusesToShrink(Backend b) {
    int vmid = fullClone(b, 9731);
    assertThat(b.finish(b.client().resize(NODE, vmid, "rootfs", "12G")).isOk()).isTrue();
    assertThat(b.client().getConfig(NODE, vmid).rootfsSize()).contains("12G");
    assertThat(b.client().clusterContainers())
        .filteredOn(g -> g.vmid() == vmid)
        .singleElement()
        .satisfies(g -> assertThat(g.lock()).isEmpty());
    assertThatThrownBy(() -> b.client().resize(NODE, vmid, "rootfs", "8G"))
        .isInstanceOf(ProxmoxRejectedException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void lostResponse_actionHappensButCallerSeesTransientError(Backend b) {
    b.loseNextAnswer("cloneContainer");
    try {
      assertThatThrownBy(() -> b.client().cloneContainer(NODE, TEMPLATE, full(9741, "lost")))
          .isInstanceOfSatisfying(
              ProxmoxException.class,
              e -> {
                assertThat(e.isRetryable()).isTrue();
                assertThat(e).isInstanceOf(ProxmoxUnavailableException.class);
              });
    } finally {
      b.noMoreFaults();
    }
    assertThat(b.client().isVmidFree(9741)).isFalse();
    assertThatThrownBy(() -> b.client().cloneContainer(NODE, TEMPLATE, full(9741, "lost")))
        .as("a retry of the same clone sees the container the lost call created")
        .isInstanceOfSatisfying(
            ProxmoxException.class,
            e ->
                assertThat(e)
                    .isInstanceOfAny(
                        ProxmoxAlreadyExistsException.class, ProxmoxLockedException.class));
    if (b == fakeBackend) {
      fake.finishAllTasks();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> b.client().getConfig(NODE, 9741).lock().isEmpty());
    assertThatThrownBy(() -> b.client().cloneContainer(NODE, TEMPLATE, full(9741, "lost")))
        .isInstanceOf(ProxmoxAlreadyExistsException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void pools_readMembers_andMissingPoolIsNotFound(Backend b) {
    assertThat(b.client().pools())
        .extracting(p -> p.poolId())
        .contains("ClientPods", "MigraTeck_Production");
    assertThat(b.client().pool("ClientPods").memberVmids()).contains(TEMPLATE);
    assertThatThrownBy(() -> b.client().pool("NoSuchPool"))
        .isInstanceOf(ProxmoxNotFoundException.class);
    assertThat(Optional.of(b)).isPresent();
  }

  // ---- container firewall -----------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void firewallOptions_setReadDeleteAndStaleDigest_asProxmoxAnswers(Backend b) {
    ProxmoxClient c = b.client();
    int vmid = 9731; // no container: the firewall API does not check that one exists
    FirewallOptions empty = c.firewallOptions(NODE, vmid);
    assertThat(empty.options()).isEmpty();
    assertThat(empty.digest()).isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");

    c.updateFirewallOptions(
        NODE,
        vmid,
        ConfigUpdate.set(Map.of("enable", "1", "ipfilter", "1", "policy_in", "ACCEPT")));
    FirewallOptions set = c.firewallOptions(NODE, vmid);
    assertThat(set.options())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("enable", "1", "ipfilter", "1", "policy_in", "ACCEPT"));
    assertThat(set.digest()).isEqualTo(sha1("enable:1\nipfilter:1\npolicy_in:ACCEPT\n"));

    assertThatThrownBy(
            () ->
                c.updateFirewallOptions(
                    NODE, vmid, ConfigUpdate.set(Map.of("enable", "0")).withDigest(empty.digest())))
        .isInstanceOf(ProxmoxDigestConflictException.class);
    assertThatThrownBy(
            () ->
                c.updateFirewallOptions(NODE, vmid, ConfigUpdate.set(Map.of("policy_in", "OPEN"))))
        .isInstanceOfSatisfying(
            ProxmoxParameterException.class, e -> assertThat(e.errors()).containsKey("policy_in"));

    c.updateFirewallOptions(
        NODE, vmid, new ConfigUpdate(Map.of(), List.of("policy_in"), Optional.of(set.digest())));
    assertThat(c.firewallOptions(NODE, vmid).options())
        .containsExactlyInAnyOrderEntriesOf(Map.of("enable", "1", "ipfilter", "1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void ipSets_createAddRemoveDelete_withTheRealErrors(Backend b) {
    ProxmoxClient c = b.client();
    int vmid = 9732;
    assertThatThrownBy(() -> c.ipSetEntries(NODE, vmid, "ipfilter-net0"))
        .isInstanceOf(ProxmoxNotFoundException.class)
        .hasMessageContaining("no such IPSet 'ipfilter-net0'");
    c.createIpSet(NODE, vmid, "ipfilter-net0", Optional.empty());
    assertThat(c.ipSets(NODE, vmid)).extracting(IpSet::name).containsExactly("ipfilter-net0");
    assertThat(c.ipSetEntries(NODE, vmid, "ipfilter-net0")).isEmpty();
    assertThatThrownBy(() -> c.createIpSet(NODE, vmid, "ipfilter-net0", Optional.empty()))
        .isInstanceOf(ProxmoxAlreadyExistsException.class)
        .hasMessageContaining("IPSet 'ipfilter-net0' already exists");

    c.addIpSetEntry(NODE, vmid, "ipfilter-net0", "10.1.10.50/32", Optional.empty());
    c.addIpSetEntry(NODE, vmid, "ipfilter-net0", "10.1.20.77/24", Optional.empty());
    assertThat(c.ipSetEntries(NODE, vmid, "ipfilter-net0"))
        .extracting(IpSetEntry::cidr)
        .containsExactly("10.1.10.50", "10.1.20.0/24");
    assertThatThrownBy(
            () -> c.addIpSetEntry(NODE, vmid, "ipfilter-net0", "10.1.10.50", Optional.empty()))
        .isInstanceOf(ProxmoxAlreadyExistsException.class)
        .hasMessageContaining("address '10.1.10.50' already exists");
    assertThatThrownBy(
            () -> c.addIpSetEntry(NODE, vmid, "ipfilter-net0", "10.1.10.500", Optional.empty()))
        .isInstanceOfSatisfying(
            ProxmoxParameterException.class, e -> assertThat(e.errors()).containsKey("cidr"));
    assertThatThrownBy(() -> c.createIpSet(NODE, vmid, "9bad", Optional.empty()))
        .isInstanceOfSatisfying(
            ProxmoxParameterException.class,
            e ->
                assertThat(e.errors())
                    .containsEntry("name", "value does not match the regex pattern"));
    assertThatThrownBy(() -> c.deleteIpSet(NODE, vmid, "ipfilter-net0", false))
        .isInstanceOf(ProxmoxRejectedException.class)
        .hasMessageContaining("IPSet 'ipfilter-net0' is not empty");

    c.removeIpSetEntry(NODE, vmid, "ipfilter-net0", "10.1.20.0/24");
    assertThat(c.ipSetEntries(NODE, vmid, "ipfilter-net0"))
        .extracting(IpSetEntry::cidr)
        .containsExactly("10.1.10.50");
    c.deleteIpSet(NODE, vmid, "ipfilter-net0", true);
    assertThat(c.ipSets(NODE, vmid)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void firewall_cloneCopiesIt_andDestroyRemovesIt(Backend b) {
    ProxmoxClient c = b.client();
    int vmid = fullClone(b, 9733);
    c.updateFirewallOptions(NODE, vmid, ConfigUpdate.set(Map.of("enable", "1")));
    c.createIpSet(NODE, vmid, "ipfilter-net0", Optional.empty());
    c.addIpSetEntry(NODE, vmid, "ipfilter-net0", "10.1.10.93", Optional.empty());
    int copy =
        b.finish(
                    c.cloneContainer(
                        NODE,
                        vmid,
                        CloneRequest.builder(9734)
                            .hostname("contract-9734")
                            .fullCloneTo("clients-main")
                            .build()))
                .isOk()
            ? 9734
            : -1;
    assertThat(c.firewallOptions(NODE, copy).options()).containsEntry("enable", "1");
    assertThat(c.ipSetEntries(NODE, copy, "ipfilter-net0"))
        .extracting(IpSetEntry::cidr)
        .containsExactly("10.1.10.93");

    for (int id : List.of(vmid, copy)) {
      assertThat(b.finish(c.delete(NODE, id, DeleteOptions.DEFAULT)).isOk()).isTrue();
      assertThat(c.firewallOptions(NODE, id).options()).isEmpty();
      assertThat(c.ipSets(NODE, id)).isEmpty();
    }
  }

  private static String sha1(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-1")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
