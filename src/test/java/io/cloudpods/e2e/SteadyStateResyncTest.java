package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.manager.ControllerManager;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A resync of converged pods looks at the cluster list once and runs no pass for them; a pod the
 * list shows changed by hand gets its pass and is corrected. Resyncs are triggered by the test (the
 * scheduled one is an hour away) and deep verify is off for the duration.
 */
@QuarkusTest
@TestProfile(SteadyStateResyncTest.Profile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class SteadyStateResyncTest {

  public static class Profile extends ControllerProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(super.getConfigOverrides());
      m.put("cloudpods.reconcile.resync.interval", "1h");
      m.put("cloudpods.reconcile.resync.deep-verify-interval", "1h");
      return m;
    }
  }

  @Inject ControllerManager manager;
  @Inject ProxmoxClient proxmox;

  private static final Duration CONVERGE = Duration.ofSeconds(120);

  @Test
  void resyncOfConvergedPods_costsOneListRequest_andStillCorrectsDriftTheListShows() {
    ProxmoxSimulator sim = ProxmoxSimulatorResource.simulator();
    SimCluster cluster = new SimCluster(sim);
    String tenant = TestApi.unique("steady");
    admin()
        .body(
            List.of(
                TestApi.tenant(
                    tenant,
                    Map.of("maxPods", 10, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 200)),
                TestApi.object(
                    "IpPool",
                    Map.of("name", "default"),
                    Map.of(
                        "cidr",
                        "10.1.10.0/24",
                        "gateway",
                        "10.1.10.1",
                        "rangeStart",
                        "10.1.10.50",
                        "rangeEnd",
                        "10.1.10.250")),
                TestApi.podSet(
                    tenant,
                    "calm",
                    4,
                    Map.of("cores", 1, "memoryMb", 512, "swapMb", 256, "diskGb", 8))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    try {
      await()
          .ignoreExceptions()
          .atMost(CONVERGE)
          .until(
              () ->
                  admin()
                          .get("/api/v1/tenants/" + tenant + "/podsets/calm")
                          .jsonPath()
                          .getInt("status.readyReplicas")
                      == 4);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "PodSet not ready: "
              + admin().get("/api/v1/tenants/" + tenant + "/podsets/calm").asString()
              + "\nstatus: "
              + admin().get("/api/v1/status").asString(),
          e);
    }

    // once the (lagging) cluster list has caught up, a resync finds nothing to do
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> resyncAndDrain() == 0);
    Map<String, Long> before = sim.requestCounts();
    assertThat(resyncAndDrain()).isZero();
    assertThat(sim.requestCountsSince(before)).isEqualTo(Map.of("GET /cluster/resources", 1L));

    // cores changed by hand: the list shows it after its lag, the resync runs that pod's pass only
    SimGuest g =
        cluster.managed().stream()
            .filter(x -> x.tags().contains("podset-calm"))
            .findFirst()
            .orElseThrow();
    proxmox.updateConfig(g.node(), g.vmid(), ConfigUpdate.set(Map.of("cores", "3")));
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              resyncAndDrain();
              assertThat(cluster.guest(g.vmid()).orElseThrow().get("cores")).isEqualTo("1");
            });
  }

  /** Runs a resync, waits until the queue is empty, returns how many pods it enqueued. */
  private int resyncAndDrain() {
    manager.resync();
    int enqueued = manager.lastResyncEnqueued();
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> manager.backlog() == 0);
    return enqueued;
  }
}
