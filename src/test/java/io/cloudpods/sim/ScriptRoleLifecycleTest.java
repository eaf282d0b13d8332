package io.cloudpods.sim;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.e2e.ControllerProfile;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * The controller's whole pod lifecycle with exactly the token {@code config/proxmox-token-setup.sh}
 * makes: Proxmox (the simulator, enforcing privileges as Proxmox does) never refuses a call, so the
 * script's role is enough.
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ScriptTokenSimulatorResource.class)
class ScriptRoleLifecycleTest {
  private static final Duration CONVERGE = Duration.ofSeconds(120);

  private static void apply(Object... objects) {
    admin()
        .body(List.of(objects))
        .post("/api/v1/apply")
        .then()
        .log()
        .ifValidationFails()
        .statusCode(200);
  }

  private static Map<String, Object> spec(int cores, int memoryMb, int diskGb, String power) {
    Map<String, Object> m = new HashMap<>();
    m.put("cores", cores);
    m.put("memoryMb", memoryMb);
    m.put("swapMb", 512);
    m.put("diskGb", diskGb);
    m.put("powerState", power);
    return m;
  }

  @Test
  void createResizeStopStartDelete_withExactlyTheScriptsToken_meetsNoRefusal() {
    ProxmoxSimulator sim = ScriptTokenSimulatorResource.simulator();
    SimCluster cluster = new SimCluster(sim);
    String tenant = TestApi.unique("t");
    apply(
        TestApi.tenant(
            tenant, Map.of("maxPods", 5, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 200)));
    if (admin().get("/api/v1/ippools/default").statusCode() == 404) {
      apply(
          TestApi.object(
              "IpPool",
              Map.of("name", "default"),
              Map.of(
                  "cidr", "10.1.10.0/24",
                  "gateway", "10.1.10.1",
                  "rangeStart", "10.1.10.50",
                  "rangeEnd", "10.1.10.250")));
    }
    Map<Integer, String> foreignBefore = cluster.foreignDigests();

    apply(TestApi.pod(tenant, "lp", spec(2, 2048, 8, "Running")));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .until(() -> pod(cluster, tenant).map(g -> g.status().equals("running")).orElse(false));
    SimGuest created = pod(cluster, tenant).orElseThrow();
    assertThat(created.pool()).isEqualTo("ClientPods");

    apply(TestApi.pod(tenant, "lp", spec(4, 4096, 12, "Running")));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () -> {
              SimGuest g = pod(cluster, tenant).orElseThrow();
              assertThat(g.get("cores")).isEqualTo("4");
              assertThat(g.get("memory")).isEqualTo("4096");
              assertThat(g.get("rootfs")).contains("size=12G");
              assertThat(g.status()).isEqualTo("running");
            });

    apply(TestApi.pod(tenant, "lp", spec(4, 4096, 12, "Stopped")));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .until(() -> pod(cluster, tenant).orElseThrow().status().equals("stopped"));

    apply(TestApi.pod(tenant, "lp", spec(4, 4096, 12, "Running")));
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .until(() -> pod(cluster, tenant).orElseThrow().status().equals("running"));

    admin().delete("/api/v1/tenants/" + tenant + "/cloudpods/lp").then().statusCode(200);
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .until(() -> cluster.guest(created.vmid()).isEmpty());

    // The one refusal the controller meets by design: before the clone, it probes the new ID's
    // config, which the token may not read (the ID is in no pool yet); it then asks /cluster/nextid
    // whether the ID is free. Anything else refused would mean the script's role is not enough.
    String probe =
        "GET /nodes/pve/lxc/"
            + created.vmid()
            + "/config: Permission check failed (/vms/"
            + created.vmid()
            + ", VM.Audit)";
    assertThat(sim.permissionDenials()).allSatisfy(d -> assertThat(d).isEqualTo(probe));
    assertThat(cluster.foreignDigests()).isEqualTo(foreignBefore);
    // the calls were made with the script's token, not with a more powerful one
    SimClient root =
        new SimClient(sim, new OkHttpClient(), ScriptTokenSimulatorResource.rootAuthorization());
    List<String> cloners = new java.util.ArrayList<>();
    root.get("/nodes/pve/tasks?typefilter=vzclone&limit=1000")
        .data()
        .forEach(t -> cloners.add(t.get("user").asText() + "!" + t.get("tokenid").asText()));
    assertThat(cloners).isNotEmpty().containsOnly(ScriptTokenSimulatorResource.token().id());
  }

  private static Optional<SimGuest> pod(SimCluster cluster, String tenant) {
    return cluster.managed().stream().filter(g -> g.get("hostname").equals("lp")).findFirst();
  }
}
