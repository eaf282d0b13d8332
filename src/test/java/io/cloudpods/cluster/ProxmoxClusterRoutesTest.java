package io.cloudpods.cluster;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.as;
import static io.cloudpods.testsupport.TestApi.jdbc;
import static io.cloudpods.testsupport.TestApi.object;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.tenantToken;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.cloudpods.auth.TokenStore;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.testsupport.PostgresResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/proxmoxclusters} against a second simulated cluster on loopback: a cluster added
 * at run time is probed at once (no restart) and shows Reachable, version, nodes and last contact;
 * a wrong, missing or unreadable secret and a cluster that went away are each named on the cluster;
 * the cluster {@code default} is the configuration's and cannot be written; a cluster with pods
 * cannot be removed; and the token secret appears in no answer, event or log record.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ProxmoxClusterRoutesTest {

  static final String WEST_TOKEN = "cloudpods@pve!west";
  static final String WEST_SECRET = "7c1e9a52-3b4d-4f8e-a6d2-91b0c3e5f7a8";

  @Inject ClusterProber prober;
  @Inject TokenStore tokens;

  ProxmoxSimulator west;
  Path secretFile;
  final List<String> logged = new ArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (logged) {
            logged.add(
                r.getLoggerName()
                    + " "
                    + r.getMessage()
                    + " "
                    + java.util.Arrays.toString(r.getParameters())
                    + " "
                    + (r.getThrown() == null ? "" : r.getThrown().toString()));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void startWest() throws Exception {
    west =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(WEST_TOKEN, WEST_SECRET)
                .nodes(3)
                .timeScale(0.02)
                .authFailureDelay(Duration.ZERO)
                .build());
    secretFile = Files.createTempFile("west-secret", ".txt");
    Files.writeString(secretFile, WEST_SECRET + "\n");
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void stopWest() throws Exception {
    Logger.getLogger("").removeHandler(capture);
    if (west != null) {
      west.close();
    }
    Files.deleteIfExists(secretFile);
  }

  Map<String, Object> cluster(String name, Map<String, Object> spec) {
    return object("ProxmoxCluster", Map.of("name", name), spec);
  }

  Map<String, Object> westSpec() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("region", unique("migra-us-west")); // one cluster per region
    spec.put("url", west.baseUrl());
    spec.put("tokenId", WEST_TOKEN);
    spec.put("tokenSecretFile", secretFile.toString());
    spec.put("verifyTls", false);
    spec.put("zones", List.of(Map.of("name", "a", "nodes", List.of("pve", "pve-02"))));
    return spec;
  }

  JsonPath awaitReachable(String name, String status) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(20);
    JsonPath last = null;
    while (Instant.now().isBefore(until)) {
      last =
          admin()
              .get("/api/v1/proxmoxclusters/" + name)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      if (status.equals(
          last.getString("status.conditions.find { it.type == 'Reachable' }.status"))) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " never became Reachable=" + status + ": " + last.prettify());
  }

  @Test
  void addedCluster_isProbedWithoutRestart_andShowsVersionNodesAndLastContact() throws Exception {
    String name = unique("west");
    admin()
        .body(cluster(name, westSpec()))
        .put("/api/v1/proxmoxclusters/" + name)
        .then()
        .statusCode(201)
        .body("spec.region", org.hamcrest.Matchers.startsWith("migra-us-west-"));

    JsonPath c = awaitReachable(name, "True");
    assertThat(c.getString("status.version")).isEqualTo(west.options().pveVersion());
    assertThat(c.getList("status.nodes.name", String.class))
        .containsExactly("pve", "pve-02", "pve-03");
    assertThat(c.getList("status.nodes.online", Boolean.class)).containsOnly(true);
    assertThat(c.getLong("status.nodes[0].storageFreeBytes")).isPositive();
    assertThat(c.getString("status.lastContact")).isNotNull();
    assertThat(c.getString("status.conditions.find { it.type == 'Reachable' }.reason"))
        .isEqualTo("Answered");

    List<String> names =
        admin().get("/api/v1/proxmoxclusters").jsonPath().getList("items.metadata.name");
    assertThat(names.get(0)).isEqualTo("default");
    assertThat(names).contains(name);
    admin()
        .get("/api/v1/events?kind=ProxmoxCluster&name=" + name)
        .then()
        .statusCode(200)
        .body("reason", hasItem("ClusterReachable"));
  }

  @Test
  void clusterInAnAppliedManifest_isStoredAndProbedAtTheNextRound() throws Exception {
    String name = unique("west");
    admin()
        .body(List.of(cluster(name, westSpec())))
        .post("/api/v1/apply")
        .then()
        .statusCode(200)
        .body("items[0].result", equalTo("created"));
    prober.probeAll(); // the scheduled round, without waiting for it
    awaitReachable(name, "True");
  }

  @Test
  void wrongMissingOrUnreadableSecret_isNamedOnTheCluster_neverShown() throws Exception {
    String wrong = unique("wrong");
    Path wrongFile = Files.createTempFile("wrong-secret", ".txt");
    String wrongSecret = "11111111-2222-3333-4444-555555555555";
    Files.writeString(wrongFile, wrongSecret);
    Map<String, Object> spec = westSpec();
    spec.put("tokenSecretFile", wrongFile.toString());
    admin()
        .body(cluster(wrong, spec))
        .put("/api/v1/proxmoxclusters/" + wrong)
        .then()
        .statusCode(201);
    JsonPath w = awaitReachable(wrong, "False");
    assertThat(w.getString("status.conditions.find { it.type == 'Reachable' }.reason"))
        .isEqualTo("AuthenticationFailed");

    String missing = unique("missing");
    Map<String, Object> envSpec = westSpec();
    envSpec.remove("tokenSecretFile");
    envSpec.put("tokenSecretEnv", "CLOUDPODS_TEST_SECRET_THAT_IS_NOT_SET");
    admin()
        .body(cluster(missing, envSpec))
        .put("/api/v1/proxmoxclusters/" + missing)
        .then()
        .statusCode(201);
    JsonPath m = awaitReachable(missing, "False");
    assertThat(m.getString("status.conditions.find { it.type == 'Reachable' }.reason"))
        .isEqualTo("SecretUnavailable");
    assertThat(m.getString("status.conditions.find { it.type == 'Reachable' }.message"))
        .contains("CLOUDPODS_TEST_SECRET_THAT_IS_NOT_SET");

    String gone = unique("gone");
    Map<String, Object> goneSpec = westSpec();
    goneSpec.put("tokenSecretFile", "/nonexistent/cloudpods/secret");
    admin()
        .body(cluster(gone, goneSpec))
        .put("/api/v1/proxmoxclusters/" + gone)
        .then()
        .statusCode(201);
    JsonPath g = awaitReachable(gone, "False");
    assertThat(g.getString("status.conditions.find { it.type == 'Reachable' }.message"))
        .contains("/nonexistent/cloudpods/secret");

    String all =
        admin().get("/api/v1/proxmoxclusters").asString()
            + admin().get("/api/v1/events?limit=1000").asString()
            + admin().get("/api/v1/status").asString();
    assertThat(all).doesNotContain(wrongSecret).doesNotContain(WEST_SECRET);
    Files.deleteIfExists(wrongFile);
  }

  @Test
  void clusterThatStopsAnswering_isUnreachable_andAnEventSaysSo() throws Exception {
    String name = unique("west");
    admin()
        .body(cluster(name, westSpec()))
        .put("/api/v1/proxmoxclusters/" + name)
        .then()
        .statusCode(201);
    awaitReachable(name, "True");
    west.close();
    west = null;
    prober.probeAll();
    JsonPath c = awaitReachable(name, "False");
    assertThat(c.getString("status.conditions.find { it.type == 'Reachable' }.reason"))
        .isEqualTo("Unreachable");
    assertThat(c.getString("status.lastContact")).isNotNull();
    assertThat(c.getString("status.version")).isNotNull(); // what was last seen stays
    admin()
        .get("/api/v1/events?kind=ProxmoxCluster&name=" + name)
        .then()
        .body("reason", hasItem("ClusterUnreachable"));
  }

  @Test
  void secret_appearsInNoAnswerEventOrLogRecord() throws Exception {
    String name = unique("west");
    admin()
        .body(cluster(name, westSpec()))
        .put("/api/v1/proxmoxclusters/" + name)
        .then()
        .statusCode(201);
    awaitReachable(name, "True");
    prober.probeAll();
    Thread.sleep(300);
    String answers =
        admin().get("/api/v1/proxmoxclusters").asString()
            + admin().get("/api/v1/proxmoxclusters/" + name).asString()
            + admin().get("/api/v1/events?limit=1000").asString()
            + admin().get("/api/v1/status").asString()
            + admin().get("/q/metrics").asString();
    assertThat(answers).contains(name).doesNotContain(WEST_SECRET);
    try (Connection db = jdbc();
        PreparedStatement q =
            db.prepareStatement("SELECT count(*) FROM proxmox_cluster WHERE spec::text LIKE ?")) {
      q.setString(1, "%" + WEST_SECRET + "%");
      var rs = q.executeQuery();
      rs.next();
      assertThat(rs.getLong(1)).as("rows holding the secret").isZero();
    }
    synchronized (logged) {
      assertThat(logged).noneMatch(l -> l.contains(WEST_SECRET));
    }
  }

  @Test
  void invalidSpecs_areRefusedNamingTheField_andNothingIsStored() {
    Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
    Map<String, Object> s = westSpec();
    s.put("tokenSecret", WEST_SECRET);
    cases.put("spec.tokenSecret", s);
    s = westSpec();
    s.put("tokenSecretEnv", "WEST_SECRET");
    cases.put("spec.tokenSecretFile", s);
    s = westSpec();
    s.put("url", "http://10.1.20.5:8006/api2/json");
    s.put("verifyTls", true);
    cases.put("spec.url", s);
    s = westSpec();
    s.put(
        "zones",
        List.of(
            Map.of("name", "a", "nodes", List.of("pve")),
            Map.of("name", "b", "nodes", List.of("pve"))));
    cases.put("spec.zones[1].nodes[0]", s);
    s = westSpec();
    s.put("vmidRange", Map.of("start", 9000, "end", 8000));
    cases.put("spec.vmidRange.end", s);
    s = westSpec();
    s.put("verifyTls", true);
    s.put("url", "https://127.0.0.1:8006");
    s.put("fingerprint", "not-a-fingerprint");
    cases.put("spec.fingerprint", s);
    s = westSpec();
    s.put("url", "https://127.0.0.1:8006");
    s.put("verifyTls", true);
    s.put("caCert", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    cases.put("spec.caCert", s);
    for (var e : cases.entrySet()) {
      String name = unique("bad");
      String body =
          admin()
              .body(cluster(name, e.getValue()))
              .put("/api/v1/proxmoxclusters/" + name)
              .then()
              .statusCode(422)
              .extract()
              .asString();
      assertThat(body).as(e.getKey()).contains(e.getKey()).doesNotContain(WEST_SECRET);
      admin().get("/api/v1/proxmoxclusters/" + name).then().statusCode(404);
    }
  }

  @Test
  void defaultCluster_isTheConfiguration_andCannotBeWrittenOrDeleted() {
    admin()
        .get("/api/v1/proxmoxclusters/default")
        .then()
        .statusCode(200)
        .body("metadata.labels.'cloudpods.io/source'", equalTo("config"))
        .body("spec.region", equalTo("default"));
    Map<String, Object> spec = westSpec();
    admin()
        .body(cluster("default", spec))
        .put("/api/v1/proxmoxclusters/default")
        .then()
        .statusCode(409);
    admin().delete("/api/v1/proxmoxclusters/default").then().statusCode(409);
  }

  @Test
  void clusterWithPods_cannotBeRemoved_untilTheyAreGone() throws Exception {
    String name = unique("west");
    Map<String, Object> spec = westSpec();
    admin().body(cluster(name, spec)).put("/api/v1/proxmoxclusters/" + name).then().statusCode(201);
    String[] tp = {unique("t")};
    String westPool = unique("wp");
    Map<String, Object> pool = TestApi.pool(westPool);
    @SuppressWarnings("unchecked")
    Map<String, Object> poolSpec = new LinkedHashMap<>((Map<String, Object>) pool.get("spec"));
    poolSpec.put("cluster", name);
    pool.put("spec", poolSpec);
    TestApi.applyAsAdmin(TestApi.tenant(tp[0], Map.of("maxPods", 2), List.of(westPool)), pool);
    String podName = unique("p");
    admin()
        .body(pod(tp[0], podName, Map.of("ipPool", westPool, "region", spec.get("region"))))
        .put("/api/v1/tenants/" + tp[0] + "/cloudpods/" + podName)
        .then()
        .statusCode(201)
        .body("spec.region", equalTo(spec.get("region")));
    assertThat(
            TestApi.count(
                "SELECT count(*) FROM cloud_pod WHERE tenant = ? AND name = ? AND cluster = ?",
                tp[0],
                podName,
                name))
        .isEqualTo(1);
    String refused =
        admin()
            .delete("/api/v1/proxmoxclusters/" + name)
            .then()
            .statusCode(409)
            .extract()
            .asString();
    assertThat(refused).contains("1 pods");
    try (Connection db = jdbc();
        PreparedStatement d =
            db.prepareStatement("DELETE FROM cloud_pod WHERE tenant = ? AND name = ?")) {
      d.setString(1, tp[0]);
      d.setString(2, podName);
      d.executeUpdate();
    }
    admin().delete("/api/v1/proxmoxclusters/" + name).then().statusCode(200);
    admin().get("/api/v1/proxmoxclusters/" + name).then().statusCode(404);
  }

  @Test
  void tenantToken_seesNoCluster() {
    String[] tp = tenantWithPool(Map.of("maxPods", 1));
    String token = tenantToken(tokens, tp[0]);
    as(token)
        .get("/api/v1/proxmoxclusters")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(0));
    as(token).get("/api/v1/proxmoxclusters/default").then().statusCode(403);
  }
}
