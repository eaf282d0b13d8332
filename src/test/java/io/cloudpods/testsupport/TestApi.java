package io.cloudpods.testsupport;

import static io.restassured.RestAssured.given;

import io.cloudpods.auth.Role;
import io.cloudpods.auth.TokenStore;
import io.cloudpods.embedded.EmbeddedDatabase;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fixtures for API tests. The database is shared by every test class, so each test works in its own
 * tenant/pool with unique names and unique VMIDs instead of cleaning up.
 */
public final class TestApi {
  /** Stored as admin at startup via {@code %test.cloudpods.auth.bootstrap-token}. */
  public static final String ADMIN = "test-admin-token";

  private static final AtomicInteger SEQ =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(1000, 100000));

  private TestApi() {}

  public static String unique(String prefix) {
    return prefix + "-" + Integer.toString(SEQ.incrementAndGet(), 36);
  }

  /** A VMID in the client range that no other test uses. */
  public static int uniqueVmid() {
    return 100000 + SEQ.incrementAndGet();
  }

  public static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
  }

  public static RequestSpecification admin() {
    return as(ADMIN);
  }

  public static Map<String, Object> tenant(String name, Map<String, Object> quota) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("displayName", "Tenant " + name);
    if (quota != null) {
      spec.put("quota", quota);
    }
    return object("Tenant", Map.of("name", name), spec);
  }

  /**
   * A tenant whose pods may use the given IP pools (its {@code spec.allowed.ipPools}); template and
   * storage stay the defaults.
   */
  public static Map<String, Object> tenant(
      String name, Map<String, Object> quota, List<String> ipPools) {
    Map<String, Object> t = tenant(name, quota);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) t.get("spec");
    spec.put("allowed", Map.of("ipPools", ipPools));
    return t;
  }

  public static Map<String, Object> pool(String name) {
    return object(
        "IpPool",
        Map.of("name", name),
        Map.of(
            "cidr", "10.1.10.0/24",
            "gateway", "10.1.10.1",
            "rangeStart", "10.1.10.50",
            "rangeEnd", "10.1.10.250",
            "reserved", List.of("10.1.10.70", "10.1.10.90")));
  }

  public static Map<String, Object> pod(String tenant, String name, Map<String, Object> spec) {
    return object("CloudPod", Map.of("name", name, "tenant", tenant), spec);
  }

  public static Map<String, Object> podSet(
      String tenant, String name, int replicas, Map<String, Object> podSpec) {
    return object(
        "PodSet",
        Map.of("name", name, "tenant", tenant),
        Map.of("replicas", replicas, "template", Map.of("spec", podSpec)));
  }

  public static Map<String, Object> object(
      String kind, Map<String, Object> metadata, Map<String, Object> spec) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "cloudpods.io/v1alpha1");
    o.put("kind", kind);
    o.put("metadata", new LinkedHashMap<>(metadata));
    o.put("spec", spec);
    return o;
  }

  /** Applies objects as admin and expects success. */
  public static void applyAsAdmin(Object... objects) {
    admin().body(List.of(objects)).post("/api/v1/apply").then().statusCode(200);
  }

  /**
   * A tenant with a pool of its own (unique name) that its pods are allowed to use, created as
   * admin; returns {tenant, pool}.
   */
  public static String[] tenantWithPool(Map<String, Object> quota) {
    String t = unique("t");
    String p = unique("p");
    applyAsAdmin(tenant(t, quota, List.of(p)), pool(p));
    return new String[] {t, p};
  }

  public static String tenantToken(TokenStore tokens, String tenant) {
    return tokens.create(unique("tok"), Role.tenant, tenant);
  }

  public static Connection jdbc() throws SQLException {
    EmbeddedDatabase db = PostgresResource.database();
    return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
  }

  private static Connection shared;

  /** The single number a query returns (over one shared connection, to keep tests fast). */
  public static synchronized long count(String sql, Object... params) {
    try {
      if (shared == null || shared.isClosed()) {
        shared = jdbc();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    try (PreparedStatement ps = shared.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The single number a query returns from the application's own database: for test classes with a
   * database of their own ({@link IsolatedDatabaseResource}), which {@link #count(String,
   * Object...)} does not see.
   */
  public static long count(javax.sql.DataSource db, String sql, Object... params) {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static long pods(String tenant) {
    return count("SELECT count(*) FROM cloud_pod WHERE tenant = ?", tenant);
  }

  /**
   * Every row of desired state, allocations and events, except the events that record a refused
   * write (their message says "refused: "): a rejected request stores nothing but the record that
   * it was refused.
   */
  public static long totalRows() {
    return count(
        "SELECT (SELECT count(*) FROM tenant) + (SELECT count(*) FROM ip_pool) + (SELECT count(*) FROM cloud_pod)"
            + " + (SELECT count(*) FROM pod_set) + (SELECT count(*) FROM pod_allocation)"
            + " + (SELECT count(*) FROM backup_policy) + (SELECT count(*) FROM backup)"
            + " + (SELECT count(*) FROM restore)"
            + " + (SELECT count(*) FROM events WHERE message NOT LIKE '% refused: %')");
  }
}
