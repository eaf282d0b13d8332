package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.auth.TokenStore;
import io.cloudpods.manager.ControllerManager;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.sim.Mutation;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A pod whose row and allocation vanish without the deletion protocol (as when the database is
 * restored from a backup older than the pod) leaves its container behind: the controller reports it
 * as an orphan, never modifies or destroys it, keeps its address out of IPAM, and stops reporting
 * it once it is gone. Resyncs are triggered by the test.
 */
@QuarkusTest
@TestProfile(OrphanReportTest.Profile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class OrphanReportTest {

  public static class Profile extends ControllerProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(super.getConfigOverrides());
      m.put("cloudpods.reconcile.resync.interval", "1h");
      m.put("cloudpods.reconcile.resync.orphan-grace", "1s");
      return m;
    }
  }

  private static final Duration CONVERGE = Duration.ofSeconds(120);

  @Inject ControllerManager manager;
  @Inject ProxmoxClient proxmox;
  @Inject TokenStore tokens;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @ConfigProperty(name = "quarkus.datasource.username")
  String jdbcUser;

  @ConfigProperty(name = "quarkus.datasource.password")
  String jdbcPassword;

  @Test
  void
      podRowAndAllocationGone_containerIsReportedNotTouched_addressStaysTaken_andReportEndsWhenItIsGone()
          throws Exception {
    ProxmoxSimulator sim = ProxmoxSimulatorResource.simulator();
    SimCluster cluster = new SimCluster(sim);
    String tenant = TestApi.unique("orph");
    String other = TestApi.unique("other");
    apply(
        TestApi.tenant(
            tenant, Map.of("maxPods", 10, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 200)),
        TestApi.tenant(other, null),
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
        TestApi.pod(tenant, "lost", size()));
    awaitReady(tenant, "lost");
    apply(TestApi.pod(tenant, "keep", size()));
    awaitReady(tenant, "keep");
    JsonPath lost = pod(tenant, "lost");
    int vmid = lost.getInt("status.vmid");
    String ip = lost.getString("status.ip");
    String uid = lost.getString("metadata.uid");
    assertThat(ip).as("the first pod has the first address of the range").isEqualTo("10.1.10.50");

    // the row and its allocation vanish in one transaction, as a restore of a backup older than
    // the pod would have it (a plain DELETE of the row only marks the pod for deletion): the
    // controller never learns the pod was wanted gone
    try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword)) {
      c.setAutoCommit(false);
      try (PreparedStatement allocation =
              c.prepareStatement("DELETE FROM pod_allocation WHERE pod_uid = CAST(? AS uuid)");
          PreparedStatement row =
              c.prepareStatement("DELETE FROM cloud_pod WHERE tenant = ? AND name = ?")) {
        allocation.setString(1, uid);
        assertThat(allocation.executeUpdate()).isEqualTo(1);
        row.setString(1, tenant);
        row.setString(2, "lost");
        assertThat(row.executeUpdate()).isEqualTo(1);
      }
      c.commit();
    }
    SimGuest before = cluster.guest(vmid).orElseThrow();
    int mutationsBefore = mutationsOf(sim, vmid);

    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              manager.resync();
              assertThat(admin().get("/api/v1/status").jsonPath().getInt("orphansTotal"))
                  .isEqualTo(1);
            });
    JsonPath status = admin().get("/api/v1/status").jsonPath();
    assertThat(status.getInt("orphans[0].vmid")).isEqualTo(vmid);
    assertThat(status.getString("orphans[0].node")).isEqualTo(before.node());
    assertThat(status.getString("orphans[0].ownerUid")).isEqualTo(uid);
    assertThat(status.getString("orphans[0].status")).isEqualTo("running");
    assertThat(status.getList("orphans[0].tags", String.class))
        .contains("cloudpods", "cp-" + uid, "tenant-" + tenant);
    assertThat(status.getString("orphans[0].since")).isNotBlank();
    List<Map<String, Object>> found = events("OrphanFound");
    assertThat(found).hasSize(1);
    assertThat(found.get(0))
        .containsEntry("vmid", vmid)
        .containsEntry("tenant", tenant)
        .containsEntry("level", "warn");

    // a tenant sees the orphans tagged with its name, no one else's
    String tenantToken = TestApi.tenantToken(tokens, tenant);
    String otherToken = TestApi.tenantToken(tokens, other);
    assertThat(as(tenantToken).get("/api/v1/status").jsonPath().getInt("orphansTotal"))
        .isEqualTo(1);
    assertThat(as(otherToken).get("/api/v1/status").jsonPath().getInt("orphansTotal")).isZero();
    assertThat(as(otherToken).get("/api/v1/status").jsonPath().getList("orphans")).isEmpty();

    // a new pod does not get the orphan's address, though IPAM no longer has a row holding it
    apply(TestApi.pod(tenant, "fresh", size()));
    awaitReady(tenant, "fresh");
    assertThat(pod(tenant, "fresh").getString("status.ip")).isNotEqualTo(ip);
    assertThat(pod(tenant, "fresh").getInt("status.vmid")).isNotEqualTo(vmid);

    // nothing was done to the orphan
    manager.resync();
    await().atMost(CONVERGE).until(() -> manager.backlog() == 0);
    SimGuest after = cluster.guest(vmid).orElseThrow();
    assertThat(after.get("digest")).isEqualTo(before.get("digest"));
    assertThat(after.status()).isEqualTo("running");
    assertThat(mutationsOf(sim, vmid)).isEqualTo(mutationsBefore);
    assertThat(events("OrphanFound")).as("reported once, not at every resync").hasSize(1);

    // an operator removes it: the report ends
    waitFor(proxmox.delete(before.node(), vmid, new DeleteOptions(true, true, true)));
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              manager.resync();
              assertThat(admin().get("/api/v1/status").jsonPath().getInt("orphansTotal")).isZero();
            });
    assertThat(admin().get("/api/v1/status").jsonPath().getList("orphans")).isEmpty();
    assertThat(events("OrphanGone"))
        .singleElement()
        .satisfies(e -> assertThat(e).containsEntry("vmid", vmid));
  }

  private static Map<String, Object> size() {
    return Map.of("cores", 1, "memoryMb", 512, "swapMb", 256, "diskGb", 8);
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

  private static JsonPath pod(String tenant, String name) {
    return admin()
        .get("/api/v1/tenants/" + tenant + "/cloudpods/" + name)
        .then()
        .extract()
        .jsonPath();
  }

  private static void awaitReady(String tenant, String name) {
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        pod(tenant, name)
                            .getString("status.conditions.find { it.type == 'Ready' }.status"))
                    .isEqualTo("True"));
  }

  private static List<Map<String, Object>> events(String reason) {
    List<Map<String, Object>> all =
        admin()
            .get("/api/v1/events?limit=1000")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    return all.stream().filter(e -> reason.equals(e.get("reason"))).toList();
  }

  private static int mutationsOf(ProxmoxSimulator sim, int vmid) {
    return (int) sim.mutations().stream().mapToInt(Mutation::vmid).filter(v -> v == vmid).count();
  }

  private void waitFor(Upid upid) {
    await().atMost(Duration.ofSeconds(60)).until(() -> proxmox.taskStatus(upid).isStopped());
  }
}
