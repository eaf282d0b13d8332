package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.count;
import static io.cloudpods.testsupport.TestApi.jdbc;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.podSet;
import static io.cloudpods.testsupport.TestApi.pods;
import static io.cloudpods.testsupport.TestApi.tenant;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.totalRows;
import static io.cloudpods.testsupport.TestApi.uniqueVmid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deleting a tenant through the API and SQL, without a controller: what is marked, what is refused
 * meanwhile, and that a refused request stores nothing.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class TenantDeletionApiTest {

  @Test
  void delete_marksTheTenantItsPodSetsAndAllItsPods_andAnswersItDeleting() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "db", Map.of("ipPool", tp[1])),
        podSet(tp[0], "web", 2, Map.of("ipPool", tp[1])));
    // the PodSet's pods, as the controller would have created them
    insertOwned(tp[0], "web", 0);
    insertOwned(tp[0], "web", 1);

    admin()
        .delete("/api/v1/tenants/" + tp[0])
        .then()
        .statusCode(200)
        .body("kind", equalTo("Tenant"))
        .body("metadata.deletionTimestamp", notNullValue())
        .body("status.phase", equalTo("Deleting"));

    assertThat(count("SELECT count(*) FROM cloud_pod WHERE tenant = ?", tp[0])).isEqualTo(3);
    assertThat(
            count(
                "SELECT count(*) FROM cloud_pod WHERE tenant = ? AND deletion_timestamp IS NULL",
                tp[0]))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM pod_set WHERE tenant = ? AND deletion_timestamp IS NULL",
                tp[0]))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM events WHERE kind = 'Tenant' AND name = ? AND reason = 'Deleting'"
                    + " AND message LIKE '%1 PodSet(s) and 3 CloudPod(s)%'",
                tp[0]))
        .isEqualTo(1);
  }

  @Test
  void repeatedDelete_keepsTheFirstMark_andRecordsNoSecondEvent() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "db", Map.of("ipPool", tp[1])));
    String first =
        admin()
            .delete("/api/v1/tenants/" + tp[0])
            .then()
            .statusCode(200)
            .extract()
            .path("metadata.deletionTimestamp");
    long events = count("SELECT count(*) FROM events WHERE kind = 'Tenant' AND name = ?", tp[0]);

    admin()
        .delete("/api/v1/tenants/" + tp[0])
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", equalTo(first))
        .body("status.phase", equalTo("Deleting"));

    assertThat(count("SELECT count(*) FROM events WHERE kind = 'Tenant' AND name = ?", tp[0]))
        .isEqualTo(events);
  }

  @Test
  void deleteOfATenantThatOwnsNothing_removesItAtOnce() {
    String[] tp = tenantWithPool(null);

    admin()
        .delete("/api/v1/tenants/" + tp[0])
        .then()
        .statusCode(200)
        .body("status.phase", equalTo("Deleting"));

    admin().get("/api/v1/tenants/" + tp[0]).then().statusCode(404);
  }

  @Test
  void deleteWithStaleResourceVersion_answers409AndMarksNothing() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "db", Map.of("ipPool", tp[1])));

    admin()
        .delete("/api/v1/tenants/" + tp[0] + "?resourceVersion=999")
        .then()
        .statusCode(409)
        .body("details[0].field", equalTo("metadata.resourceVersion"));

    admin().get("/api/v1/tenants/" + tp[0]).then().body("status.phase", equalTo("Active"));
    assertThat(
            count(
                "SELECT count(*) FROM cloud_pod WHERE tenant = ? AND deletion_timestamp IS NOT NULL",
                tp[0]))
        .isZero();
  }

  @Test
  void deleteOfAnUnknownTenant_answers404() {
    admin().delete("/api/v1/tenants/no-such-tenant").then().statusCode(404);
  }

  @Test
  void whileDeleting_newPodsAndPodSets_areRefusedNamingTheTenant_andNothingIsStored() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "db", Map.of("ipPool", tp[1])));
    admin().delete("/api/v1/tenants/" + tp[0]).then().statusCode(200);
    long before = totalRows();

    admin()
        .body(List.of(pod(tp[0], "new", Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(409)
        .body("reason", equalTo("TenantTerminating"))
        .body("details[0].field", equalTo("items[0].metadata.tenant"))
        .body("message", org.hamcrest.Matchers.containsString(tp[0]));
    admin()
        .body(podSet(tp[0], "web", 1, Map.of("ipPool", tp[1])))
        .put("/api/v1/tenants/" + tp[0] + "/podsets/web")
        .then()
        .statusCode(409)
        .body("reason", equalTo("TenantTerminating"));
    Map<String, Object> seed = new HashMap<>();
    seed.put("tenantId", tp[0]);
    seed.put("vmid", uniqueVmid());
    seed.put("hostname", "seeded");
    admin().body(seed).post("/internal/cloudpods/create").then().statusCode(409);

    assertThat(totalRows()).isEqualTo(before);
    admin().get("/api/v1/tenants/" + tp[0] + "/cloudpods/new").then().statusCode(404);
    admin().get("/api/v1/tenants/" + tp[0] + "/podsets/web").then().statusCode(404);
  }

  @Test
  void whileDeleting_theTenantsSpec_cannotBeChanged() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "db", Map.of("ipPool", tp[1])));
    String rv =
        admin()
            .delete("/api/v1/tenants/" + tp[0])
            .then()
            .extract()
            .path("metadata.resourceVersion");

    admin()
        .body(tenant(tp[0], Map.of("maxPods", 99), List.of(tp[1])))
        .put("/api/v1/tenants/" + tp[0])
        .then()
        .statusCode(409)
        .body("reason", equalTo("TenantTerminating"))
        .body("details[0].field", equalTo("metadata.name"));

    admin()
        .get("/api/v1/tenants/" + tp[0])
        .then()
        .body("metadata.resourceVersion", equalTo(rv))
        .body("spec.quota", org.hamcrest.Matchers.nullValue());
  }

  // ---- direct SQL ----------------------------------------------------------------------------

  @Test
  void sqlDeleteOfATenantThatOwnsPods_becomesADeletionMark() throws SQLException {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "db", Map.of("ipPool", tp[1])));

    int deleted = sql("DELETE FROM tenant WHERE name = '" + tp[0] + "'");

    assertThat(deleted).isZero();
    admin()
        .get("/api/v1/tenants/" + tp[0])
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue())
        .body("status.phase", equalTo("Deleting"));
    assertThat(pods(tp[0])).isEqualTo(1);
  }

  @Test
  void sqlDeleteOfATenantThatOwnsNothing_deletesIt() throws SQLException {
    String[] tp = tenantWithPool(null);

    assertThat(sql("DELETE FROM tenant WHERE name = '" + tp[0] + "'")).isEqualTo(1);

    admin().get("/api/v1/tenants/" + tp[0]).then().statusCode(404);
  }

  @Test
  void sqlInsertOfAPodIntoATenantBeingDeleted_isRefused() throws SQLException {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "db", Map.of("ipPool", tp[1])));
    sql("UPDATE tenant SET deletion_timestamp = now() WHERE name = '" + tp[0] + "'");

    assertThatThrownBy(
            () ->
                sql(
                    "INSERT INTO cloud_pod (tenant, name, spec) VALUES ('"
                        + tp[0]
                        + "', 'late', '{}')"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("is being deleted");
    assertThat(pods(tp[0])).isEqualTo(1);
  }

  @Test
  void sqlCannotTakeBackATenantsDeletionMark() throws SQLException {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "db", Map.of("ipPool", tp[1])));
    admin().delete("/api/v1/tenants/" + tp[0]).then().statusCode(200);

    sql("UPDATE tenant SET deletion_timestamp = NULL WHERE name = '" + tp[0] + "'");

    admin().get("/api/v1/tenants/" + tp[0]).then().body("status.phase", equalTo("Deleting"));
  }

  private static int sql(String statement) throws SQLException {
    try (Connection c = jdbc();
        Statement s = c.createStatement()) {
      return s.executeUpdate(statement);
    }
  }

  /** A pod of the PodSet as the controller creates it (owner columns set). */
  private static void insertOwned(String tenant, String set, int ordinal) {
    try {
      sql(
          "INSERT INTO cloud_pod (tenant, name, spec, owner_kind, owner_name, owner_uid)"
              + " SELECT tenant, name || '-"
              + ordinal
              + "', '{}', 'PodSet', name, uid FROM pod_set WHERE tenant = '"
              + tenant
              + "' AND name = '"
              + set
              + "'");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
