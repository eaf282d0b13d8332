package io.cloudpods.cluster;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.object;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One controller, two Proxmox clusters: the configured one (region {@code migra-us-east-1}) and a
 * second simulator added at run time as a ProxmoxCluster (region {@code migra-us-west-1}). Pods are
 * placed by region and zone, each cluster's pods are reconciled by its own engine, VMIDs are unique
 * per cluster, and a cluster that stops answering marks its own pods ProxmoxUnreachable while the
 * other region's pods keep converging; when it answers again its backlog converges.
 */
@QuarkusTest
@TestProfile(TwoRegionsTest.Profile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class TwoRegionsTest {

  /** The controller in region migra-us-east-1, with requests that give up after 3 s. */
  public static class Profile extends io.cloudpods.e2e.ControllerProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(super.getConfigOverrides());
      m.put("cloudpods.region", EAST);
      m.put("cloudpods.zones.east-a", "pve");
      m.put("cloudpods.reconcile.resync.orphan-grace", "1s");
      m.put("cloudpods.proxmox.request-timeout", "3s");
      m.put("cloudpods.proxmox.call-timeout", "4s");
      m.put("cloudpods.clusters.probe-interval", "1s");
      m.put("cloudpods.clusters.probe-timeout", "1s");
      return m;
    }
  }

  static final String EAST = "migra-us-east-1";
  static final String WEST = "migra-us-west-1";
  static final String WEST_TOKEN = "cloudpods@pve!west";
  static final String WEST_SECRET = "5b2f8c61-0e4a-4d7b-9c3e-a18f6d2e4b70";
  static final Duration CONVERGE = Duration.ofSeconds(90);

  @jakarta.inject.Inject javax.sql.DataSource db;
  @jakarta.inject.Inject io.cloudpods.manager.ControllerManager manager;
  @jakarta.inject.Inject io.cloudpods.metrics.FleetMetrics fleet;

  static ProxmoxSimulator west;
  static Path secretFile;
  static String tenant;
  static String eastPool;
  static String westPool;

  @BeforeAll
  static void addWest() throws Exception {
    west =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(WEST_TOKEN, WEST_SECRET)
                .nodes(2)
                .timeScale(0.02)
                .authFailureDelay(Duration.ZERO)
                .build());
    secretFile = Files.createTempFile("west-secret", ".txt");
    Files.writeString(secretFile, WEST_SECRET + "\n");
  }

  @AfterAll
  static void stopWest() throws Exception {
    if (west != null) {
      west.setBlackHole(false);
      west.close();
    }
    Files.deleteIfExists(secretFile);
  }

  /** The west cluster, its pool and a tenant allowed both pools; once per class. */
  void setUpRegions() {
    if (tenant != null) {
      return;
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("region", WEST);
    spec.put("url", west.baseUrl());
    spec.put("tokenId", WEST_TOKEN);
    spec.put("tokenSecretFile", secretFile.toString());
    spec.put("verifyTls", false);
    spec.put(
        "zones",
        List.of(
            Map.of("name", "west-a", "nodes", List.of("pve")),
            Map.of("name", "west-b", "nodes", List.of("pve-02"))));
    admin()
        .body(object("ProxmoxCluster", Map.of("name", "west"), spec))
        .put("/api/v1/proxmoxclusters/west")
        .then()
        .statusCode(201);
    eastPool = unique("east");
    westPool = unique("west");
    Map<String, Object> wp = TestApi.pool(westPool);
    @SuppressWarnings("unchecked")
    Map<String, Object> wpSpec = new LinkedHashMap<>((Map<String, Object>) wp.get("spec"));
    wpSpec.put("cluster", "west");
    wp.put("spec", wpSpec);
    tenant = unique("t");
    TestApi.applyAsAdmin(
        TestApi.tenant(
            tenant,
            Map.of("maxPods", 20, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 400),
            List.of(eastPool, westPool)),
        TestApi.pool(eastPool),
        wp);
  }

  Map<String, Object> size(String pool) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("cores", 1);
    s.put("memoryMb", 512);
    s.put("swapMb", 0);
    s.put("diskGb", 8);
    s.put("ipPool", pool);
    return s;
  }

  JsonPath read(String name) {
    return admin()
        .get("/api/v1/tenants/" + tenant + "/cloudpods/" + name)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  static String ready(JsonPath p) {
    return p.getString("status.conditions.find { it.type == 'Ready' }.status");
  }

  static String readyReason(JsonPath p) {
    return p.getString("status.conditions.find { it.type == 'Ready' }.reason");
  }

  void awaitReady(String name) {
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath p = read(name);
              assertThat(ready(p)).as(p.prettify()).isEqualTo("True");
            });
  }

  void put(String name, Map<String, Object> spec, int status) {
    admin()
        .body(pod(tenant, name, spec))
        .put("/api/v1/tenants/" + tenant + "/cloudpods/" + name)
        .then()
        .statusCode(status);
  }

  static SimCluster eastSim() {
    return new SimCluster(ProxmoxSimulatorResource.simulator());
  }

  static SimCluster westSim() {
    return new SimCluster(west);
  }

  static boolean hasHostname(SimCluster c, String hostname) {
    return c.guests().stream().anyMatch(g -> hostname.equals(g.get("hostname")));
  }

  @Test
  void podsArePlacedByRegion_eachInItsOwnCluster_withVmidsUniquePerCluster() {
    setUpRegions();
    String e = unique("e");
    String w = unique("w");
    put(e, size(eastPool), 201);
    Map<String, Object> ws = size(westPool);
    ws.put("region", WEST);
    put(w, ws, 201);
    awaitReady(e);
    awaitReady(w);

    JsonPath ep = read(e);
    assertThat(ep.getString("spec.region")).isEqualTo(EAST);
    assertThat(ep.getString("status.cluster")).isEqualTo("default");
    assertThat(ep.getString("status.region")).isEqualTo(EAST);
    JsonPath wp = read(w);
    assertThat(wp.getString("status.cluster")).isEqualTo("west");
    assertThat(wp.getString("status.region")).isEqualTo(WEST);
    assertThat(wp.getString("status.zone"))
        .isEqualTo("pve".equals(wp.getString("status.node")) ? "west-a" : "west-b");
    assertThat(hasHostname(westSim(), w)).isTrue();
    assertThat(hasHostname(eastSim(), w)).isFalse();
    assertThat(hasHostname(westSim(), e)).isFalse();
    int westVmid = wp.getInt("status.vmid");
    assertThat(westSim().guest(westVmid).orElseThrow().managed()).isTrue();
    // the west engine's requests are counted under its own name
    assertThat(admin().get("/q/metrics").then().statusCode(200).extract().asString())
        .contains("cloudpods_proxmox_requests_total{cluster=\"west\"");

    // the west cluster's first free VMID is free on its own: the same number may live in east
    assertThat(
            TestApi.count(
                db,
                "SELECT count(*) FROM pod_allocation WHERE cluster = 'west' AND vmid = ?",
                westVmid))
        .isEqualTo(1);
  }

  @Test
  void aQuotaPerRegion_limitsOnlyThatRegion_andIsRefusedNamingTheRegionsLimit() {
    setUpRegions();
    String t = unique("rq");
    Map<String, Object> quota =
        Map.of("maxPods", 10, "regions", Map.of(WEST, Map.of("maxPods", 1, "maxCores", 4)));
    TestApi.applyAsAdmin(TestApi.tenant(t, quota, List.of(eastPool, westPool)));
    Map<String, Object> ws = size(westPool);
    ws.put("region", WEST);
    String base = "/api/v1/tenants/" + t + "/cloudpods/";
    admin().body(pod(t, "w-1", ws)).put(base + "w-1").then().statusCode(201);

    admin()
        .body(pod(t, "w-2", ws))
        .put(base + "w-2")
        .then()
        .statusCode(403)
        .body("reason", org.hamcrest.Matchers.equalTo("QuotaExceeded"))
        .body(
            "details[0].field", org.hamcrest.Matchers.equalTo("quota.regions." + WEST + ".maxPods"))
        .body("message", org.hamcrest.Matchers.containsString("in region " + WEST));
    admin().get(base + "w-2").then().statusCode(404);
    Map<String, Object> bigger = new LinkedHashMap<>(ws);
    bigger.put("cores", 5);
    admin()
        .body(pod(t, "w-1", bigger))
        .put(base + "w-1")
        .then()
        .statusCode(403)
        .body(
            "details[0].field",
            org.hamcrest.Matchers.equalTo("quota.regions." + WEST + ".maxCores"));
    admin()
        .body(TestApi.podSet(t, "ws", 1, ws))
        .put("/api/v1/tenants/" + t + "/podsets/ws")
        .then()
        .statusCode(403)
        .body(
            "details[0].field",
            org.hamcrest.Matchers.equalTo("quota.regions." + WEST + ".maxPods"));
    // east has no limit of its own: only the total counts there
    admin().body(pod(t, "e-1", size(eastPool))).put(base + "e-1").then().statusCode(201);
    admin().body(pod(t, "e-2", size(eastPool))).put(base + "e-2").then().statusCode(201);

    JsonPath tenantNow =
        admin().get("/api/v1/tenants/" + t).then().statusCode(200).extract().jsonPath();
    assertThat(tenantNow.getInt("status.regions.'" + WEST + "'.pods")).isEqualTo(1);
    assertThat(tenantNow.getInt("status.regions.'" + EAST + "'.pods")).isEqualTo(2);
    assertThat(tenantNow.getInt("status.usage.pods")).isEqualTo(3);
    // the metrics show each region's usage against its limit; east has usage and no limit
    fleet.refresh();
    String metrics = admin().get("/q/metrics").asString();
    assertThat(metrics)
        .contains(regionSeries("cloudpods_tenant_region_quota", t, WEST, "pods") + " 1.0")
        .contains(regionSeries("cloudpods_tenant_region_quota", t, WEST, "cores") + " 4.0")
        .contains(regionSeries("cloudpods_tenant_region_usage", t, WEST, "pods") + " 1.0")
        .contains(regionSeries("cloudpods_tenant_region_usage", t, EAST, "pods") + " 2.0")
        .doesNotContain(regionSeries("cloudpods_tenant_region_quota", t, EAST, "pods"));

    // a limit for a region no cluster serves is refused naming it, and nothing is stored
    Map<String, Object> unknown =
        TestApi.tenant(unique("rq"), Map.of("regions", Map.of("nowhere-1", Map.of("maxPods", 1))));
    admin()
        .body(unknown)
        .put("/api/v1/tenants/" + ((Map<?, ?>) unknown.get("metadata")).get("name"))
        .then()
        .statusCode(422)
        .body("details[0].field", org.hamcrest.Matchers.equalTo("spec.quota.regions.nowhere-1"));
    for (String n : List.of("w-1", "e-1", "e-2")) {
      admin().delete(base + n + "?skipFinalBackup=true").then().statusCode(200);
    }
  }

  @Test
  void aRemovedCluster_stopsItsEngine_andItsQueueGaugesAreGone() throws Exception {
    try (ProxmoxSimulator third =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(WEST_TOKEN, WEST_SECRET)
                .nodes(1)
                .timeScale(0.02)
                .authFailureDelay(Duration.ZERO)
                .build())) {
      String name = unique("third");
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("region", "migra-eu-central-1");
      spec.put("url", third.baseUrl());
      spec.put("tokenId", WEST_TOKEN);
      spec.put("tokenSecretFile", secretFile.toString());
      spec.put("verifyTls", false);
      admin()
          .body(object("ProxmoxCluster", Map.of("name", name), spec))
          .put("/api/v1/proxmoxclusters/" + name)
          .then()
          .statusCode(201);
      List<String> gauges =
          List.of(
              "workqueue_depth{controller=\"cloudpod-" + name + "\"",
              "workqueue_depth{controller=\"restore-" + name + "\"",
              "controller_runtime_active_workers{controller=\"backup-" + name + "\"");
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(manager.reconciledClusters()).contains(name);
                String metrics = admin().get("/q/metrics").asString();
                gauges.forEach(g -> assertThat(metrics).contains(g));
              });

      admin().delete("/api/v1/proxmoxclusters/" + name).then().statusCode(200);

      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                assertThat(manager.reconciledClusters()).doesNotContain(name);
                String metrics = admin().get("/q/metrics").asString();
                gauges.forEach(g -> assertThat(metrics).doesNotContain(g));
              });
      // the other clusters' engines keep theirs
      assertThat(admin().get("/q/metrics").asString())
          .contains("workqueue_depth{controller=\"cloudpod\"");
    }
  }

  private static String regionSeries(String metric, String tenant, String region, String r) {
    return metric + "{region=\"" + region + "\",resource=\"" + r + "\",tenant=\"" + tenant + "\"}";
  }

  @Test
  void aPodSetSpreadOverZones_putsEachPodOnANodeOfItsZone() {
    setUpRegions();
    String set = unique("spread");
    Map<String, Object> template = size(westPool);
    template.put("region", WEST);
    Map<String, Object> ps = TestApi.podSet(tenant, set, 2, template);
    @SuppressWarnings("unchecked")
    Map<String, Object> psSpec = new LinkedHashMap<>((Map<String, Object>) ps.get("spec"));
    psSpec.put("spread", "zone");
    ps.put("spec", psSpec);
    TestApi.applyAsAdmin(ps);
    awaitReady(set + "-0");
    awaitReady(set + "-1");
    JsonPath first = read(set + "-0");
    JsonPath second = read(set + "-1");
    assertThat(first.getString("spec.zone")).isEqualTo("west-a");
    assertThat(first.getString("status.node")).isEqualTo("pve");
    assertThat(first.getString("status.zone")).isEqualTo("west-a");
    assertThat(second.getString("spec.zone")).isEqualTo("west-b");
    assertThat(second.getString("status.node")).isEqualTo("pve-02");
    assertThat(second.getString("status.cluster")).isEqualTo("west");

    // the configured cluster's zones come from cloudpods.zones.*
    String eastSet = unique("spread");
    Map<String, Object> east = TestApi.podSet(tenant, eastSet, 1, size(eastPool));
    @SuppressWarnings("unchecked")
    Map<String, Object> eastSpec = new LinkedHashMap<>((Map<String, Object>) east.get("spec"));
    eastSpec.put("spread", "zone");
    east.put("spec", eastSpec);
    TestApi.applyAsAdmin(east);
    awaitReady(eastSet + "-0");
    JsonPath inEast = read(eastSet + "-0");
    assertThat(inEast.getString("spec.zone")).isEqualTo("east-a");
    assertThat(inEast.getString("status.zone")).isEqualTo("east-a");
    assertThat(inEast.getString("status.cluster")).isEqualTo("default");
    assertThat(
            admin()
                .get("/api/v1/proxmoxclusters/default")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("spec.zones.name"))
        .containsExactly("east-a");
  }

  @Test
  void aClustersDefaults_giveItsPodsTemplateStorageAndBridge_andOnlyThere() {
    setUpRegions();
    Map<String, Object> south = new LinkedHashMap<>();
    south.put("region", "south-1");
    south.put("url", west.baseUrl());
    south.put("tokenId", WEST_TOKEN);
    south.put("tokenSecretFile", secretFile.toString());
    south.put("verifyTls", false);
    south.put("defaults", Map.of("template", 8902, "storage", "clients-south", "bridge", "vmbr7"));
    Map<String, Object> pool = TestApi.pool("south-pool");
    @SuppressWarnings("unchecked")
    Map<String, Object> poolSpec = new LinkedHashMap<>((Map<String, Object>) pool.get("spec"));
    poolSpec.put("cluster", "south");
    pool.put("spec", poolSpec);
    Map<String, Object> t =
        TestApi.tenant(unique("t"), Map.of("maxPods", 5), List.of("south-pool", eastPool));
    String tn = (String) ((Map<?, ?>) t.get("metadata")).get("name");
    Map<String, Object> podSpec = new LinkedHashMap<>();
    podSpec.put("region", "south-1");
    podSpec.put("ipPool", "south-pool");
    // one dry run: nothing is stored, so no engine ever reconciles this cluster
    JsonPath answer =
        admin()
            .body(
                List.of(
                    object("ProxmoxCluster", Map.of("name", "south"), south),
                    pool,
                    t,
                    pod(tn, "s1", podSpec)))
            .post("/api/v1/apply?dryRun=true")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(answer.getString("items.find { it.kind == 'CloudPod' }.object.spec.template"))
        .isEqualTo("8902");
    assertThat(answer.getString("items.find { it.kind == 'CloudPod' }.object.spec.storage"))
        .isEqualTo("clients-south");
    assertThat(answer.getString("items.find { it.kind == 'IpPool' }.object.spec.bridge"))
        .isEqualTo("vmbr7");

    // the cluster's template is allowed in its own region only
    Map<String, Object> eastPod = size(eastPool);
    eastPod.put("template", 8902);
    admin()
        .body(
            List.of(
                object("ProxmoxCluster", Map.of("name", "south"), south),
                t,
                pod(tn, "e1", eastPod)))
        .post("/api/v1/apply?dryRun=true")
        .then()
        .statusCode(403)
        .body(org.hamcrest.Matchers.containsString("spec.template"));
    // a region without zones has none to spread over
    Map<String, Object> flat = TestApi.podSet(tn, "flat", 2, podSpec);
    @SuppressWarnings("unchecked")
    Map<String, Object> flatSpec = new LinkedHashMap<>((Map<String, Object>) flat.get("spec"));
    flatSpec.put("spread", "zone");
    flat.put("spec", flatSpec);
    admin()
        .body(List.of(object("ProxmoxCluster", Map.of("name", "south"), south), pool, t, flat))
        .post("/api/v1/apply?dryRun=true")
        .then()
        .statusCode(422)
        .body(org.hamcrest.Matchers.containsString("spec.spread"));
    assertThat(TestApi.count(db, "SELECT count(*) FROM proxmox_cluster WHERE name = 'south'"))
        .isZero();
  }

  @Test
  void placementMistakes_areRefusedNamingTheField_andNothingIsStored() {
    setUpRegions();
    String w = unique("w");
    Map<String, Object> unknown = size(westPool);
    unknown.put("region", "mars-1");
    assertRefused(w, unknown, "spec.region");
    Map<String, Object> wrongPool = size(eastPool);
    wrongPool.put("region", WEST);
    assertRefused(w, wrongPool, "spec.ipPool");
    Map<String, Object> noZone = size(westPool);
    noZone.put("region", WEST);
    noZone.put("zone", "west-z");
    assertRefused(w, noZone, "spec.zone");
    assertThat(
            TestApi.count(
                db, "SELECT count(*) FROM cloud_pod WHERE tenant = ? AND name = ?", tenant, w))
        .isZero();

    String e = unique("e");
    put(e, size(eastPool), 201);
    Map<String, Object> moved = size(westPool);
    moved.put("region", WEST);
    String body = assertRefused(e, moved, "spec.region");
    assertThat(body).contains("immutable");
    assertThat(read(e).getString("spec.region")).isEqualTo(EAST);
  }

  String assertRefused(String name, Map<String, Object> spec, String field) {
    String body =
        admin()
            .body(pod(tenant, name, spec))
            .put("/api/v1/tenants/" + tenant + "/cloudpods/" + name)
            .then()
            .statusCode(422)
            .extract()
            .asString();
    assertThat(body).contains(field);
    return body;
  }

  JsonPath backup(String name) {
    return admin()
        .get("/api/v1/tenants/" + tenant + "/backups/" + name)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  JsonPath awaitBackupCompleted(String name) {
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath b = backup(name);
              assertThat(b.getString("status.phase")).as(b.prettify()).isEqualTo("Completed");
            });
    return backup(name);
  }

  /** Creates a Restore and waits for it to be Completed. */
  void restore(String name, String backup, Map<String, ?> target) {
    admin()
        .body(
            object(
                "Restore",
                Map.of("name", name, "tenant", tenant),
                Map.of("backup", backup, "target", target)))
        .put("/api/v1/tenants/" + tenant + "/restores/" + name)
        .then()
        .statusCode(201);
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath r =
                  admin()
                      .get("/api/v1/tenants/" + tenant + "/restores/" + name)
                      .then()
                      .extract()
                      .jsonPath();
              assertThat(r.getString("status.phase")).as(r.prettify()).isEqualTo("Completed");
            });
  }

  /**
   * A task of the west simulator: its UPID names the west token's user, which east does not know.
   */
  static boolean ranInWest(String upid) {
    return upid != null && upid.endsWith(":" + WEST_TOKEN + ":");
  }

  @Test
  void aWestPodsBackupsRunInTheWestCluster_andDeletingItTakesItsFinalBackupThere() {
    setUpRegions();
    String w = unique("w");
    Map<String, Object> ws = size(westPool);
    ws.put("region", WEST);
    put(w, ws, 201);
    awaitReady(w);
    int westVmid = read(w).getInt("status.vmid");

    String manual = unique("bk");
    admin()
        .body(object("Backup", Map.of("name", manual, "tenant", tenant), Map.of("pod", w)))
        .put("/api/v1/tenants/" + tenant + "/backups/" + manual)
        .then()
        .statusCode(201);
    JsonPath done = awaitBackupCompleted(manual);
    assertThat(done.getString("status.cluster")).isEqualTo("west");
    assertThat(done.getInt("status.vmid")).isEqualTo(westVmid);
    String upid = done.getString("status.taskRef");
    assertThat(ranInWest(upid)).as("vzdump %s in the west simulator", upid).isTrue();

    // in place: a BeforeRestore backup and the restore itself, both in west
    restore(unique("rs"), manual, Map.of("inPlace", true));
    awaitReady(w);
    assertThat(read(w).getInt("status.vmid")).isEqualTo(westVmid);
    assertThat(westSim().guest(westVmid).orElseThrow().managed()).isTrue();
    // as a new pod: placed in west, where the archive is
    String copy = unique("copy");
    restore(unique("rs"), manual, Map.of("podName", copy));
    awaitReady(copy);
    assertThat(read(copy).getString("status.cluster")).isEqualTo("west");
    assertThat(hasHostname(westSim(), copy)).isTrue();
    assertThat(hasHostname(eastSim(), copy)).isFalse();
    admin()
        .delete("/api/v1/tenants/" + tenant + "/cloudpods/" + copy + "?skipFinalBackup=true")
        .then()
        .statusCode(200);

    admin().delete("/api/v1/tenants/" + tenant + "/cloudpods/" + w).then().statusCode(200);
    await()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                admin()
                    .get("/api/v1/tenants/" + tenant + "/cloudpods/" + w)
                    .then()
                    .statusCode(404));
    assertThat(westSim().guest(westVmid)).isEmpty();
    List<Map<String, Object>> finals =
        admin()
            .get("/api/v1/tenants/" + tenant + "/backups")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items.findAll { it.spec.pod == '" + w + "' && it.spec.reason == 'Final' }");
    assertThat(finals).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> finalStatus = (Map<String, Object>) finals.get(0).get("status");
    assertThat(finalStatus).containsEntry("phase", "Completed").containsEntry("cluster", "west");
    assertThat(ranInWest((String) finalStatus.get("taskRef"))).isTrue();
  }

  @Test
  void aWestOrphan_isReportedInItsCluster_deletedAfterAFinalBackupThere_andAdoptedIntoWest()
      throws Exception {
    setUpRegions();
    Map<String, Object> ws = size(westPool);
    ws.put("region", WEST);
    String gone = unique("og");
    String kept = unique("ok");
    put(gone, ws, 201);
    put(kept, ws, 201);
    awaitReady(gone);
    awaitReady(kept);
    JsonPath goneBefore = read(gone);
    JsonPath keptBefore = read(kept);
    int goneVmid = goneBefore.getInt("status.vmid");
    int keptVmid = keptBefore.getInt("status.vmid");
    forget(gone, goneBefore.getString("metadata.uid"));
    forget(kept, keptBefore.getString("metadata.uid"));

    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              manager.resync();
              List<Map<String, Object>> west =
                  admin()
                      .get("/api/v1/orphans")
                      .then()
                      .statusCode(200)
                      .extract()
                      .jsonPath()
                      .getList("items.findAll { it.cluster == 'west' }");
              assertThat(west)
                  .extracting(o -> o.get("vmid"))
                  .containsExactlyInAnyOrder(goneVmid, keptVmid);
            });
    fleet.refresh();
    assertThat(admin().get("/q/metrics").asString())
        .contains("cloudpods_orphan_containers{cluster=\"west\"} 2.0");
    String westSeries =
        "cloudpods_pods{cluster=\"west\",phase=\"Running\",tenant=\"" + tenant + "\"}";
    assertThat(admin().get("/q/metrics").asString()).contains(westSeries);

    // an unknown cluster is refused naming the parameter; nothing is deleted
    admin()
        .delete("/api/v1/orphans/" + goneVmid + "?cluster=nowhere")
        .then()
        .statusCode(422)
        .body("details[0].field", org.hamcrest.Matchers.equalTo("cluster"));
    assertThat(westSim().guest(goneVmid)).isPresent();

    // delete: the protected final archive is taken in west, then the west container goes
    io.restassured.response.Response deleted = followOrphanDelete(goneVmid, "west");
    assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(202);
    assertThat(deleted.jsonPath().getString("phase")).isEqualTo("Destroying");
    assertThat(ranInWest(deleted.jsonPath().getString("task"))).isTrue();
    assertThat(deleted.jsonPath().getString("finalBackup"))
        .startsWith("vzdump-backups:backup/vzdump-lxc-" + goneVmid + "-");
    await().atMost(CONVERGE).until(() -> westSim().guest(goneVmid).isEmpty());

    // adopt: a CloudPod in the west region takes the container over with its VMID
    admin()
        .body(Map.of("tenant", tenant))
        .post("/api/v1/orphans/" + keptVmid + "/adopt?cluster=west")
        .then()
        .statusCode(201);
    String hostname = keptBefore.getString("metadata.name");
    awaitReady(hostname);
    JsonPath adopted = read(hostname);
    assertThat(adopted.getString("spec.region")).isEqualTo(WEST);
    assertThat(adopted.getString("status.cluster")).isEqualTo("west");
    assertThat(adopted.getInt("status.vmid")).isEqualTo(keptVmid);
    assertThat(adopted.getString("spec.ipPool")).isEqualTo(westPool);
    assertThat(westSim().guest(keptVmid).orElseThrow().managed()).isTrue();
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              manager.resync();
              assertThat(
                      admin()
                          .get("/api/v1/orphans")
                          .jsonPath()
                          .getList("items.findAll { it.cluster == 'west' }"))
                  .isEmpty();
            });
  }

  /** DELETE a west orphan, passing the vzdump task back while its final backup runs. */
  @Test
  void anOrphanNameFoundInTwoClusters_isRefusedUntilTheClusterIsNamed() throws Exception {
    setUpRegions();
    String name = unique("twin");
    Map<String, Object> ws = size(westPool);
    ws.put("region", WEST);
    put(name, ws, 201);
    awaitReady(name);
    JsonPath inWest = read(name);
    forget(name, inWest.getString("metadata.uid"));
    put(name, size(eastPool), 201);
    awaitReady(name);
    JsonPath inEast = read(name);
    forget(name, inEast.getString("metadata.uid"));
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              manager.resync();
              assertThat(
                      admin()
                          .get("/api/v1/orphans")
                          .then()
                          .statusCode(200)
                          .extract()
                          .jsonPath()
                          .getList("items.findAll { it.name == '" + name + "' }.cluster"))
                  .containsExactlyInAnyOrder("default", "west");
            });

    // by name alone it could be either: 409 naming the parameter, both containers stay
    admin()
        .delete("/api/v1/orphans/" + name + "?skipFinalBackup=true")
        .then()
        .statusCode(409)
        .body("details[0].field", org.hamcrest.Matchers.equalTo("cluster"))
        .body("message", org.hamcrest.Matchers.containsString("[default, west]"));
    assertThat(westSim().guest(inWest.getInt("status.vmid"))).isPresent();
    assertThat(eastSim().guest(inEast.getInt("status.vmid"))).isPresent();

    // named, each goes from its own cluster only
    admin()
        .delete("/api/v1/orphans/" + name + "?cluster=west&skipFinalBackup=true")
        .then()
        .statusCode(202);
    await().atMost(CONVERGE).until(() -> westSim().guest(inWest.getInt("status.vmid")).isEmpty());
    assertThat(eastSim().guest(inEast.getInt("status.vmid"))).isPresent();
    admin()
        .delete("/api/v1/orphans/" + name + "?cluster=default&skipFinalBackup=true")
        .then()
        .statusCode(202);
    await().atMost(CONVERGE).until(() -> eastSim().guest(inEast.getInt("status.vmid")).isEmpty());
  }

  @Test
  void anOrphanOfAClusterWithoutAClient_isRefusedAs503_andNothingIsTouched() throws Exception {
    String name = unique("noclient");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("region", "migra-ap-south-1");
    spec.put("url", "https://127.0.0.1:9/");
    spec.put("tokenId", WEST_TOKEN);
    spec.put("tokenSecretFile", secretFile + ".missing");
    spec.put("verifyTls", false);
    admin()
        .body(object("ProxmoxCluster", Map.of("name", name), spec))
        .put("/api/v1/proxmoxclusters/" + name)
        .then()
        .statusCode(201);
    try (java.sql.Connection c = db.getConnection();
        java.sql.PreparedStatement row =
            c.prepareStatement(
                "INSERT INTO orphan_container (cluster, vmid, node, name, owner_uid, since)"
                    + " VALUES (?, 4242, 'pve', 'stray', ?, now())")) {
      row.setString(1, name);
      row.setString(2, java.util.UUID.randomUUID().toString());
      row.executeUpdate();
    }
    try {
      admin()
          .delete("/api/v1/orphans/4242?cluster=" + name + "&skipFinalBackup=true")
          .then()
          .statusCode(503)
          .body("reason", org.hamcrest.Matchers.equalTo("ClusterUnavailable"))
          .body("details[0].field", org.hamcrest.Matchers.equalTo("cluster"));
      assertThat(
              TestApi.count(
                  db,
                  "SELECT count(*) FROM orphan_container WHERE cluster = ? AND vmid = 4242",
                  name))
          .isEqualTo(1);
    } finally {
      admin().delete("/api/v1/proxmoxclusters/" + name).then().statusCode(200);
    }
  }

  @Test
  void theScriptsPodsOfTheWestCluster_areImportedWithItsRegion_fromItsGuestsAndPoolsOnly()
      throws Exception {
    setUpRegions();
    String u = unique("wi");
    String importTenant = u + "-t";
    String importPool = u + "-pool";
    Map<String, Object> poolSpec = new LinkedHashMap<>();
    poolSpec.put("cluster", "west");
    poolSpec.put("cidr", "10.2.10.0/24");
    poolSpec.put("gateway", "10.2.10.1");
    poolSpec.put("rangeStart", "10.2.10.180");
    poolSpec.put("rangeEnd", "10.2.10.189");
    TestApi.applyAsAdmin(object("IpPool", Map.of("name", importPool), poolSpec));
    // what cloudpod-create.sh did in the west cluster: a clone with the address set in the guest
    int vmid = TestApi.uniqueVmid();
    String host = u + "-web";
    io.cloudpods.proxmox.ProxmoxClient westClient =
        new io.cloudpods.proxmox.http.HttpProxmoxClient(
            io.cloudpods.proxmox.http.ProxmoxClientSettings.of(
                west.baseUrl(), WEST_TOKEN, WEST_SECRET));
    waitFor(
        westClient,
        westClient.cloneContainer(
            "pve",
            9000,
            new io.cloudpods.proxmox.CloneRequest(
                vmid,
                java.util.Optional.of(host),
                java.util.Optional.empty(),
                java.util.Optional.of("ClientPods"),
                java.util.Optional.of("clients-main"),
                java.util.Optional.of(true),
                java.util.Optional.empty(),
                java.util.Optional.empty())));
    westClient.updateConfig(
        "pve",
        vmid,
        new io.cloudpods.proxmox.ConfigUpdate(
            Map.of(
                "net0",
                "name=eth0,bridge=vmbr0,ip=manual",
                "cores",
                "1",
                "memory",
                "512",
                "swap",
                "0"),
            List.of(),
            java.util.Optional.empty()));
    waitFor(westClient, westClient.start("pve", vmid));
    String id = "\"vmid\":" + vmid + ",\"hostname\":\"" + host + "\"";
    String logFile =
        seedLine(
                "CloudPod create requested",
                id + ",\"ip\":\"10.2.10.181/24\",\"tenant\":\"" + importTenant + "\"")
            + seedLine(
                "CloudPod created successfully",
                id
                    + ",\"ip\":\"10.2.10.181/24\",\"tenant\":\""
                    + importTenant
                    + "\",\"cores\":1,\"memory_mb\":512");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ipamFile", "10.2.10.181\n10.2.10.182\n");
    body.put("logFile", logFile);

    // an unknown cluster, and a pool of another cluster, are refused naming the field
    Map<String, Object> unknown = new LinkedHashMap<>(body);
    unknown.put("cluster", "nowhere");
    admin()
        .body(unknown)
        .post("/api/v1/imports/seed")
        .then()
        .statusCode(422)
        .body("details[0].field", org.hamcrest.Matchers.equalTo("cluster"));
    Map<String, Object> otherPool = new LinkedHashMap<>(body);
    otherPool.put("cluster", "west");
    otherPool.put("ipPool", eastPool);
    admin()
        .body(otherPool)
        .post("/api/v1/imports/seed")
        .then()
        .statusCode(422)
        .body("details[0].field", org.hamcrest.Matchers.equalTo("ipPool"));
    // read from default, the container is not there: nothing to adopt
    JsonPath fromDefault =
        admin()
            .body(body)
            .post("/api/v1/imports/seed?dryRun=true")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(fromDefault.getString("containers.find { it.vmid == " + vmid + " }.verdict"))
        .isNotEqualTo("ADOPT");

    Map<String, Object> fromWest = new LinkedHashMap<>(body);
    fromWest.put("cluster", "west");
    JsonPath imported =
        admin()
            .body(fromWest)
            .post("/api/v1/imports/seed")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(imported.getString("containers.find { it.vmid == " + vmid + " }.verdict"))
        .as(imported.prettify())
        .isEqualTo("ADOPT");
    assertThat(imported.getString("containers.find { it.vmid == " + vmid + " }.ipPool"))
        .isEqualTo(importPool);

    String podPath = "/api/v1/tenants/" + importTenant + "/cloudpods/" + host;
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath p = admin().get(podPath).then().statusCode(200).extract().jsonPath();
              assertThat(ready(p)).as(p.prettify()).isEqualTo("True");
              assertThat(p.getString("spec.region")).isEqualTo(WEST);
              assertThat(p.getString("status.cluster")).isEqualTo("west");
              assertThat(p.getInt("status.vmid")).isEqualTo(vmid);
            });
    assertThat(westSim().guest(vmid).orElseThrow().managed()).isTrue();
    JsonPath pool =
        admin().get("/api/v1/ippools/" + importPool).then().statusCode(200).extract().jsonPath();
    assertThat(pool.getString("spec.cluster")).isEqualTo("west");
    assertThat(pool.getList("spec.reserved", String.class)).contains("10.2.10.182");
    admin().delete(podPath + "?skipFinalBackup=true").then().statusCode(200);
    await().atMost(CONVERGE).until(() -> westSim().guest(vmid).isEmpty());
  }

  private static String seedLine(String message, String extra) {
    return "{\"ts\":\"2025-06-01T10:00:00+00:00\",\"level\":\"info\",\"message\":\""
        + message
        + "\","
        + extra
        + "}\n";
  }

  private static void waitFor(
      io.cloudpods.proxmox.ProxmoxClient client, io.cloudpods.proxmox.Upid upid) {
    await().atMost(Duration.ofSeconds(60)).until(() -> client.taskStatus(upid).isStopped());
  }

  static io.restassured.response.Response followOrphanDelete(int vmid, String cluster) {
    String path = "/api/v1/orphans/" + vmid;
    io.restassured.response.Response r =
        admin().queryParam("cluster", cluster).delete(path).then().extract().response();
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    while (r.statusCode() == 202 && "FinalBackupRunning".equals(r.jsonPath().getString("phase"))) {
      assertThat(System.nanoTime()).as("final backup still running").isLessThan(deadline);
      assertThat(ranInWest(r.jsonPath().getString("finalBackupTask"))).isTrue();
      String task = r.jsonPath().getString("finalBackupTask");
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      r =
          admin()
              .queryParam("cluster", cluster)
              .queryParam("finalBackupTask", task)
              .delete(path)
              .then()
              .extract()
              .response();
    }
    return r;
  }

  /** The pod's row and allocation vanish in one transaction, as a restore of an older database. */
  void forget(String name, String uid) throws Exception {
    try (java.sql.Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (java.sql.PreparedStatement allocation =
              c.prepareStatement("DELETE FROM pod_allocation WHERE pod_uid = CAST(? AS uuid)");
          java.sql.PreparedStatement row =
              c.prepareStatement("DELETE FROM cloud_pod WHERE tenant = ? AND name = ?")) {
        allocation.setString(1, uid);
        assertThat(allocation.executeUpdate()).isEqualTo(1);
        row.setString(1, tenant);
        row.setString(2, name);
        assertThat(row.executeUpdate()).isEqualTo(1);
      }
      c.commit();
    }
  }

  @Test
  void aClusterThatStopsAnswering_holdsUpOnlyItsOwnPods_andCatchesUpWhenItAnswersAgain() {
    setUpRegions();
    String w = unique("w");
    Map<String, Object> ws = size(westPool);
    ws.put("region", WEST);
    put(w, ws, 201);
    awaitReady(w);
    int westVmid = read(w).getInt("status.vmid");

    west.setBlackHole(true);
    try {
      Map<String, Object> bigger = new LinkedHashMap<>(ws);
      bigger.put("cores", 2);
      put(w, bigger, 200);
      String e = unique("e");
      long started = System.nanoTime();
      put(e, size(eastPool), 201);
      awaitReady(e);
      long eastMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf("east pod Ready in %d ms while west does not answer%n", eastMillis);

      await()
          .atMost(CONVERGE)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                JsonPath p = read(w);
                assertThat(readyReason(p)).as(p.prettify()).isEqualTo("ProxmoxUnreachable");
                assertThat(p.getString("status.phase")).isNotEqualTo("Failed");
              });
      await()
          .atMost(CONVERGE)
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          admin()
                              .get("/api/v1/proxmoxclusters/west")
                              .then()
                              .extract()
                              .jsonPath()
                              .getString(
                                  "status.conditions.find { it.type == 'Reachable' }.status"))
                      .isEqualTo("False"));
      assertThat(
              TestApi.count(
                  db,
                  "SELECT count(*) FROM cloud_pod WHERE tenant = ? AND name = ?"
                      + " AND deletion_timestamp IS NULL",
                  tenant,
                  w))
          .isEqualTo(1);
    } finally {
      west.setBlackHole(false);
    }
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath p = read(w);
              assertThat(ready(p)).as(p.prettify()).isEqualTo("True");
              assertThat(westSim().guest(westVmid).orElseThrow().get("cores")).isEqualTo("2");
            });
  }
}
