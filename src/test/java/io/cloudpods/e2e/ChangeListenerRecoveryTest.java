package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.manager.ChangeListenerState;
import io.cloudpods.manager.ControllerManager;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every PostgreSQL connection of the running controller is cut, as a restart or a failover does.
 * The change listener reconnects and a pod written afterwards is acted on within seconds, not at
 * the next resync, which is an hour away here.
 */
@QuarkusTest
@TestProfile(ChangeListenerRecoveryTest.Profile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class ChangeListenerRecoveryTest {

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

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @ConfigProperty(name = "quarkus.datasource.username")
  String user;

  @ConfigProperty(name = "quarkus.datasource.password")
  String password;

  private static final Map<String, Object> SIZE =
      Map.of("cores", 1, "memoryMb", 512, "swapMb", 256, "diskGb", 8);

  @Test
  void everyDatabaseConnectionCut_theListenerReconnects_andANewPodIsActedOnWithinFiveSeconds()
      throws Exception {
    String tenant = TestApi.unique("failover");
    apply(
        TestApi.tenant(
            tenant, Map.of("maxPods", 10, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 200)),
        TestApi.pool("default"));
    await().atMost(Duration.ofSeconds(60)).until(this::listening);
    apply(TestApi.pod(tenant, "before", SIZE));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .until(() -> pod(tenant, "before").get("status.vmid") != null);
    Instant cutAt = Instant.now();

    int cut = cutEveryConnection();

    assertThat(cut).as("sessions cut").isGreaterThanOrEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> listening() && manager.changeListener().get().since().isAfter(cutAt));
    ChangeListenerState state = manager.changeListener().orElseThrow();
    assertThat(state.lastError()).isNotNull();
    assertThat(state.lastErrorAt()).isAfterOrEqualTo(cutAt);

    // the API's own pooled connections were cut too: the pool replaces them, no request fails
    assertThat(tryApply(TestApi.pod(tenant, "after", SIZE)))
        .as("first write after the cut")
        .isTrue();
    Instant written = Instant.now();

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> pod(tenant, "after").get("status.vmid") != null);
    assertThat(Duration.between(written, Instant.now())).isLessThan(Duration.ofSeconds(5));

    // readiness shows the listener back
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath health = given().get("/q/health/ready").then().extract().jsonPath();
              assertThat(
                      health.getString(
                          "checks.find { it.name == 'CloudPods controller' }.data.changeListener"))
                  .startsWith("connected since");
              assertThat(health.getString("status")).isEqualTo("UP");
            });
  }

  private boolean listening() {
    return manager.changeListener().map(ChangeListenerState::connected).orElse(false);
  }

  private int cutEveryConnection() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE pid <> pg_backend_pid() AND datname = current_database()")) {
      rs.next();
      return rs.getInt(1);
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

  private static boolean tryApply(Object... objects) {
    return admin().body(List.of(objects)).post("/api/v1/apply").statusCode() == 200;
  }

  private static JsonPath pod(String tenant, String name) {
    return admin()
        .get("/api/v1/tenants/" + tenant + "/cloudpods/" + name)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }
}
