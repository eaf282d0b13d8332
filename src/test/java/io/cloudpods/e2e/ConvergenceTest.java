package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import io.cloudpods.testsupport.TestApi;
import io.cloudpods.testsupport.WriteAheadCheck;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller against the simulated cluster, end to end: objects written through the REST API,
 * containers observed in the simulator.
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class ConvergenceTest {

  private static final Duration CONVERGE = Duration.ofSeconds(180);

  @Inject ProxmoxClient proxmox;

  private SimCluster cluster;
  private String tenant;

  @BeforeEach
  void setUp() {
    cluster = new SimCluster(ProxmoxSimulatorResource.simulator());
    tenant = TestApi.unique("t");
    apply(
        TestApi.tenant(
            tenant,
            Map.of("maxPods", 50, "maxCores", 400, "maxMemoryMb", 400_000, "maxDiskGb", 2000)));
    if (admin().get("/api/v1/ippools/default").statusCode() == 404) {
      apply(
          TestApi.object(
              "IpPool",
              Map.of("name", "default"),
              Map.of(
                  "cidr", "10.1.10.0/24",
                  "gateway", "10.1.10.1",
                  "rangeStart", "10.1.10.50",
                  "rangeEnd", "10.1.10.250",
                  "reserved", List.of("10.1.10.70", "10.1.10.90"))));
    }
  }

  private static void apply(Object... objects) {
    admin()
        .body(List.of(objects))
        .post("/api/v1/apply")
        .then()
        .log()
        .ifValidationFails()
        .statusCode(200);
  }

  private JsonPath podSet(String name) {
    return admin()
        .get("/api/v1/tenants/" + tenant + "/podsets/" + name)
        .then()
        .extract()
        .jsonPath();
  }

  private JsonPath pod(String name) {
    return admin()
        .get("/api/v1/tenants/" + tenant + "/cloudpods/" + name)
        .then()
        .extract()
        .jsonPath();
  }

  private List<SimGuest> podsOf(String podSet) {
    return cluster.managed().stream().filter(g -> g.tags().contains("podset-" + podSet)).toList();
  }

  private static Map<String, Object> size(int cores, int memoryMb, int diskGb) {
    return Map.of("cores", cores, "memoryMb", memoryMb, "swapMb", 512, "diskGb", diskGb);
  }

  @Test
  void podSet_convergesScalesResizesAndDeletes_withoutTouchingForeignGuests() {
    Map<Integer, String> foreignBefore = cluster.foreignDigests();

    apply(TestApi.podSet(tenant, "web", 20, size(2, 2048, 8)));

    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> assertThat(podSet("web").getInt("status.readyReplicas")).isEqualTo(20));
    List<SimGuest> pods = podsOf("web");
    assertThat(pods).hasSize(20);
    assertThat(pods)
        .allSatisfy(
            g -> {
              assertThat(g.status()).isEqualTo("running");
              assertThat(g.pool()).isEqualTo("ClientPods");
              assertThat(g.get("cores")).isEqualTo("2");
              assertThat(g.get("net0")).contains("bridge=vmbr0").contains("gw=10.1.10.1");
              assertThat(g.get("nameserver")).isEqualTo("1.1.1.1 8.8.8.8");
              assertThat(g.get("hostname")).startsWith("web-");
            });
    assertThat(pods.stream().map(SimGuest::ip).distinct()).hasSize(20);
    assertThat(pods.stream().map(SimGuest::vmid))
        .allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(9001));
    assertNoLockFailureSurfaced();

    // scale down: the highest ordinals go
    apply(TestApi.podSet(tenant, "web", 5, size(2, 2048, 8)));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(() -> assertThat(podsOf("web")).hasSize(5));
    assertThat(podsOf("web").stream().map(g -> g.get("hostname")))
        .containsExactlyInAnyOrder("web-0", "web-1", "web-2", "web-3", "web-4");

    // resize: cores, memory and disk roll to every pod
    apply(TestApi.podSet(tenant, "web", 5, size(4, 4096, 12)));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(podsOf("web"))
                  .hasSize(5)
                  .allSatisfy(
                      g -> {
                        assertThat(g.get("cores")).isEqualTo("4");
                        assertThat(g.get("memory")).isEqualTo("4096");
                        assertThat(g.get("rootfs")).contains("size=12G");
                      });
              assertThat(podSet("web").getInt("status.readyReplicas")).isEqualTo(5);
            });

    // delete: nothing of ours left, every address free, foreign guests as they were
    admin().delete("/api/v1/tenants/" + tenant + "/podsets/web").then().statusCode(200);
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(podsOf("web")).isEmpty();
              assertThat(admin().get("/api/v1/tenants/" + tenant + "/podsets/web").statusCode())
                  .isEqualTo(404);
            });
    assertThat(
            admin()
                .get("/api/v1/tenants/" + tenant + "/cloudpods")
                .then()
                .extract()
                .jsonPath()
                .getList("items"))
        .isEmpty();
    assertThat(cluster.foreignDigests()).isEqualTo(foreignBefore);
  }

  private void assertNoLockFailureSurfaced() {
    List<Map<String, Object>> events =
        admin()
            .get("/api/v1/events?limit=1000&tenant=" + tenant)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    assertThat(events)
        .noneSatisfy(e -> assertThat(String.valueOf(e.get("message"))).contains("CT is locked"));
    assertThat(events).noneSatisfy(e -> assertThat(e.get("reason")).isEqualTo("TaskFailed"));
  }

  @Test
  void drift_madeByHand_isCorrected() throws Exception {
    apply(TestApi.pod(tenant, "drifty", size(2, 2048, 8)));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> assertThat(pod("drifty").getString("status.phase")).isEqualTo("Running"));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        pod("drifty")
                            .getString("status.conditions.find { it.type == 'Ready' }.status"))
                    .isEqualTo("True"));
    int vmid = pod("drifty").getInt("status.vmid");
    String node = pod("drifty").getString("status.node");
    String ip = pod("drifty").getString("status.ip");

    // size and network changed by hand
    proxmox.updateConfig(node, vmid, ConfigUpdate.set(Map.of("cores", "6", "memory", "1024")));
    String net0 = cluster.guest(vmid).orElseThrow().get("net0");
    proxmox.updateConfig(
        node,
        vmid,
        ConfigUpdate.set(Map.of("net0", net0.replace("ip=" + ip + "/24", "ip=10.1.10.249/24"))));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              SimGuest g = cluster.guest(vmid).orElseThrow();
              assertThat(g.get("cores")).isEqualTo("2");
              assertThat(g.get("memory")).isEqualTo("2048");
              assertThat(g.ip()).isEqualTo(ip);
            });

    // tags edited by hand (marker kept)
    SimGuest before = cluster.guest(vmid).orElseThrow();
    Set<String> tags = new HashSet<>(before.tags());
    tags.add("handmade");
    proxmox.updateConfig(node, vmid, ConfigUpdate.set(Map.of("tags", String.join(";", tags))));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(cluster.guest(vmid).orElseThrow().tags())
                    .containsExactlyInAnyOrderElementsOf(before.tags()));

    // stopped by hand: started again
    waitFor(proxmox.stop(node, vmid));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> assertThat(cluster.guest(vmid).orElseThrow().status()).isEqualTo("running"));

    // deleted by hand (force: the controller may already have started it again): recreated with
    // the same VMID and address
    waitFor(proxmox.delete(node, vmid, new DeleteOptions(true, true, true)));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              SimGuest g = cluster.guest(vmid).orElseThrow();
              assertThat(g.status()).isEqualTo("running");
              assertThat(g.ip()).isEqualTo(ip);
              assertThat(g.lock()).isNull();
            });
  }

  @Test
  void hostnameChangedByHand_isWrittenBack_andRestartOnlyWhenTheSpecAllowsIt() throws Exception {
    apply(TestApi.pod(tenant, "calm", size(1, 1024, 8)));
    Map<String, Object> restartable = new java.util.HashMap<>(size(1, 1024, 8));
    restartable.put("allowRestart", true);
    apply(TestApi.pod(tenant, "bouncy", restartable));
    for (String name : List.of("calm", "bouncy")) {
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .untilAsserted(
              () ->
                  assertThat(
                          pod(name)
                              .getString("status.conditions.find { it.type == 'Ready' }.status"))
                      .isEqualTo("True"));
    }
    int calm = pod("calm").getInt("status.vmid");
    int bouncy = pod("bouncy").getInt("status.vmid");
    List<String> bouncyEventsBefore = events("bouncy");

    proxmox.updateConfig("pve", calm, ConfigUpdate.set(Map.of("hostname", "renamed-by-hand")));
    proxmox.updateConfig("pve", bouncy, ConfigUpdate.set(Map.of("hostname", "renamed-by-hand")));

    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(cluster.guest(calm).orElseThrow().get("hostname")).isEqualTo("calm");
              assertThat(
                      pod("calm")
                          .getString("status.conditions.find { it.type == 'ConfigSynced' }.reason"))
                  .isEqualTo("RestartRequired");
            });
    assertThat(cluster.guest(calm).orElseThrow().status())
        .as("no surprise reboot")
        .isEqualTo("running");
    assertThat(events("calm")).noneMatch(e -> e.equals("ShuttingDown"));

    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              assertThat(cluster.guest(bouncy).orElseThrow().get("hostname")).isEqualTo("bouncy");
              assertThat(events("bouncy")).contains("ShuttingDown");
              assertThat(cluster.guest(bouncy).orElseThrow().status()).isEqualTo("running");
              assertThat(
                      pod("bouncy")
                          .getString("status.conditions.find { it.type == 'Ready' }.status"))
                  .isEqualTo("True");
            });
    assertThat(bouncyEventsBefore).doesNotContain("ShuttingDown");
  }

  private List<String> events(String name) {
    List<Map<String, Object>> all =
        admin()
            .get("/api/v1/events?limit=1000&tenant=" + tenant)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    return all.stream()
        .filter(e -> name.equals(e.get("name")))
        .map(e -> String.valueOf(e.get("reason")))
        .toList();
  }

  @Test
  void containerWithoutMarker_atThePodsVmid_isNeverTouched_andShowsAsConflict() throws Exception {
    int vmid = 9950;
    waitFor(handmadeClone(vmid, "handmade"));
    Map<Integer, String> before = cluster.foreignDigests();
    assertThat(before).containsKey(vmid);

    Map<String, Object> spec = new java.util.HashMap<>(size(4, 4096, 8));
    spec.put("vmid", vmid);
    apply(TestApi.pod(tenant, "squatter", spec));

    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        pod("squatter")
                            .getString(
                                "status.conditions.find { it.type == 'Provisioned' }.reason"))
                    .isEqualTo("VmidConflict"));
    assertThat(pod("squatter").getString("status.phase")).isEqualTo("Failed");

    admin().delete("/api/v1/tenants/" + tenant + "/cloudpods/squatter").then().statusCode(200);
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        admin()
                            .get("/api/v1/tenants/" + tenant + "/cloudpods/squatter")
                            .statusCode())
                    .isEqualTo(404));
    assertThat(cluster.foreignDigests().get(vmid)).isEqualTo(before.get(vmid));
  }

  @Test
  void addressConfiguredOnAForeignContainer_isNeverHandedOut_andAnExplicitRequestShowsAConflict()
      throws Exception {
    int vmid = 9960;
    waitFor(handmadeClone(vmid, "handmade-net"));
    proxmox.updateConfig(
        "pve",
        vmid,
        ConfigUpdate.set(Map.of("net0", "name=eth0,bridge=vmbr0,ip=10.1.10.240/24,gw=10.1.10.1")));
    Thread.sleep(
        5000); // two resyncs: the controller reads the configs of guests that are not CloudPods

    Map<String, Object> spec = new java.util.HashMap<>(size(1, 1024, 8));
    spec.put("ip", "10.1.10.240");
    apply(TestApi.pod(tenant, "clash", spec));

    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        pod("clash")
                            .getString(
                                "status.conditions.find { it.type == 'Provisioned' }.reason"))
                    .isEqualTo("IpConflict"));
    assertThat(
            pod("clash").getString("status.conditions.find { it.type == 'Provisioned' }.message"))
        .contains("9960");
    assertThat(cluster.managed()).noneSatisfy(g -> assertThat(g.ip()).isEqualTo("10.1.10.240"));
    assertThat(cluster.guest(vmid).orElseThrow().ip()).isEqualTo("10.1.10.240");
    admin().delete("/api/v1/tenants/" + tenant + "/cloudpods/clash").then().statusCode(200);
  }

  @Test
  void faultsInjected_areSurvived() {
    var sim = ProxmoxSimulatorResource.simulator();
    long from = System.currentTimeMillis();
    sim.setFaults(0.10, 0.05, 0.05, 0, 20, 7);
    try {
      apply(TestApi.podSet(tenant, "flaky", 6, size(1, 1024, 8)));
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> assertThat(podSet("flaky").getInt("status.readyReplicas")).isEqualTo(6));
    } finally {
      sim.setFaults(0, 0, 0, 0, 0, 7);
    }
    List<SimGuest> pods = podsOf("flaky");
    assertThat(pods).hasSize(6);
    assertThat(pods.stream().map(SimGuest::ip).distinct()).hasSize(6);
    Set<Integer> vmids = new HashSet<>(pods.stream().map(SimGuest::vmid).toList());
    admin().delete("/api/v1/tenants/" + tenant + "/podsets/flaky").then().statusCode(200);
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(() -> assertThat(podsOf("flaky")).isEmpty());

    // write-ahead: every change Proxmox made to these pods, lost answers included, was logged first
    List<WriteAheadCheck.LoggedEvent> events =
        admin()
            .get("/api/v1/events?limit=10000&tenant=" + tenant)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$", Map.class)
            .stream()
            .flatMap( // a repeated event is one entry (a series) with its count
                e ->
                    WriteAheadCheck.occurrences(
                        java.time.Instant.parse(String.valueOf(e.get("ts"))),
                        java.time.Instant.parse(String.valueOf(e.get("lastSeen"))),
                        ((Number) e.get("count")).intValue(),
                        String.valueOf(e.get("reason")),
                        e.get("vmid") == null ? null : ((Number) e.get("vmid")).intValue())
                        .stream())
            .toList();
    List<io.cloudpods.sim.Mutation> mutations =
        sim.mutations().stream()
            .filter(m -> m.timeMillis() >= from && vmids.contains(m.vmid()))
            .toList();
    assertThat(mutations)
        .extracting(io.cloudpods.sim.Mutation::type)
        .contains("clone", "config", "start", "destroy");
    assertThat(WriteAheadCheck.gaps(mutations, events, m -> true, Duration.ofMillis(5))).isEmpty();
  }

  /**
   * A container made by hand from the template, the way an operator's script does it: a clone
   * started while the controller's own clone holds the template's {@code disk} lock is retried, as
   * Proxmox asks.
   */
  private Upid handmadeClone(int vmid, String hostname) {
    io.cloudpods.proxmox.CloneRequest request =
        io.cloudpods.proxmox.CloneRequest.builder(vmid)
            .hostname(hostname)
            .fullCloneTo("clients-main")
            .build();
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreException(io.cloudpods.proxmox.ProxmoxLockedException.class)
        .until(() -> proxmox.cloneContainer("pve", 9000, request), u -> u != null);
  }

  private void waitFor(Upid upid) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              TaskStatus s = proxmox.taskStatus(upid);
              return s.isStopped();
            });
  }
}
