package io.cloudpods.testsupport;

import static io.cloudpods.testsupport.FakeProxmoxClient.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.CreateContainerRequest;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxAlreadyExistsException;
import io.cloudpods.proxmox.ProxmoxConflictException;
import io.cloudpods.proxmox.ProxmoxDigestConflictException;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxLockTimeoutException;
import io.cloudpods.proxmox.ProxmoxLockedException;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxParameterException;
import io.cloudpods.proxmox.ProxmoxPowerStateException;
import io.cloudpods.proxmox.ProxmoxRejectedException;
import io.cloudpods.proxmox.ProxmoxServerException;
import io.cloudpods.proxmox.ProxmoxTaskFailedException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.proxmox.ResourceType;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.VzdumpRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeProxmoxClientTest {

  private static final String NODE = "pve";
  private static final int TEMPLATE = 9000;

  private final FakeProxmoxClient fake =
      new FakeProxmoxClient(Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC));

  @BeforeEach
  void seed() {
    fake.addNode(NODE, 64 * GIB)
        .addStorage(NODE, "clients-main", 1024 * GIB)
        .addStorage(NODE, "local", "dir", 100 * GIB, "vztmpl", "iso")
        .addOsTemplate(NODE, "local", "vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")
        .addPool("ClientPods")
        .addTemplate(NODE, TEMPLATE, "cloudpod-template");
  }

  private Upid clone(int newid) {
    return fake.cloneContainer(
        NODE,
        TEMPLATE,
        CloneRequest.builder(newid)
            .hostname("web-" + newid)
            .pool("ClientPods")
            .fullCloneTo("clients-main")
            .build());
  }

  private int provisioned(int newid) {
    assertThat(fake.finishTask(clone(newid)).isOk()).isTrue();
    return newid;
  }

  private int running(int vmid) {
    provisioned(vmid);
    assertThat(fake.finishTask(fake.start(NODE, vmid)).isOk()).isTrue();
    return vmid;
  }

  // ---- clone ------------------------------------------------------------------------------------

  @Test
  void clone_returnsRunningTaskWithSourceVmid_andNothingHappensUntilItFinishes() {
    Upid upid = clone(9101);

    assertThat(upid.type()).isEqualTo("vzclone");
    assertThat(upid.id()).isEqualTo("9000");
    assertThat(upid.node()).isEqualTo(NODE);
    assertThat(upid.user()).isEqualTo(FakeProxmoxClient.DEFAULT_USER);
    TaskStatus t = fake.taskStatus(upid);
    assertThat(t.running()).isTrue();
    assertThat(t.exitStatus()).isEmpty();
    assertThat(fake.getConfig(NODE, 9101).lock()).contains("create");
    assertThat(fake.getConfig(NODE, TEMPLATE).lock()).contains("disk");
    assertThat(fake.getConfig(NODE, 9101).rootfs()).isEmpty();
  }

  @Test
  void clone_finished_createsUnlockedContainerWithSizedRootfsPoolAndFreshMac() {
    provisioned(9101);

    LxcConfig c = fake.getConfig(NODE, 9101);
    assertThat(c.lock()).isEmpty();
    assertThat(c.hostname()).contains("web-9101");
    assertThat(c.template()).isFalse();
    assertThat(c.rootfs()).contains("clients-main:subvol-9101-disk-0,size=8G");
    assertThat(c.rootfsSize()).contains("8G");
    assertThat(c.net(0)).containsKey("hwaddr").containsEntry("ip", "dhcp");
    assertThat(c.nets().get(0)).isNotEqualTo(fake.getConfig(NODE, TEMPLATE).nets().get(0));
    assertThat(fake.getConfig(NODE, TEMPLATE).lock()).isEmpty();
    assertThat(fake.guest(9101))
        .get()
        .satisfies(
            g -> {
              assertThat(g.pool()).contains("ClientPods");
              assertThat(g.status()).isEqualTo(PowerState.STOPPED);
            });
    assertThat(fake.taskLog(fake.lastTask("vzclone").orElseThrow(), 0, 50).lines())
        .last()
        .satisfies(l -> assertThat(l.text()).isEqualTo("TASK OK"));
  }

  @Test
  void clone_ontoExistingVmid_throwsAlreadyExists() {
    provisioned(9101);

    assertThatThrownBy(() -> clone(9101))
        .isInstanceOf(ProxmoxAlreadyExistsException.class)
        .hasMessageContaining("CT 9101 already exists on node 'pve'");
  }

  @Test
  void clone_ontoVmidOfAVm_throwsAlreadyExistsNamingTheVm() {
    fake.addForeignVm(NODE, 104, "db-core");

    assertThatThrownBy(() -> clone(104))
        .isInstanceOf(ProxmoxAlreadyExistsException.class)
        .hasMessageContaining("VM 104");
  }

  @Test
  void clone_ofSourceBeingCloned_throwsLockedDiskRetryable() {
    clone(9101);

    assertThatThrownBy(() -> clone(9102))
        .isInstanceOfSatisfying(
            ProxmoxLockedException.class,
            e -> {
              assertThat(e.lock()).isEqualTo("disk");
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.method()).isEqualTo("POST");
              assertThat(e.path()).isEqualTo("/nodes/pve/lxc/9000/clone");
            });
  }

  @Test
  void clone_ofMissingSource_throwsNotFound() {
    assertThatThrownBy(() -> fake.cloneContainer(NODE, 4242, CloneRequest.builder(9101).build()))
        .isInstanceOf(ProxmoxNotFoundException.class)
        .hasMessageContaining("Configuration file 'nodes/pve/lxc/4242.conf' does not exist");
  }

  @Test
  void clone_intoMissingPool_throwsNotFound() {
    assertThatThrownBy(
            () ->
                fake.cloneContainer(
                    NODE, TEMPLATE, CloneRequest.builder(9101).pool("Nope").full(true).build()))
        .isInstanceOf(ProxmoxNotFoundException.class)
        .satisfies(e -> assertThat(((ProxmoxException) e).httpStatus()).isEqualTo(403));
  }

  @Test
  void clone_linkedOfNonTemplate_isRejected() {
    provisioned(9101);

    assertThatThrownBy(
            () -> fake.cloneContainer(NODE, 9101, CloneRequest.builder(9102).full(false).build()))
        .isInstanceOf(ProxmoxRejectedException.class)
        .hasMessageContaining("Linked clone feature");
  }

  @Test
  void clone_linkedOfTemplate_sharesTheBaseVolume() {
    assertThat(
            fake.finishTask(fake.cloneContainer(NODE, TEMPLATE, CloneRequest.builder(9101).build()))
                .isOk())
        .isTrue();

    assertThat(fake.getConfig(NODE, 9101).rootfs())
        .contains("clients-main:basevol-9000-disk-0/subvol-9101-disk-0,size=8G");
  }

  @Test
  void clone_failedTask_removesTheNewContainerAndUnlocksTheSource() {
    Upid upid = clone(9101);

    TaskStatus t = fake.failTask(upid, "clone failed: command 'rsync' failed: exit code 23");

    assertThat(t.isFailed()).isTrue();
    assertThat(t.failure()).get().isInstanceOf(ProxmoxTaskFailedException.class);
    assertThat(fake.isVmidFree(9101)).isTrue();
    assertThatThrownBy(() -> fake.getConfig(NODE, 9101))
        .isInstanceOf(ProxmoxNotFoundException.class);
    assertThat(fake.getConfig(NODE, TEMPLATE).lock()).isEmpty();
  }

  @Test
  void clone_failedWithLockTimeout_classifiesAsLockTimeout() {
    TaskStatus t =
        fake.failTask(
            clone(9101),
            "clone failed: can't lock file '/var/lock/pve-manager/pve-storage-clients-main' - got timeout");

    assertThat(t.failure())
        .get()
        .isInstanceOfSatisfying(
            ProxmoxLockTimeoutException.class,
            e ->
                assertThat(e.resource())
                    .isEqualTo("/var/lock/pve-manager/pve-storage-clients-main"));
  }

  @Test
  void clone_ontoStorageWithoutContainerSupport_failsInsideTheTask() {
    fake.addStorage(NODE, "iso-store", "dir", 500 * GIB, "iso", "vztmpl");
    Upid upid =
        fake.cloneContainer(
            NODE, TEMPLATE, CloneRequest.builder(9101).fullCloneTo("iso-store").build());

    TaskStatus t = fake.finishTask(upid);

    assertThat(t.isFailed()).isTrue();
    assertThat(t.exitStatus()).get().asString().contains("content type 'rootdir' is not available");
    assertThat(t.failure()).get().isInstanceOf(ProxmoxRejectedException.class);
    assertThat(fake.isVmidFree(9101)).isTrue();
  }

  @Test
  void clone_ontoFullStorage_failsInsideTheTaskOutOfSpace() {
    fake.addStorage(NODE, "tiny", 4 * GIB);

    TaskStatus t =
        fake.finishTask(
            fake.cloneContainer(
                NODE, TEMPLATE, CloneRequest.builder(9101).fullCloneTo("tiny").build()));

    assertThat(t.exitStatus()).get().asString().contains("out of space");
    assertThat(fake.isVmidFree(9101)).isTrue();
  }

  // ---- config -----------------------------------------------------------------------------------

  @Test
  void getConfig_ofMissingContainer_throwsNotFound() {
    assertThatThrownBy(() -> fake.getConfig(NODE, 4242))
        .isInstanceOfSatisfying(
            ProxmoxNotFoundException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.isRetryable()).isFalse();
            });
  }

  @Test
  void getConfig_onWrongNode_throwsNotFound() {
    fake.addNode("pve-02", 64 * GIB);

    assertThatThrownBy(() -> fake.getConfig("pve-02", TEMPLATE))
        .isInstanceOf(ProxmoxNotFoundException.class);
  }

  @Test
  void getConfig_onUnknownNode_throwsServerErrorLikeTheHostnameLookup() {
    assertThatThrownBy(() -> fake.getConfig("ghost", TEMPLATE))
        .isInstanceOf(ProxmoxServerException.class)
        .hasMessageContaining("hostname lookup 'ghost' failed");
  }

  @Test
  void updateConfig_normalisesNetTagsAndDescription_andChangesTheDigest() {
    provisioned(9101);
    LxcConfig before = fake.getConfig(NODE, 9101);

    fake.updateConfig(
        NODE,
        9101,
        new ConfigUpdate(
            Map.of(
                "net0",
                "name=eth0,bridge=vmbr0,ip=10.1.10.91/24,gw=10.1.10.1",
                "tags",
                "Web;cloudpods,web",
                "description",
                "owned by pod x\n\n",
                "cores",
                "3"),
            List.of(),
            Optional.of(before.digest())));

    LxcConfig after = fake.getConfig(NODE, 9101);
    assertThat(after.nets().get(0))
        .startsWith("name=eth0,bridge=vmbr0,gw=10.1.10.1,hwaddr=BC:24:11:")
        .endsWith(",ip=10.1.10.91/24,type=veth");
    assertThat(after.tags()).containsExactly("cloudpods", "web");
    assertThat(after.description()).contains("owned by pod x\n");
    assertThat(after.cores()).hasValue(3);
    assertThat(after.raw()).containsEntry("cores", "3").containsKey("digest");
    assertThat(after.digest()).hasSize(40).isNotEqualTo(before.digest());
    assertThat(fake.getConfig(NODE, 9101).digest())
        .as("digest is stable while nothing changes")
        .isEqualTo(after.digest());
  }

  @Test
  void updateConfig_withStaleDigest_throwsDigestConflictRetryable() {
    provisioned(9101);
    String digest = fake.getConfig(NODE, 9101).digest();
    fake.editConfig(9101, "memory", "4096");

    assertThatThrownBy(
            () ->
                fake.updateConfig(
                    NODE, 9101, ConfigUpdate.set(Map.of("cores", "4")).withDigest(digest)))
        .isInstanceOfSatisfying(
            ProxmoxDigestConflictException.class, e -> assertThat(e.isRetryable()).isTrue());
  }

  @Test
  void updateConfig_ofLockedContainer_throwsLockedWithTheLock() {
    provisioned(9101);
    fake.setLock(9101, "backup");

    assertThatThrownBy(() -> fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("cores", "4"))))
        .isInstanceOfSatisfying(
            ProxmoxLockedException.class, e -> assertThat(e.lock()).isEqualTo("backup"));
    fake.setLock(9101, null);
    fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("cores", "4")));
    assertThat(fake.getConfig(NODE, 9101).cores()).hasValue(4);
  }

  @Test
  void updateConfig_whileCloneRuns_throwsLockedCreate() {
    clone(9101);

    assertThatThrownBy(() -> fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("cores", "4"))))
        .isInstanceOfSatisfying(
            ProxmoxLockedException.class, e -> assertThat(e.lock()).isEqualTo("create"));
  }

  @Test
  void updateConfig_whileATaskHoldsTheConfigFlock_throwsLockTimeout() {
    provisioned(9101);
    fake.start(NODE, 9101);

    assertThatThrownBy(() -> fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("cores", "4"))))
        .isInstanceOfSatisfying(
            ProxmoxLockTimeoutException.class,
            e -> {
              assertThat(e.resource()).isEqualTo("/run/lock/lxc/pve-config-9101.lock");
              assertThat(e.isRetryable()).isTrue();
            });
  }

  @Test
  void updateConfig_unknownKey_throwsParameterErrorNamingIt() {
    assertThatThrownBy(
            () -> fake.updateConfig(NODE, TEMPLATE, ConfigUpdate.set(Map.of("nosuchkey", "1"))))
        .isInstanceOfSatisfying(
            ProxmoxParameterException.class,
            e -> {
              assertThat(e.errors()).containsKey("nosuchkey");
              assertThat(e.httpStatus()).isEqualTo(400);
            });
  }

  @Test
  void updateConfig_deleteRequiredKey_isRejected() {
    provisioned(9101);

    assertThatThrownBy(
            () ->
                fake.updateConfig(
                    NODE, 9101, new ConfigUpdate(Map.of(), List.of("memory"), Optional.empty())))
        .isInstanceOf(ProxmoxRejectedException.class);
  }

  @Test
  void updateConfig_deleteKey_removesIt() {
    provisioned(9101);
    fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("nameserver", "1.1.1.1")));

    fake.updateConfig(
        NODE, 9101, new ConfigUpdate(Map.of(), List.of("nameserver"), Optional.empty()));

    assertThat(fake.getConfig(NODE, 9101).nameserver()).isEmpty();
  }

  // ---- power ------------------------------------------------------------------------------------

  @Test
  void start_finished_runsTheContainer() {
    provisioned(9101);
    Upid upid = fake.start(NODE, 9101);
    assertThat(upid.type()).isEqualTo("vzstart");
    assertThat(fake.status(NODE, 9101).status()).isEqualTo(PowerState.STOPPED);

    fake.finishTask(upid);

    assertThat(fake.status(NODE, 9101).status()).isEqualTo(PowerState.RUNNING);
    assertThat(fake.status(NODE, 9101).uptime()).isPositive();
  }

  @Test
  void start_ofRunningContainer_throwsPowerStateRunning() {
    running(9101);

    assertThatThrownBy(() -> fake.start(NODE, 9101))
        .isInstanceOfSatisfying(
            ProxmoxPowerStateException.class,
            e -> assertThat(e.actualState()).isEqualTo(PowerState.RUNNING));
  }

  @Test
  void start_ofTemplate_failsInsideTheTask() {
    TaskStatus t = fake.finishTask(fake.start(NODE, TEMPLATE));

    assertThat(t.isFailed()).isTrue();
    assertThat(t.exitStatus()).get().asString().contains("template");
  }

  @Test
  void start_ofLockedContainer_failsInsideTheTaskAsLocked() {
    provisioned(9101);
    fake.setLock(9101, "backup");

    TaskStatus t = fake.finishTask(fake.start(NODE, 9101));

    assertThat(t.failure())
        .get()
        .isInstanceOfSatisfying(
            ProxmoxLockedException.class, e -> assertThat(e.lock()).isEqualTo("backup"));
    assertThat(fake.guest(9101).orElseThrow().status()).isEqualTo(PowerState.STOPPED);
  }

  @Test
  void stop_ofStoppedContainer_throwsPowerStateStopped() {
    provisioned(9101);

    assertThatThrownBy(() -> fake.stop(NODE, 9101))
        .isInstanceOfSatisfying(
            ProxmoxPowerStateException.class,
            e -> assertThat(e.actualState()).isEqualTo(PowerState.STOPPED));
    assertThatThrownBy(() -> fake.shutdown(NODE, 9101, 30, true))
        .isInstanceOf(ProxmoxPowerStateException.class);
  }

  @Test
  void shutdown_ofContainerIgnoringIt_failsWithoutForceStop_andStopsWithIt() {
    running(9101);
    fake.ignoreShutdown(9101, true);

    TaskStatus t = fake.finishTask(fake.shutdown(NODE, 9101, 30, false));
    assertThat(t.exitStatus()).contains("container did not stop");
    assertThat(fake.guest(9101).orElseThrow().status()).isEqualTo(PowerState.RUNNING);

    assertThat(fake.finishTask(fake.shutdown(NODE, 9101, 30, true)).isOk()).isTrue();
    assertThat(fake.guest(9101).orElseThrow().status()).isEqualTo(PowerState.STOPPED);
  }

  @Test
  void stop_stoppedByHandMeanwhile_failsInsideTheTaskNotRunning() {
    running(9101);
    Upid upid = fake.stop(NODE, 9101);
    fake.stopByHand(9101);

    assertThat(fake.finishTask(upid).failure())
        .get()
        .isInstanceOf(ProxmoxPowerStateException.class);
  }

  // ---- delete -----------------------------------------------------------------------------------

  @Test
  void delete_ofRunningContainerWithoutForce_throwsPowerState() {
    running(9101);

    assertThatThrownBy(() -> fake.delete(NODE, 9101, DeleteOptions.DEFAULT))
        .isInstanceOf(ProxmoxPowerStateException.class)
        .hasMessageContaining("container is running");
  }

  @Test
  void delete_runsLockedDestroyed_thenRemovesContainerDisksAndPoolMembership() {
    provisioned(9101);
    Upid upid = fake.delete(NODE, 9101, DeleteOptions.DEFAULT);

    assertThat(upid.type()).isEqualTo("vzdestroy");
    assertThat(fake.getConfig(NODE, 9101).lock()).contains("destroyed");
    assertThat(fake.clusterContainers())
        .filteredOn(g -> g.vmid() == 9101)
        .singleElement()
        .satisfies(g -> assertThat(g.lock()).contains("destroyed"));

    fake.finishTask(upid);

    assertThat(fake.isVmidFree(9101)).isTrue();
    assertThat(fake.pool("ClientPods").memberVmids()).doesNotContain(9101);
    assertThat(fake.storageContent(NODE, "clients-main", Optional.empty(), Optional.of(9101)))
        .isEmpty();
  }

  @Test
  void delete_failedTask_restoresTheConfig() {
    provisioned(9101);
    String hostname = fake.getConfig(NODE, 9101).hostname().orElseThrow();

    fake.failTask(
        fake.delete(NODE, 9101, DeleteOptions.DEFAULT),
        "zfs error: cannot destroy dataset: dataset is busy");

    assertThat(fake.getConfig(NODE, 9101).hostname()).contains(hostname);
    assertThat(fake.getConfig(NODE, 9101).lock()).isEmpty();
  }

  @Test
  void delete_ofLockedContainer_throwsLocked() {
    clone(9101);

    assertThatThrownBy(() -> fake.delete(NODE, 9101, DeleteOptions.DEFAULT))
        .isInstanceOf(ProxmoxLockedException.class);
  }

  @Test
  void delete_ofTemplateWithLinkedClones_failsInsideTheTask() {
    fake.finishTask(fake.cloneContainer(NODE, TEMPLATE, CloneRequest.builder(9101).build()));

    TaskStatus t = fake.finishTask(fake.delete(NODE, TEMPLATE, DeleteOptions.DEFAULT));

    assertThat(t.exitStatus()).get().asString().contains("still in use by linked clones");
    assertThat(fake.getConfig(NODE, TEMPLATE).template()).isTrue();
  }

  // ---- resize, template, create -----------------------------------------------------------------

  @Test
  void resize_grows_andRefusesToShrink() {
    provisioned(9101);

    assertThat(fake.finishTask(fake.resize(NODE, 9101, "rootfs", "12G")).isOk()).isTrue();
    assertThat(fake.getConfig(NODE, 9101).rootfsSize()).contains("12G");
    assertThat(fake.finishTask(fake.resize(NODE, 9101, "rootfs", "+4G")).isOk()).isTrue();
    assertThat(fake.getConfig(NODE, 9101).rootfsSize()).contains("16G");
    assertThatThrownBy(() -> fake.resize(NODE, 9101, "rootfs", "8G"))
        .isInstanceOf(ProxmoxRejectedException.class)
        .hasMessageContaining("unable to shrink disk size");
  }

  @Test
  void convertToTemplate_marksTheConfigAndRenamesTheVolume() {
    provisioned(9101);

    fake.convertToTemplate(NODE, 9101);

    LxcConfig c = fake.getConfig(NODE, 9101);
    assertThat(c.template()).isTrue();
    assertThat(c.rootfs()).contains("clients-main:basevol-9101-disk-0,size=8G");
  }

  @Test
  void createContainer_fromOsTemplate_createsItWhenTheTaskFinishes() {
    Upid upid =
        fake.createContainer(
            NODE,
            CreateContainerRequest.builder(
                    9201, "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")
                .hostname("fresh")
                .memoryMb(1024)
                .rootfs("clients-main", 10)
                .net(0, "name=eth0,bridge=vmbr0,ip=dhcp")
                .build());
    assertThat(fake.getConfig(NODE, 9201).lock()).contains("create");

    assertThat(fake.finishTask(upid).isOk()).isTrue();

    LxcConfig c = fake.getConfig(NODE, 9201);
    assertThat(c.hostname()).contains("fresh");
    assertThat(c.memory()).hasValue(1024);
    assertThat(c.rootfs()).contains("clients-main:subvol-9201-disk-0,size=10G");
    assertThat(c.lock()).isEmpty();
  }

  @Test
  void createContainer_withMissingOsTemplate_failsInsideTheTaskAndLeavesNothing() {
    TaskStatus t =
        fake.finishTask(
            fake.createContainer(
                NODE,
                CreateContainerRequest.builder(9201, "local:vztmpl/nope.tar.zst")
                    .rootfs("clients-main", 4)
                    .build()));

    assertThat(t.failure()).get().isInstanceOf(ProxmoxNotFoundException.class);
    assertThat(fake.isVmidFree(9201)).isTrue();
  }

  // ---- tasks ------------------------------------------------------------------------------------

  @Test
  void taskStatus_ofUnknownUpid_throwsHttp400NoSuchTask() {
    Upid unknown =
        Upid.parse("UPID:pve:00001234:00005678:65A00000:vzstart:9101:cloudpods@pve!controller:");

    assertThatThrownBy(() -> fake.taskStatus(unknown))
        .isInstanceOfSatisfying(
            ProxmoxException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e).isInstanceOf(ProxmoxNotFoundException.class);
              assertThat(e.getMessage()).contains("no such task");
            });
  }

  @Test
  void forgetTasks_likeANodeRestart_makesStatusAnswerNoSuchTask() {
    Upid upid = clone(9101);

    fake.forgetTasks();

    assertThatThrownBy(() -> fake.taskStatus(upid))
        .satisfies(e -> assertThat(((ProxmoxException) e).httpStatus()).isEqualTo(400));
    assertThat(fake.isVmidFree(9101)).as("the aborted clone cleaned up").isTrue();
  }

  @Test
  void finishTask_twice_isATestMistake() {
    Upid upid = clone(9101);
    fake.finishTask(upid);

    assertThatThrownBy(() -> fake.finishTask(upid)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void finishAllTasks_finishesInStartOrder() {
    provisioned(9101);
    provisioned(9102);
    fake.start(NODE, 9101);
    fake.start(NODE, 9102);
    assertThat(fake.runningTasks()).hasSize(2);

    assertThat(fake.finishAllTasks()).isEqualTo(2);

    assertThat(fake.runningTasks()).isEmpty();
    assertThat(fake.guests())
        .filteredOn(g -> g.vmid() > 9100)
        .allSatisfy(g -> assertThat(g.status()).isEqualTo(PowerState.RUNNING));
  }

  @Test
  void autoFinish_tasksAreStoppedOkBeforeTheCallReturns() {
    fake.autoFinishTasks(true);

    Upid upid = clone(9101);

    assertThat(fake.taskStatus(upid).isOk()).isTrue();
    assertThat(fake.getConfig(NODE, 9101).lock()).isEmpty();
    assertThat(fake.taskStatus(fake.start(NODE, 9101)).isOk()).isTrue();
    assertThat(fake.status(NODE, 9101).isRunning()).isTrue();
  }

  // ---- faults -----------------------------------------------------------------------------------

  @Test
  void failNext_throwsOnceWithoutEffect() {
    fake.failNext("cloneContainer", FakeProxmoxClient.unavailable());

    assertThatThrownBy(() -> clone(9101)).isInstanceOf(ProxmoxUnavailableException.class);
    assertThat(fake.isVmidFree(9101)).isTrue();
    assertThat(fake.mutations()).isEmpty();
    assertThat(fake.calls("cloneContainer")).isEqualTo(1);

    assertThat(fake.finishTask(clone(9101)).isOk()).isTrue();
  }

  @Test
  void failNext_withAServerText_isClassifiedLikeTheRealAnswer() {
    fake.failNext("getConfig", FakeProxmoxClient.httpError(500, "CT is locked (snapshot)"));

    assertThatThrownBy(() -> fake.getConfig(NODE, TEMPLATE))
        .isInstanceOfSatisfying(
            ProxmoxLockedException.class, e -> assertThat(e.lock()).isEqualTo("snapshot"));
  }

  @Test
  void failNext_unknownMethodName_isRefused() {
    assertThatThrownBy(() -> fake.failNext("cloneCT", FakeProxmoxClient.unavailable()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loseAnswerOfNext_cloneHappensButCallerSeesTransientError_andRetryIsAlreadyExists() {
    fake.loseAnswerOfNext("cloneContainer");

    assertThatThrownBy(() -> clone(9101))
        .isInstanceOfSatisfying(
            ProxmoxUnavailableException.class, e -> assertThat(e.isRetryable()).isTrue());

    assertThat(fake.isVmidFree(9101)).isFalse();
    assertThat(fake.mutations())
        .extracting(FakeProxmoxClient.Mutation::summary)
        .containsExactly("cloneContainer 9101");
    Upid lost = fake.lastTask("vzclone").orElseThrow();
    assertThat(fake.taskStatus(lost).running()).isTrue();
    fake.finishTask(lost);
    assertThatThrownBy(() -> clone(9101)).isInstanceOf(ProxmoxAlreadyExistsException.class);
  }

  @Test
  void loseAnswerOfNext_updateConfig_isApplied() {
    provisioned(9101);
    fake.loseAnswerOfNext("updateConfig");

    assertThatThrownBy(() -> fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("cores", "5"))))
        .isInstanceOf(ProxmoxUnavailableException.class);

    assertThat(fake.getConfig(NODE, 9101).cores()).hasValue(5);
  }

  // ---- journal ----------------------------------------------------------------------------------

  @Test
  void mutations_listAcceptedCallsWithWireParameters_andReadsAreOnlyCounted() {
    provisioned(9101);
    fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("cores", "3")));
    fake.start(NODE, 9101);
    fake.getConfig(NODE, 9101);
    fake.getConfig(NODE, 9101);
    assertThatThrownBy(() -> fake.start(NODE, 4242)).isInstanceOf(ProxmoxNotFoundException.class);

    assertThat(fake.mutations())
        .extracting(FakeProxmoxClient.Mutation::summary)
        .containsExactly("cloneContainer 9101", "updateConfig 9101", "start 9101");
    assertThat(fake.mutations("cloneContainer"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.node()).isEqualTo(NODE);
              assertThat(m.params())
                  .containsEntry("source", "9000")
                  .containsEntry("newid", "9101")
                  .containsEntry("full", "1")
                  .containsEntry("storage", "clients-main")
                  .containsEntry("pool", "ClientPods");
              assertThat(m.task()).get().extracting(Upid::type).isEqualTo("vzclone");
            });
    assertThat(fake.mutations("updateConfig").get(0).params())
        .containsExactly(Map.entry("cores", "3"));
    assertThat(fake.calls("getConfig")).isEqualTo(2);
    assertThat(fake.calls("start")).isEqualTo(2);
    assertThat(fake.callCounts()).containsEntry("cloneContainer", 1);
  }

  // ---- cluster view -----------------------------------------------------------------------------

  @Test
  void clusterResources_showGuestsNodesStoragesAndPools_fromState() {
    running(9101);
    fake.updateConfig(
        NODE,
        9101,
        ConfigUpdate.set(Map.of("tags", "cloudpods;tenant-acme", "memory", "1024", "cores", "3")));
    fake.addForeignContainer(
        NODE,
        120,
        true,
        Map.of("hostname", "mail", "net0", "name=eth0,bridge=vmbr0,ip=10.1.10.30/24"));

    List<ClusterResource> all = fake.clusterResources();

    assertThat(all)
        .filteredOn(ClusterResource.Guest.class::isInstance)
        .extracting(r -> ((ClusterResource.Guest) r).vmid())
        .containsExactly(120, 9000, 9101);
    ClusterResource.Guest g =
        fake.clusterContainers().stream().filter(x -> x.vmid() == 9101).findFirst().orElseThrow();
    assertThat(g.id()).isEqualTo("lxc/9101");
    assertThat(g.status()).isEqualTo(PowerState.RUNNING);
    assertThat(g.name()).contains("web-9101");
    assertThat(g.tags()).containsExactly("cloudpods", "tenant-acme");
    assertThat(g.maxCpu()).isEqualTo(3);
    assertThat(g.maxMem()).isEqualTo(1024L << 20);
    assertThat(g.maxDisk()).isEqualTo(8 * GIB);
    assertThat(g.pool()).contains("ClientPods");
    assertThat(g.lock()).isEmpty();
    assertThat(fake.clusterContainers())
        .filteredOn(x -> x.vmid() == 9000)
        .singleElement()
        .satisfies(t -> assertThat(t.template()).isTrue());
    assertThat(fake.clusterResources(ResourceType.NODE))
        .singleElement()
        .isInstanceOfSatisfying(
            ClusterResource.Node.class,
            n -> {
              assertThat(n.status()).isEqualTo("online");
              assertThat(n.maxMem()).isEqualTo(64 * GIB);
            });
    assertThat(fake.clusterResources(ResourceType.STORAGE))
        .extracting(r -> ((ClusterResource.Storage) r).storage())
        .containsExactly("clients-main", "local");
    ClusterResource.Storage main =
        (ClusterResource.Storage) fake.clusterResources(ResourceType.STORAGE).get(0);
    assertThat(main.disk()).isEqualTo(16 * GIB); // template base volume + the clone's full copy
    assertThat(main.content()).contains("rootdir");
    assertThat(all)
        .filteredOn(ClusterResource.Pool.class::isInstance)
        .singleElement()
        .satisfies(p -> assertThat(p.id()).isEqualTo("/pool/ClientPods"));
    assertThat(fake.clusterResources(ResourceType.VM))
        .noneMatch(ClusterResource.Pool.class::isInstance);
  }

  @Test
  void clusterResources_withStatsLag_showNewGuestsUnknownUntilSampled_butLockAndTagsAtOnce() {
    fake.statsLag(true);
    clone(9101);

    ClusterResource.Guest g =
        fake.clusterContainers().stream().filter(x -> x.vmid() == 9101).findFirst().orElseThrow();
    assertThat(g.lock()).contains("create");
    assertThat(g.status()).isEqualTo(PowerState.UNKNOWN);
    assertThat(g.name()).isEmpty();

    fake.finishAllTasks();
    fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("tags", "cloudpods")));
    fake.refreshStats();
    fake.finishTask(fake.start(NODE, 9101));

    g = fake.clusterContainers().stream().filter(x -> x.vmid() == 9101).findFirst().orElseThrow();
    assertThat(g.tags()).containsExactly("cloudpods");
    assertThat(g.status()).as("sampled before the start").isEqualTo(PowerState.STOPPED);
    assertThat(g.name()).contains("web-9101");
  }

  @Test
  void nodeOffline_showsInNodesAndResources() {
    fake.setNodeOnline(NODE, false);

    assertThat(fake.nodes()).singleElement().satisfies(n -> assertThat(n.isOnline()).isFalse());
    assertThat(((ClusterResource.Node) fake.clusterResources(ResourceType.NODE).get(0)).status())
        .isEqualTo("offline");
  }

  @Test
  void nextId_isLowestFree_andReservesNothing() {
    fake.addForeignContainer(NODE, 100, Map.of());
    fake.addForeignContainer(NODE, 101, Map.of());

    assertThat(fake.nextId()).isEqualTo(102);
    assertThat(fake.nextId()).isEqualTo(102);
    assertThat(fake.isVmidFree(101)).isFalse();
    assertThat(fake.isVmidFree(102)).isTrue();
  }

  @Test
  void listContainersAndStatus_reportBytesAndDefaults() {
    running(9101);

    assertThat(fake.listContainers(NODE)).extracting(s -> s.vmid()).containsExactly(9000, 9101);
    var s = fake.status(NODE, 9101);
    assertThat(s.name()).isEqualTo("web-9101");
    assertThat(s.maxMem()).isEqualTo(2048L << 20);
    assertThat(s.maxDisk()).isEqualTo(8 * GIB);
    assertThat(s.cpus()).isEqualTo(2);
    assertThat(s.haManaged()).isFalse();
  }

  // ---- hand edits -------------------------------------------------------------------------------

  @Test
  void handEdits_driftStopAndDelete_areVisibleButNotJournaled() {
    running(9101);
    fake.clearJournal();

    fake.editConfig(9101, "memory", "8192");
    assertThat(fake.getConfig(NODE, 9101).memory()).hasValue(8192);
    fake.stopByHand(9101);
    assertThat(fake.status(NODE, 9101).status()).isEqualTo(PowerState.STOPPED);
    fake.deleteByHand(9101);
    assertThat(fake.isVmidFree(9101)).isTrue();

    assertThat(fake.mutations()).isEmpty();
  }

  @Test
  void foreignContainer_configIsNormalisedAndReadable() {
    fake.addForeignContainer(
        NODE, 120, Map.of("net0", "name=eth0,bridge=vmbr0,ip=10.1.10.30/24", "tags", "Infra"));

    assertThat(fake.getConfig(NODE, 120).net(0))
        .containsEntry("ip", "10.1.10.30/24")
        .containsEntry("type", "veth");
    assertThat(fake.guest(120).orElseThrow().ip()).contains("10.1.10.30");
    assertThat(fake.guest(120).orElseThrow().tags()).containsExactly("infra");
  }

  @Test
  void lxcCallsOnAVm_answerNotFound() {
    fake.addForeignVm(NODE, 104, "db-core");

    assertThatThrownBy(() -> fake.getConfig(NODE, 104))
        .isInstanceOf(ProxmoxNotFoundException.class);
    assertThat(fake.clusterResources(ResourceType.VM))
        .anySatisfy(
            r ->
                assertThat(((ClusterResource.Guest) r).type())
                    .isEqualTo(ClusterResource.GuestType.QEMU));
  }

  // ---- the rest ---------------------------------------------------------------------------------

  @Test
  void vzdump_writesTheArchiveItsLogNames_withNotesAndProtection_andPruneSparesProtected() {
    provisioned(9101);
    Upid u =
        fake.vzdump(
                NODE,
                new VzdumpRequest(
                    List.of(9101),
                    Optional.of("local"),
                    Optional.of("snapshot"),
                    Optional.of("zstd"),
                    Map.of("notes-template", "{{guestname}} backup=b1", "protected", "1")))
            .task()
            .orElseThrow();
    assertThat(fake.finishTask(u).isOk()).isTrue();
    var content = fake.storageContent(NODE, "local", Optional.of("backup"), Optional.of(9101));
    assertThat(content).hasSize(1);
    assertThat(content.get(0).isProtected()).isTrue();
    assertThat(content.get(0).notes()).contains("web-9101 backup=b1");
    assertThat(fake.taskLog(u, 0, 100).lines())
        .anyMatch(
            l ->
                l.text().contains("creating vzdump archive")
                    && l.text().contains("vzdump-lxc-9101-"));
    assertThat(fake.pruneDryRun(NODE, "local", Optional.of("keep-last=0"), Optional.of(9101)))
        .allMatch(m -> !m.removed());
    assertThat(fake.finishTask(fake.deleteVolume(NODE, "local", content.get(0).volid())).isOk())
        .isFalse();
  }

  @Test
  void snapshots_createListRollbackDelete() {
    provisioned(9101);

    assertThat(
            fake.finishTask(fake.createSnapshot(NODE, 9101, "before", Optional.of("pre-change")))
                .isOk())
        .isTrue();
    fake.updateConfig(NODE, 9101, ConfigUpdate.set(Map.of("cores", "6")));
    assertThat(fake.listSnapshots(NODE, 9101)).extracting(s -> s.name()).containsExactly("before");
    assertThat(
            fake.finishTask(fake.createSnapshot(NODE, 9101, "before", Optional.empty())).failure())
        .get()
        .isInstanceOf(ProxmoxAlreadyExistsException.class);

    assertThat(fake.finishTask(fake.rollbackSnapshot(NODE, 9101, "before", false)).isOk()).isTrue();
    assertThat(fake.getConfig(NODE, 9101).cores()).hasValue(2);
    assertThat(fake.finishTask(fake.deleteSnapshot(NODE, 9101, "before", false)).isOk()).isTrue();
    assertThat(fake.listSnapshots(NODE, 9101)).isEmpty();
  }

  @Test
  void pools_createAddRemove_withTheServersConflicts() {
    provisioned(9101);

    assertThatThrownBy(() -> fake.createPool("ClientPods", Optional.empty()))
        .isInstanceOf(ProxmoxAlreadyExistsException.class);
    fake.createPool("Other", Optional.of("x"));
    assertThatThrownBy(() -> fake.addPoolMembers("Other", List.of(9101), List.of(), false))
        .isInstanceOf(ProxmoxConflictException.class)
        .isNotInstanceOf(ProxmoxAlreadyExistsException.class);
    fake.addPoolMembers("Other", List.of(9101), List.of(), true);
    assertThat(fake.pool("Other").memberVmids()).containsExactly(9101);
    fake.removePoolMembers("Other", List.of(9101), List.of());
    assertThat(fake.pool("Other").memberVmids()).isEmpty();
    assertThatThrownBy(() -> fake.pool("Nope")).isInstanceOf(ProxmoxNotFoundException.class);
    assertThat(fake.pools()).extracting(p -> p.poolId()).containsExactly("ClientPods", "Other");
  }

  @Test
  void reset_forgetsEverything() {
    clone(9101);
    fake.failNext("nodes", FakeProxmoxClient.unavailable());

    fake.reset();

    assertThat(fake.guests()).isEmpty();
    assertThat(fake.nodes()).isEmpty();
    assertThat(fake.tasks()).isEmpty();
    assertThat(fake.mutations()).isEmpty();
    assertThat(fake.calls("nodes")).isEqualTo(1);
  }
}
