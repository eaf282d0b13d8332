package io.cloudpods.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxAlreadyExistsException;
import io.cloudpods.proxmox.ProxmoxAuthException;
import io.cloudpods.proxmox.ProxmoxDigestConflictException;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxLockTimeoutException;
import io.cloudpods.proxmox.ProxmoxLockedException;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxParameterException;
import io.cloudpods.proxmox.ProxmoxPowerStateException;
import io.cloudpods.proxmox.ProxmoxTlsException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.proxmox.ResourceType;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.sim.TimingModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract between our Proxmox client and the simulator: every behaviour the controller relies
 * on, exercised through the real client over real HTTPS against the simulator, so the client's
 * parsing and error classification are proven against the same protocol the controller meets.
 */
class ClientSimulatorContractTest {

  private static final String TOKEN_ID = "cloudpods@pve!contract";
  private static final String SECRET = "8c1f2b7e-4d3a-4f6b-9e21-7a5d0c9b3e18";

  private static ProxmoxSimulator sim;
  private static HttpProxmoxClient client;

  @BeforeAll
  static void start() {
    sim =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .token(TOKEN_ID, SECRET)
                .timeScale(0.05)
                .resourcesLag(Duration.ofSeconds(10))
                .authFailureDelay(Duration.ZERO)
                .build());
    client = new HttpProxmoxClient(settings(TOKEN_ID, SECRET).withFingerprint(sim.fingerprint()));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private static ProxmoxClientSettings settings(String tokenId, String secret) {
    return ProxmoxClientSettings.of(sim.baseUrl(), tokenId, secret);
  }

