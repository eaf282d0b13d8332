package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Placement on a three-node cluster, each node with its own template and storage. */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(
    value = ProxmoxSimulatorResource.class,
    initArgs = @ResourceArg(name = "nodes", value = "3"))
class MultiNodeConvergenceTest {

  @Test
  void podSet_onThreeNodes_isSpreadEvenly_clonedFromEachNodesOwnTemplate() {
    String tenant = TestApi.unique("mn");
    admin()
        .body(
            List.of(
                TestApi.tenant(tenant, null),
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
                    "spread",
                    6,
                    Map.of("cores", 1, "memoryMb", 1024, "diskGb", 8, "cloneMode", "linked"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);

    SimCluster cluster = new SimCluster(ProxmoxSimulatorResource.simulator());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () ->
                assertThat(
                        admin()
                            .get("/api/v1/tenants/" + tenant + "/podsets/spread")
                            .then()
                            .extract()
                            .jsonPath()
                            .getInt("status.readyReplicas"))
                    .isEqualTo(6));

    List<SimGuest> pods = cluster.managed();
    Map<String, Long> perNode =
        pods.stream().collect(Collectors.groupingBy(SimGuest::node, Collectors.counting()));
    assertThat(perNode)
        .containsOnlyKeys("pve", "pve-02", "pve-03")
        .allSatisfy((node, n) -> assertThat(n).isEqualTo(2L));
    assertThat(pods)
        .allSatisfy(
            g ->
                assertThat(g.get("rootfs"))
                    .as("linked clone of the node's own base volume")
                    .contains("basevol-"));
  }
}
