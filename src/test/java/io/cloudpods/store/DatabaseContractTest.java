package io.cloudpods.store;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.jdbc;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The contract for a control plane that writes the tables directly: plain INSERTs work, the
 * database fills uid/generation/resourceVersion, and NOTIFY wakes the controller on spec and
 * metadata changes but not on the controller's own status writes.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class DatabaseContractTest {

  @Inject CloudPodStore pods;

  /** Runs {@code action} while listening on the channel and returns the payloads received. */
  private static List<JsonNode> notificationsDuring(SqlAction action) throws Exception {
    try (Connection listener = jdbc()) {
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN cloudpods_changes");
      }
      action.run();
      List<JsonNode> out = new ArrayList<>();
      PGConnection pg = listener.unwrap(PGConnection.class);
      long deadline = System.currentTimeMillis() + 800;
      while (System.currentTimeMillis() < deadline) {
        PGNotification[] batch = pg.getNotifications(100);
        if (batch != null) {
          for (PGNotification n : batch) {
            out.add(Json.MAPPER.readTree(n.getParameter()));
          }
        }
      }
      return out;
    }
  }

  interface SqlAction {
    void run() throws Exception;
  }

  private static void sql(String statement, Object... params) throws Exception {
    try (Connection c = jdbc();
        PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.execute();
    }
  }

  @Test
  void plainSqlInsert_notifiesAndIsServedWithDefaults() throws Exception {
    String[] tp = tenantWithPool(null);
    List<JsonNode> notes =
        notificationsDuring(
            () ->
                sql(
                    "INSERT INTO cloud_pod (tenant, name, spec) VALUES (?, 'from-sql', CAST(? AS jsonb))",
                    tp[0],
                    "{\"cores\": 3, \"ipPool\": \"" + tp[1] + "\"}"));
    assertThat(notes)
        .anySatisfy(
            n -> {
              assertThat(n.get("kind").asText()).isEqualTo("CloudPod");
              assertThat(n.get("tenant").asText()).isEqualTo(tp[0]);
              assertThat(n.get("name").asText()).isEqualTo("from-sql");
              assertThat(n.get("op").asText()).isEqualTo("INSERT");
            });
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods/from-sql")
        .then()
        .statusCode(200)
        .body("metadata.generation", equalTo(1))
        .body("metadata.uid", org.hamcrest.Matchers.notNullValue())
        .body("spec.cores", equalTo(3))
        .body("spec.memoryMb", equalTo(2048))
        .body("spec.template", equalTo(9000));
  }

  @Test
  void plainSqlSpecUpdate_raisesGenerationAndVersionAndNotifies() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1])));
    long[] before = versions(tp[0], "a");
    List<JsonNode> notes =
        notificationsDuring(
            () ->
                sql(
                    "UPDATE cloud_pod SET spec = jsonb_set(spec, '{cores}', '4') WHERE tenant = ? AND name = 'a'",
                    tp[0]));
    assertThat(notes).anySatisfy(n -> assertThat(n.get("op").asText()).isEqualTo("UPDATE"));
    long[] after = versions(tp[0], "a");
    assertThat(after[0]).isEqualTo(before[0] + 1);
    assertThat(after[1]).isGreaterThan(before[1]);
  }

  @Test
  void plainSqlDelete_ofAPodWithoutAllocation_removesTheRowAndNotifies() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1])));
    int[] deleted = new int[1];
    List<JsonNode> notes =
        notificationsDuring(
            () ->
                deleted[0] =
                    update("DELETE FROM cloud_pod WHERE tenant = ? AND name = 'a'", tp[0]));
    assertThat(deleted[0]).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM cloud_pod WHERE tenant = ?", tp[0])).isZero();
    assertThat(notes).anySatisfy(n -> assertThat(n.get("op").asText()).isEqualTo("DELETE"));
  }

  @Test
  void plainSqlDelete_ofAPodHoldingAnAllocation_becomesADeletionMark() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1], "ip", "10.1.10.151")));
    String uid = uid(tp[0], "a");
    assertThat(allocations(uid)).isEqualTo(1);
    long[] before = versions(tp[0], "a");
    int[] deleted = new int[1];
    List<JsonNode> notes =
        notificationsDuring(
            () ->
                deleted[0] =
                    update("DELETE FROM cloud_pod WHERE tenant = ? AND name = 'a'", tp[0]));

    assertThat(deleted[0]).as("rows deleted").isZero();
    assertThat(
            count(
                "SELECT count(*) FROM cloud_pod WHERE uid = CAST(? AS uuid) AND deletion_timestamp IS NOT NULL",
                uid))
        .isEqualTo(1);
    assertThat(allocations(uid)).as("the allocation is kept").isEqualTo(1);
    assertThat(versions(tp[0], "a")[1]).isGreaterThan(before[1]);
    assertThat(notes)
        .anySatisfy(
            n -> {
              assertThat(n.get("name").asText()).isEqualTo("a");
              assertThat(n.get("op").asText()).isEqualTo("UPDATE");
            });
    assertThat(notes).noneSatisfy(n -> assertThat(n.get("op").asText()).isEqualTo("DELETE"));
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods/a")
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue());
  }

  @Test
  void plainSqlDelete_ofAMarkedPodStillHoldingItsAllocation_leavesItAsItWas() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1], "ip", "10.1.10.152")));
    String uid = uid(tp[0], "a");
    admin().delete("/api/v1/tenants/" + tp[0] + "/cloudpods/a").then().statusCode(200);
    long[] before = versions(tp[0], "a");

    assertThat(update("DELETE FROM cloud_pod WHERE tenant = ? AND name = 'a'", tp[0])).isZero();

    assertThat(versions(tp[0], "a")).isEqualTo(before);
    assertThat(allocations(uid)).isEqualTo(1);
  }

  @Test
  void plainSqlDelete_ofAMarkedPodWhoseAllocationIsReleased_removesTheRow() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1], "ip", "10.1.10.153")));
    String uid = uid(tp[0], "a");
    admin().delete("/api/v1/tenants/" + tp[0] + "/cloudpods/a").then().statusCode(200);
    sql("DELETE FROM pod_allocation WHERE pod_uid = CAST(? AS uuid)", uid);

    assertThat(update("DELETE FROM cloud_pod WHERE tenant = ? AND name = 'a'", tp[0])).isEqualTo(1);

    assertThat(count("SELECT count(*) FROM cloud_pod WHERE tenant = ?", tp[0])).isZero();
  }

  @Test
  void restWrite_notifies() throws Exception {
    String[] tp = tenantWithPool(null);
    List<JsonNode> notes =
        notificationsDuring(() -> applyAsAdmin(pod(tp[0], "via-rest", Map.of("ipPool", tp[1]))));
    assertThat(notes).anySatisfy(n -> assertThat(n.get("name").asText()).isEqualTo("via-rest"));
  }

  @Test
  void statusOnlyUpdate_doesNotNotifyAndKeepsGeneration() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1])));
    long[] before = versions(tp[0], "a");
    List<JsonNode> notes =
        notificationsDuring(
            () -> {
              pods.updateStatus(
                  ResourceKey.of(tp[0], "a"),
                  new CloudPodStatus(
                      "Provisioning", null, null, null, 1L, null, "UPID:x", null, 0, null));
              sql(
                  "UPDATE cloud_pod SET status = '{\"phase\":\"Running\"}' WHERE tenant = ? AND name = 'a'",
                  tp[0]);
            });
    assertThat(notes).noneSatisfy(n -> assertThat(n.get("name").asText()).isEqualTo("a"));
    long[] after = versions(tp[0], "a");
    assertThat(after[0]).isEqualTo(before[0]);
    assertThat(after[1]).isGreaterThan(before[1]);
  }

  @Test
  void deletionMark_notifies() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1])));
    List<JsonNode> notes =
        notificationsDuring(
            () ->
                admin().delete("/api/v1/tenants/" + tp[0] + "/cloudpods/a").then().statusCode(200));
    assertThat(notes).anySatisfy(n -> assertThat(n.get("name").asText()).isEqualTo("a"));
  }

  @Test
  void allocationTable_rejectsDuplicateVmidAndIpInOnePool() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "a", Map.of("ipPool", tp[1])), pod(tp[0], "b", Map.of("ipPool", tp[1])));
    String a = uid(tp[0], "a");
    String b = uid(tp[0], "b");
    sql(
        "INSERT INTO pod_allocation (pod_uid, vmid, pool, ip) VALUES (CAST(? AS uuid), 777001, ?, '10.1.10.201')",
        a,
        tp[1]);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                sql(
                    "INSERT INTO pod_allocation (pod_uid, vmid) VALUES (CAST(? AS uuid), 777001)",
                    b))
        .hasMessageContaining("unique");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                sql(
                    "INSERT INTO pod_allocation (pod_uid, pool, ip) VALUES (CAST(? AS uuid), ?, '10.1.10.201')",
                    b,
                    tp[1]))
        .hasMessageContaining("unique");
  }

  private static int update(String statement, Object... params) throws Exception {
    try (Connection c = jdbc();
        PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  private static long count(String query, Object... params) throws Exception {
    try (Connection c = jdbc();
        PreparedStatement ps = c.prepareStatement(query)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long allocations(String podUid) throws Exception {
    return count("SELECT count(*) FROM pod_allocation WHERE pod_uid = CAST(? AS uuid)", podUid);
  }

  private static String uid(String tenant, String name) throws Exception {
    try (Connection c = jdbc();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT CAST(uid AS text) FROM cloud_pod WHERE tenant = ? AND name = ?")) {
      ps.setString(1, tenant);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static long[] versions(String tenant, String name) throws Exception {
    try (Connection c = jdbc();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT generation, resource_version FROM cloud_pod WHERE tenant = ? AND name = ?")) {
      ps.setString(1, tenant);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }
}