  private static TaskStatus finish(Upid upid) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> client.taskStatus(upid).isStopped());
    return client.taskStatus(upid);
  }

  private static int fullClone(int newid, String hostname) {
    TaskStatus t =
        finish(
            client.cloneContainer(
                "pve",
                9000,
                CloneRequest.builder(newid)
                    .hostname(hostname)
                    .fullCloneTo("clients-main")
                    .build()));
    assertThat(t.isOk()).as("clone %d: %s", newid, t.exitStatus()).isTrue();
    return newid;
  }

  // ---- TLS ------------------------------------------------------------------------------------

  @Test
  void tls_pinnedFingerprintMatches_callsSucceed() {
    assertThat(client.version().version()).isNotBlank();
    assertThat(client.nodes()).extracting(n -> n.node()).contains("pve");
  }

  @Test
  void tls_pinnedFingerprintMismatch_failsNamingBothFingerprints() {
    String wrong = "AA:" + sim.fingerprint().substring(3).replace('0', '1').replace('A', 'B');
    try (HttpProxmoxClient pinned =
        new HttpProxmoxClient(settings(TOKEN_ID, SECRET).withFingerprint(wrong))) {
      assertThatThrownBy(pinned::version)
          .isInstanceOf(ProxmoxTlsException.class)
          .hasMessageContaining(wrong)
          .hasMessageContaining(sim.fingerprint());
    }
  }

  @Test
  void tls_defaultVerificationAgainstSelfSignedCertificate_isRefused() {
    try (HttpProxmoxClient verifying = new HttpProxmoxClient(settings(TOKEN_ID, SECRET))) {
      assertThatThrownBy(verifying::version).isInstanceOf(ProxmoxTlsException.class);
    }
  }

  // ---- auth -----------------------------------------------------------------------------------

  @Test
  void auth_wrongSecret_isAuthFailureAndNotRetryable() {
    try (HttpProxmoxClient bad =
        new HttpProxmoxClient(
            settings(TOKEN_ID, "00000000-0000-0000-0000-000000000000")
                .withFingerprint(sim.fingerprint()))) {
      assertThatThrownBy(bad::nodes)
          .isInstanceOf(ProxmoxAuthException.class)
          .satisfies(e -> assertThat(((ProxmoxException) e).isRetryable()).isFalse())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("00000000-0000"));
    }
  }

  @Test
  void auth_unknownToken_isAuthFailure() {
    try (HttpProxmoxClient bad =
        new HttpProxmoxClient(
            settings("nobody@pve!ghost", SECRET).withFingerprint(sim.fingerprint()))) {
      assertThatThrownBy(bad::version).isInstanceOf(ProxmoxAuthException.class);
    }
  }

  // ---- layout and lists -----------------------------------------------------------------------

  @Test
  void clusterResources_seedLayout_showsTemplateInfraAndStorages() {
    List<ClusterResource> all = client.clusterResources();
    assertThat(all)
        .filteredOn(r -> r instanceof ClusterResource.Guest g && g.vmid() == 9000)
        .singleElement()
        .satisfies(
            r -> {
              ClusterResource.Guest g = (ClusterResource.Guest) r;
              assertThat(g.template()).isTrue();
              assertThat(g.pool()).contains("ClientPods");
            });
    assertThat(client.clusterContainers())
        .filteredOn(g -> g.vmid() >= 100 && g.vmid() <= 499)
        .isNotEmpty()
        .allSatisfy(g -> assertThat(g.pool()).contains("MigraTeck_Production"));
    assertThat(client.clusterResources(ResourceType.STORAGE))
        .extracting(r -> ((ClusterResource.Storage) r).storage())
        .contains(
            "local", "clients-main", "clients-backup", "vzdump-backups", "t7-backup", "iso-store");
  }

  @Test
  void nextId_reservesNothing_andTakenVmidIsNotFree() {
    int a = client.nextId();
    int b = client.nextId();
    assertThat(a).isEqualTo(b);
    assertThat(client.isVmidFree(9000)).isFalse();
    assertThat(client.isVmidFree(a)).isTrue();
  }

  // ---- clone, config, power, destroy ----------------------------------------------------------

  @Test
  void lifecycle_cloneConfigureStartStopDestroy_throughTheClient() {
    int vmid = fullClone(9101, "contract-1");
    LxcConfig c = client.getConfig("pve", vmid);
    assertThat(c.hostname()).contains("contract-1");
    assertThat(c.template()).isFalse();
    assertThat(c.lock()).isEmpty();

    client.updateConfig(
        "pve",
        vmid,
        ConfigUpdate.set(
                Map.of(
                    "cores",
                    "3",
                    "net0",
                    "name=eth0,bridge=vmbr0,ip=10.1.10.91/24,gw=10.1.10.1",
                    "tags",
                    "Web;cloudpods"))
            .withDigest(c.digest()));
    LxcConfig after = client.getConfig("pve", vmid);
    assertThat(after.cores()).hasValue(3);
    assertThat(after.nets().get(0))
        .startsWith("name=eth0,bridge=vmbr0,gw=10.1.10.1,hwaddr=BC:24:11:")
        .endsWith("ip=10.1.10.91/24,type=veth");
    assertThat(after.tags()).containsExactly("cloudpods", "web");
    assertThat(after.digest()).isNotEqualTo(c.digest());

    assertThatThrownBy(
            () ->
                client.updateConfig(
                    "pve", vmid, ConfigUpdate.set(Map.of("cores", "4")).withDigest(c.digest())))
        .isInstanceOf(ProxmoxDigestConflictException.class);

    assertThat(finish(client.start("pve", vmid)).isOk()).isTrue();
    assertThat(client.status("pve", vmid).status()).isEqualTo(PowerState.RUNNING);
    assertThatThrownBy(() -> client.start("pve", vmid))
        .isInstanceOf(ProxmoxPowerStateException.class);
    assertThatThrownBy(() -> client.delete("pve", vmid, DeleteOptions.DEFAULT))
        .isInstanceOf(ProxmoxPowerStateException.class)
        .hasMessageContaining("container is running");

    assertThat(finish(client.shutdown("pve", vmid, 10, true)).isOk()).isTrue();
    assertThat(finish(client.delete("pve", vmid, DeleteOptions.DEFAULT)).isOk()).isTrue();
    assertThatThrownBy(() -> client.getConfig("pve", vmid))
        .isInstanceOf(ProxmoxNotFoundException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void clone_toExistingVmid_isAlreadyExists() {
    assertThatThrownBy(
            () ->
                client.cloneContainer(
                    "pve",
                    9000,
                    CloneRequest.builder(101).hostname("x").fullCloneTo("clients-main").build()))
        .isInstanceOf(ProxmoxAlreadyExistsException.class);
  }

  @Test
  void clone_concurrentOfSameTemplate_secondIsLockedDiskAndRetryable() throws Exception {
    Upid first =
        client.cloneContainer(
            "pve",
            9000,
            CloneRequest.builder(9201).hostname("race-1").fullCloneTo("clients-main").build());
    try {
      assertThatThrownBy(
              () ->
                  client.cloneContainer(
                      "pve",
                      9000,
                      CloneRequest.builder(9202)
                          .hostname("race-2")
                          .fullCloneTo("clients-main")
                          .build()))
          .isInstanceOfSatisfying(
              ProxmoxLockedException.class,
              e -> {
                assertThat(e.lock()).isEqualTo("disk");
                assertThat(e.isRetryable()).isTrue();
              });
    } finally {
      assertThat(finish(first).isOk()).isTrue();
    }
    assertThat(client.getConfig("pve", 9201).lock()).isEmpty();
  }

  @Test
  void clone_linkedWithStorage_isRefusedBeforeSending() {
    assertThatThrownBy(() -> CloneRequest.builder(9300).storage("clients-main").full(false).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parameterError_unknownParameter_namesTheField() {
    assertThatThrownBy(
            () -> client.updateConfig("pve", 9000, ConfigUpdate.set(Map.of("nosuchkey", "1"))))
        .isInstanceOfSatisfying(
            ProxmoxParameterException.class, e -> assertThat(e.errors()).containsKey("nosuchkey"));
  }

  @Test
  void lockTimeout_storageAllocationsQueuedPastTenSeconds_failTheirTasksWithLockTimeout()
      throws Exception {
    // clones of different sources so the template disk lock does not serialise them first; made
    // at the class's fast timing
    List<Integer> sources =
        List.of(
            fullClone(9401, "src-1"),
            fullClone(9402, "src-2"),
            fullClone(9403, "src-3"),
            fullClone(9404, "src-4"));
    for (int s : sources) {
      client.convertToTemplate("pve", s);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> sources.stream().allMatch(s -> client.getConfig("pve", s).template()));
    TimingModel before = sim.timing();
    // allocation takes 4 s, so the fourth allocation queued waits 12 s, past the 10 s lock timeout;
    // at time scale 0.5 the requests may arrive up to 1 s apart (a loaded machine) and it still
    // does. The copy runs after the allocation lock is released, so it is made short.
    sim.setTiming(
        before.with(
            Map.of(
                "storageAllocation", Duration.ofSeconds(4),
                "fullClonePerGiB", Duration.ofMillis(100)),
            0.5));
    try {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Upid>> started = new java.util.ArrayList<>();
        int n = 0;
        for (int s : sources) {
          int newid = 9411 + n++;
          Callable<Upid> c =
              () ->
                  client.cloneContainer(
                      "pve",
                      s,
                      CloneRequest.builder(newid)
                          .hostname("alloc-" + newid)
                          .fullCloneTo("clients-main")
                          .build());
          started.add(pool.submit(c));
        }
        List<TaskStatus> results = new java.util.ArrayList<>();
        for (Future<Upid> f : started) {
          results.add(finish(f.get()));
        }
        assertThat(results)
            .anySatisfy(
                t -> {
                  assertThat(t.isFailed()).isTrue();
                  assertThat(t.failure()).get().isInstanceOf(ProxmoxLockTimeoutException.class);
                  assertThat(t.exitStatus().orElseThrow()).contains("got timeout");
                });
      } finally {
        pool.shutdownNow();
      }
    } finally {
      if (sim != null) {
        sim.setTiming(before);
      }
    }
  }

  @Test
  void lostResponse_actionHappensButCallerSeesTransientError() {
    sim.setFaults(0, 1.0, 0, 0, 0, 11);
    Upid upid = null;
    try {
      assertThatThrownBy(
              () ->
                  client.cloneContainer(
                      "pve",
                      9000,
                      CloneRequest.builder(9501)
                          .hostname("lost")
                          .fullCloneTo("clients-main")
                          .build()))
          .isInstanceOfSatisfying(
              ProxmoxException.class, e -> assertThat(e.isRetryable()).isTrue());
    } finally {
      sim.setFaults(0, 0, 0, 0, 0, 11);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> client.isVmidFree(9501) == false);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.getConfig("pve", 9501).lock().isEmpty());
    assertThatThrownBy(
            () ->
                client.cloneContainer(
                    "pve",
                    9000,
                    CloneRequest.builder(9501)
                        .hostname("lost")
                        .fullCloneTo("clients-main")
                        .build()))
        .as("a retry of the same clone sees the container the lost call created")
        .isInstanceOf(ProxmoxAlreadyExistsException.class);
    assertThat(upid).isNull();
  }

  @Test
  void injectedError_nothingHappensAndErrorIsTransient() {
    sim.setFaults(1.0, 0, 0, 0, 0, 13);
    try {
      assertThatThrownBy(() -> client.start("pve", 100))
          .isInstanceOfSatisfying(
              ProxmoxException.class,
              e -> {
                assertThat(e.isRetryable()).isTrue();
                assertThat(e).isInstanceOf(ProxmoxUnavailableException.class);
              });
    } finally {
      sim.setFaults(0, 0, 0, 0, 0, 13);
    }
  }

  @Test
  void taskStatus_exitStatusOnlyWhenStopped_andLogEndsWithTaskOk() {
    Upid upid =
        client.cloneContainer(
            "pve",
            9000,
            CloneRequest.builder(9601).hostname("tasky").fullCloneTo("clients-main").build());
    assertThat(upid.type()).isEqualTo("vzclone");
    assertThat(upid.id()).isEqualTo("9000");
    assertThat(upid.user()).isEqualTo(TOKEN_ID);
    TaskStatus running = client.taskStatus(upid);
    if (running.running()) {
      assertThat(running.exitStatus()).isEmpty();
    }
    TaskStatus done = finish(upid);
    assertThat(done.exitStatus()).contains("OK");
    var log = client.taskLog(upid, 0, 500);
    assertThat(log.lines().get(log.lines().size() - 1).text()).isEqualTo("TASK OK");
  }

  @Test
  void template_startFailsInsideTheTask() {
    TaskStatus t = finish(client.start("pve", 9000));
    assertThat(t.isFailed()).isTrue();
    assertThat(t.exitStatus()).get().asString().contains("template");
  }

  @Test
  void listContainers_vmidAsStringOnOldServers_parsesTheSame() {
    try (ProxmoxSimulator old =
            ProxmoxSimulator.start(
                SimulatorOptions.builder()
                    .bindHost("127.0.0.1")
                    .port(0)
                    .http(true)
                    .token(TOKEN_ID, SECRET)
                    .pveVersion("7.4-16")
                    .authFailureDelay(Duration.ZERO)
                    .build());
        HttpProxmoxClient oldClient =
            new HttpProxmoxClient(ProxmoxClientSettings.of(old.baseUrl(), TOKEN_ID, SECRET))) {
      assertThat(oldClient.listContainers("pve")).extracting(s -> s.vmid()).contains(9000, 101);
      assertThat(oldClient.pool("ClientPods").members()).isNotEmpty();
    }
  }

  @Test
  void pools_newForm_readsMembers() {
    assertThat(client.pools())
        .extracting(p -> p.poolId())
        .contains("ClientPods", "MigraTeck_Production");
    assertThat(client.pool("ClientPods").members()).isNotEmpty();
    assertThatThrownBy(() -> client.pool("NoSuchPool"))
        .isInstanceOf(ProxmoxNotFoundException.class);
  }

  @Test
  void unreachableServer_isTransient() {
    try (HttpProxmoxClient nowhere =
        new HttpProxmoxClient(
            ProxmoxClientSettings.of("http://127.0.0.1:1/api2/json", TOKEN_ID, SECRET)
                .withTimeouts(
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)))) {
      assertThatThrownBy(nowhere::version)
          .isInstanceOfSatisfying(
              ProxmoxUnavailableException.class, e -> assertThat(e.isRetryable()).isTrue());
    }
    assertThat(Optional.of(client)).isPresent();
  }
}
