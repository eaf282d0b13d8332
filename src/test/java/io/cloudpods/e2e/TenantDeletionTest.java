package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.cloudpods.manager.ControllerManager;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A tenant deleted like a Kubernetes namespace, against the simulator: its containers are
 * destroyed, its VMIDs and addresses released, and the tenant removed; also when the controller was
 * down while the deletion was requested, and when a control plane deleted the row by SQL.
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class TenantDeletionTest {

  private static final Map<String, Object> SIZE =
      Map.of("cores", 1, "memoryMb", 512, "swapMb", 0, "diskGb", 8, "cloneMode", "linked");

  @Inject ControllerManager manager;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @ConfigProperty(name = "quarkus.datasource.username")
  String user;

  @ConfigProperty(name = "quarkus.datasource.password")
  String password;

  private final SimCluster cluster = new SimCluster(ProxmoxSimulatorResource.simulator());

  @Test
  void deletingATenant_destroysItsContainers_releasesItsAddresses_andRemovesIt() throws Exception {
    String tenant = TestApi.unique("gone");
    List<Integer> vmids = tenantWithPodsRunning(tenant);

    admin()
        .delete("/api/v1/tenants/" + tenant)
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue())
        .body("status.phase", equalTo("Deleting"));
    // refused while it is being deleted, nothing stored
    admin()
        .body(List.of(TestApi.pod(tenant, "late", SIZE)))
        .post("/api/v1/apply")
        .then()
        .statusCode(409)
        .body("reason", equalTo("TenantTerminating"));

    awaitGone(tenant, vmids);
    assertThat(
            count(
                "SELECT count(*) FROM events WHERE kind = 'Tenant' AND name = ? AND reason = 'Deleted'",
                tenant))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM cloud_pod WHERE tenant = ?", tenant)).isZero();
  }

  @Test
  void deletionRequestedWhileTheControllerWasDown_finishesAfterItStarts() throws Exception {
    String tenant = TestApi.unique("restart");
    List<Integer> vmids = tenantWithPodsRunning(tenant);
    manager.stop();
    try {
      admin().delete("/api/v1/tenants/" + tenant).then().statusCode(200);
      // nothing happens without a controller: the containers stay, the tenant waits
      assertThat(vmids).allMatch(v -> cluster.guest(v).isPresent());
      admin().get("/api/v1/tenants/" + tenant).then().body("status.phase", equalTo("Deleting"));
    } finally {
      manager.start(); // the notifications were missed; the start-up resync finds the tenant
    }

    awaitGone(tenant, vmids);
  }

  @Test
  void sqlDeleteOfTheTenantRow_deletesItsPodsAndThenTheTenant() throws Exception {
    String tenant = TestApi.unique("sql");
    List<Integer> vmids = tenantWithPodsRunning(tenant);

    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        Statement s = c.createStatement()) {
      // the row stays (DELETE 0) and is marked; the controller marks the pods
      assertThat(s.executeUpdate("DELETE FROM tenant WHERE name = '" + tenant + "'")).isZero();
    }

    awaitGone(tenant, vmids);
  }

  /** The tenant with three pods and a PodSet of two, all running; their VMIDs. */
  private List<Integer> tenantWithPodsRunning(String tenant) {
    admin()
        .body(
            List.of(
                TestApi.tenant(tenant, null),
                TestApi.pool("default"),
                TestApi.pod(tenant, "a", SIZE),
                TestApi.pod(tenant, "b", SIZE),
                TestApi.pod(tenant, "c", SIZE),
                TestApi.podSet(tenant, "web", 2, SIZE)))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    List<String> names = List.of("a", "b", "c", "web-0", "web-1");
    List<Integer> vmids = new ArrayList<>();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              vmids.clear();
              for (String n : names) {
                JsonPath p =
                    admin()
                        .get("/api/v1/tenants/" + tenant + "/cloudpods/" + n)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
                assertThat(p.getString("status.phase")).isEqualTo("Running");
                vmids.add(p.getInt("status.vmid"));
              }
              assertThat(vmids).allMatch(v -> cluster.guest(v).isPresent());
            });
    return List.copyOf(vmids);
  }

  private void awaitGone(String tenant, List<Integer> vmids) throws Exception {
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .untilAsserted(() -> admin().get("/api/v1/tenants/" + tenant).then().statusCode(404));
    assertThat(vmids).allMatch(v -> cluster.guest(v).isEmpty());
    for (int v : vmids) {
      assertThat(count("SELECT count(*) FROM pod_allocation WHERE vmid = ?", v))
          .as("allocation of VMID %d", v)
          .isZero();
    }
    assertThat(count("SELECT count(*) FROM pod_set WHERE tenant = ?", tenant)).isZero();
  }

  /** The single number a query returns, from this test's own database. */
  private long count(String sql, Object... params) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
