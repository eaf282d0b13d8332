package io.cloudpods.e2e;

import static io.cloudpods.testsupport.ControllerProcess.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudpods.embedded.EmbeddedDatabase;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.testsupport.ControllerProcess;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged controller, killed with SIGKILL at random moments while it provisions, scales and
 * deletes, and restarted: it must converge without duplicate containers, lost pods, leaked
 * addresses or VMIDs, and without touching foreign guests. PostgreSQL and the simulated cluster
 * live in the test process, so they outlive every controller process.
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
class CrashRecoveryIT {

  private static final String TOKEN = "crash-test-admin-token";
  private static final String SIM_TOKEN_ID = "cloudpods@pve!controller";
  private static final String SIM_SECRET = "4b8e2c1a-7f3d-4e6a-9c0b-2d5f8a1e3c77";

  @TempDir static Path work;
  private static EmbeddedDatabase db;
  private static ProxmoxSimulator sim;
  private static ControllerProcess controller;

  @BeforeAll
  static void startDatabaseAndCluster() throws Exception {
    db = EmbeddedDatabase.startEphemeral();
    sim =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(SIM_TOKEN_ID, SIM_SECRET)
                .timeScale(0.03)
                .resourcesLag(Duration.ofSeconds(10))
                .authFailureDelay(Duration.ZERO)
                .build());
    controller = new ControllerProcess(work, db, sim, TOKEN, Map.of());
  }

  @AfterAll
  static void stopAll() throws IOException {
    if (controller != null) {
      controller.close();
    }
    if (sim != null) {
      sim.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private static String podSet(int replicas) {
    return """
        apiVersion: cloudpods.io/v1alpha1
        kind: PodSet
        metadata: {name: crash, tenant: crashers}
        spec:
          replicas: %d
          template:
            spec: {cores: 1, memoryMb: 512, swapMb: 256, diskGb: 8}
        """
        .formatted(replicas);
  }

  private static int readyReplicas() {
    JsonNode set = controller.get("/api/v1/tenants/crashers/podsets/crash");
    return set == null ? -1 : set.path("status").path("readyReplicas").asInt(-1);
  }

  @Test
  void controllerKilledAtRandomMoments_convergesWithoutDuplicatesOrLeaks() throws Exception {
    SimCluster cluster = new SimCluster(sim);
    Map<Integer, String> foreignBefore = cluster.foreignDigests();
    Random random = new Random(20261125L);

    controller.start();
    controller.send(
        "POST",
        "/api/v1/apply",
        """
        apiVersion: cloudpods.io/v1alpha1
        kind: IpPool
        metadata: {name: default}
        spec: {cidr: 10.1.10.0/24, gateway: 10.1.10.1, rangeStart: 10.1.10.50, rangeEnd: 10.1.10.250, reserved: [10.1.10.70, 10.1.10.90]}
        ---
        apiVersion: cloudpods.io/v1alpha1
        kind: Tenant
        metadata: {name: crashers}
        spec: {displayName: Crash test}
        ---
        """
            + podSet(12));

    // provisioning, interrupted twice
    for (int i = 0; i < 2; i++) {
      Thread.sleep(1500 + random.nextInt(3000));
      controller.restart();
    }
    // scale down while it is still busy, then interrupt again
    controller.send("POST", "/api/v1/apply", podSet(8));
    Thread.sleep(1000 + random.nextInt(2000));
    controller.restart();

    waitUntil(Duration.ofMinutes(5), () -> readyReplicas() == 8 && cluster.managed().size() == 8);
    assertThat(controller.tasksAtKill())
        .as("Proxmox tasks running at each kill")
        .anyMatch(n -> n > 0);

    List<SimGuest> ours = cluster.managed();
    Set<String> uidTags = new HashSet<>();
    ours.forEach(g -> g.tags().stream().filter(t -> t.startsWith("cp-")).forEach(uidTags::add));
    assertThat(uidTags).as("one container per pod, no duplicates").hasSize(8);
    assertThat(ours.stream().map(SimGuest::ip).distinct()).hasSize(8);
    Map<Integer, String> seen = new HashMap<>();
    ours.forEach(g -> seen.put(g.vmid(), g.ip()));
    assertThat(controller.allocations())
        .as("database reservations equal what Proxmox has")
        .isEqualTo(seen);
    assertThat(cluster.foreignDigests()).isEqualTo(foreignBefore);

    // deletion, interrupted too
    controller.send("DELETE", "/api/v1/tenants/crashers/podsets/crash", null);
    Thread.sleep(500 + random.nextInt(1500));
    controller.restart();
    waitUntil(
        Duration.ofMinutes(5),
        () ->
            cluster.managed().isEmpty()
                && controller.get("/api/v1/tenants/crashers/podsets/crash") == null);
    assertThat(controller.allocations()).as("every VMID and address released").isEmpty();
    assertThat(cluster.foreignDigests()).isEqualTo(foreignBefore);
  }
}
