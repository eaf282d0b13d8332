package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.manager.ControllerManager;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.StorageContent;
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
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * What an operator does with orphans, against the simulator with the whole controller running: a
 * delete takes a protected final archive first (an injected vzdump failure keeps the container and
 * says why), a delete with skipFinalBackup takes none, and an adopt makes a CloudPod that takes the
 * container over with its VMID and address. Orphans are made the way they happen: the pod's row and
 * allocation vanish without the deletion protocol.
 */
@QuarkusTest
@TestProfile(OrphanDeleteAndAdoptTest.Profile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class OrphanDeleteAndAdoptTest {

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

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @ConfigProperty(name = "quarkus.datasource.username")
  String jdbcUser;

  @ConfigProperty(name = "quarkus.datasource.password")
  String jdbcPassword;

  @Test
  void orphans_areDeletedAfterAProtectedFinalBackup_orWithoutOne_orAdoptedWithTheirVmidAndAddress()
      throws Exception {
    ProxmoxSimulator sim = ProxmoxSimulatorResource.simulator();
    SimCluster cluster = new SimCluster(sim);
    String tenant = TestApi.unique("orphd");
    apply(
        TestApi.tenant(
            tenant, Map.of("maxPods", 10, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 200)),
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
        TestApi.pod(tenant, "backed", size()),
        TestApi.pod(tenant, "skipped", size()),
        TestApi.pod(tenant, "taken", size()));
    for (String n : List.of("backed", "skipped", "taken")) {
      awaitReady(tenant, n);
    }
    JsonPath backed = pod(tenant, "backed");
    JsonPath skipped = pod(tenant, "skipped");
    JsonPath taken = pod(tenant, "taken");
    int backedVmid = backed.getInt("status.vmid");
    int skippedVmid = skipped.getInt("status.vmid");
    int takenVmid = taken.getInt("status.vmid");
    String takenIp = taken.getString("status.ip");
    forget(tenant, "backed", backed.getString("metadata.uid"));
    forget(tenant, "skipped", skipped.getString("metadata.uid"));
    forget(tenant, "taken", taken.getString("metadata.uid"));
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              manager.resync();
              assertThat(admin().get("/api/v1/orphans").jsonPath().getInt("total")).isEqualTo(3);
            });
    SimGuest backedBefore = cluster.guest(backedVmid).orElseThrow();

    // the final backup fails: the container stays, untouched, and the answer says why
    sim.failNextBackups(backedVmid, 1, "injected: storage full");
    Response failed = followDelete(backedVmid, "");
    assertThat(failed.statusCode()).isEqualTo(409);
    assertThat(failed.jsonPath().getString("reason")).isEqualTo("FinalBackupFailed");
    assertThat(failed.jsonPath().getString("message")).contains("injected: storage full");
    SimGuest backedAfterFailure = cluster.guest(backedVmid).orElseThrow();
    assertThat(backedAfterFailure.get("digest")).isEqualTo(backedBefore.get("digest"));
    assertThat(backedAfterFailure.status()).isEqualTo("running");
    assertThat(archives(backedBefore.node(), backedVmid)).isEmpty();
    assertThat(events("OrphanFinalBackupFailed"))
        .singleElement()
        .satisfies(e -> assertThat(e).containsEntry("vmid", backedVmid));

    // deleted again: the final archive is taken, protected, and only then the container goes
    Response deleted = followDelete(backedVmid, "");
    assertThat(deleted.statusCode()).isEqualTo(202);
    assertThat(deleted.jsonPath().getString("phase")).isEqualTo("Destroying");
    String volid = deleted.jsonPath().getString("finalBackup");
    assertThat(volid).startsWith("vzdump-backups:backup/vzdump-lxc-" + backedVmid + "-");
    assertThat(archives(backedBefore.node(), backedVmid))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.volid()).isEqualTo(volid);
              assertThat(a.isProtected()).isTrue();
              assertThat(a.notes().orElse("")).contains("orphan-final vmid=" + backedVmid);
            });
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(cluster.guest(backedVmid)).isEmpty());
    assertThat(events("OrphanDeleted"))
        .anySatisfy(e -> assertThat((String) e.get("message")).contains(volid));

    // skipFinalBackup: no archive, the container goes at once
    String skippedNode = cluster.guest(skippedVmid).orElseThrow().node();
    Response noBackup = followDelete(skippedVmid, "?skipFinalBackup=true");
    assertThat(noBackup.statusCode()).isEqualTo(202);
    assertThat(noBackup.jsonPath().getString("phase")).isEqualTo("Destroying");
    assertThat(noBackup.jsonPath().getString("finalBackup")).isNull();
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(cluster.guest(skippedVmid)).isEmpty());
    assertThat(archives(skippedNode, skippedVmid)).isEmpty();

    // adopted: a CloudPod with the orphan's VMID and address that takes the container over
    // (the pod is named after the container's hostname: adoption checks it, so no other name)
    admin()
        .body(Map.of("tenant", tenant, "name", "taken-again"))
        .post("/api/v1/orphans/" + takenVmid + "/adopt")
        .then()
        .statusCode(422)
        .body("details[0].field", org.hamcrest.Matchers.equalTo("name"));
    assertThat(pod(tenant, "taken-again").getString("metadata.name")).isNull();
    admin()
        .body(Map.of("tenant", tenant))
        .post("/api/v1/orphans/" + takenVmid + "/adopt")
        .then()
        .log()
        .ifValidationFails()
        .statusCode(201);
    awaitReady(tenant, "taken");
    JsonPath adopted = pod(tenant, "taken");
    assertThat(adopted.getInt("status.vmid")).isEqualTo(takenVmid);
    assertThat(adopted.getString("status.ip")).isEqualTo(takenIp);
    String newUid = adopted.getString("metadata.uid");
    assertThat(cluster.guest(takenVmid).orElseThrow().get("tags")).contains("cp-" + newUid);
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              manager.resync();
              assertThat(admin().get("/api/v1/orphans").jsonPath().getInt("total")).isZero();
            });
  }

  @Test
  void anOrphanDelete_whileAnotherReplicaHoldsTheLease_isRefusedAs503_andTheContainerStays()
      throws Exception {
    ProxmoxSimulator sim = ProxmoxSimulatorResource.simulator();
    SimCluster cluster = new SimCluster(sim);
    String tenant = TestApi.unique("orphf");
    apply(
        TestApi.tenant(
            tenant, Map.of("maxPods", 2, "maxCores", 4, "maxMemoryMb", 4_000, "maxDiskGb", 20)),
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
        TestApi.pod(tenant, "fenced", size()));
    awaitReady(tenant, "fenced");
    JsonPath pod = pod(tenant, "fenced");
    int vmid = pod.getInt("status.vmid");
    forget(tenant, "fenced", pod.getString("metadata.uid"));
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              manager.resync();
              assertThat(admin().get("/api/v1/orphans").jsonPath().getList("items.vmid"))
                  .contains(vmid);
            });
    SimGuest before = cluster.guest(vmid).orElseThrow();
    io.cloudpods.replica.LeaseKeeper keeper = manager.leases().orElseThrow();

    // another replica takes the lease of default (as after a pause of this one)
    sql(
        "UPDATE controller_lease SET holder = 'replica-elsewhere', generation = generation + 1,"
            + " acquired_at = now(), renewed_at = now(), expires_at = now() + interval '1 hour'"
            + " WHERE cluster = 'default'");
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !keeper.lease("default").held());
      int deletedBefore = events("OrphanDeleted").size();
      Response refused = admin().delete("/api/v1/orphans/" + vmid + "?skipFinalBackup=true");
      assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
      assertThat(refused.jsonPath().getString("reason")).isEqualTo("NotLeaseHolder");
      assertThat(refused.jsonPath().getString("message"))
          .contains("nothing was changed in cluster default")
          .contains("replica replica-elsewhere does");
      assertThat(refused.jsonPath().getString("details[0].field")).isEqualTo("cluster");
      SimGuest after = cluster.guest(vmid).orElseThrow();
      assertThat(after.get("digest")).isEqualTo(before.get("digest"));
      assertThat(after.status()).isEqualTo("running");
      assertThat(events("OrphanDeleted")).hasSize(deletedBefore);
    } finally {
      // the other replica lets go: this one takes the lease back
      sql(
          "UPDATE controller_lease SET holder = NULL, expires_at = now() - interval '1 hour'"
              + " WHERE cluster = 'default' AND holder = 'replica-elsewhere'");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> keeper.lease("default").held());
    Response deleted = followDelete(vmid, "?skipFinalBackup=true");
    assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(202);
    assertThat(deleted.jsonPath().getString("phase")).isEqualTo("Destroying");
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(cluster.guest(vmid)).isEmpty());
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword);
        PreparedStatement s = c.prepareStatement(statement)) {
      s.executeUpdate();
    }
  }

  /** DELETE the orphan, passing the vzdump task back while its final backup runs. */
  private static Response followDelete(int vmid, String query) {
    String path = "/api/v1/orphans/" + vmid;
    Response r = admin().delete(path + query);
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    while (r.statusCode() == 202 && "FinalBackupRunning".equals(r.jsonPath().getString("phase"))) {
      assertThat(System.nanoTime()).as("final backup still running").isLessThan(deadline);
      String task = r.jsonPath().getString("finalBackupTask");
      sleep(200);
      r =
          admin()
              .queryParam("finalBackupTask", task)
              .delete(path + query)
              .then()
              .extract()
              .response();
    }
    return r;
  }

  private List<StorageContent> archives(String node, int vmid) {
    return proxmox.storageContent(node, "vzdump-backups", Optional.of("backup"), Optional.of(vmid));
  }

  /** The row and its allocation vanish in one transaction, as a restore of an older database. */
  private void forget(String tenant, String name, String uid) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword)) {
      c.setAutoCommit(false);
      try (PreparedStatement allocation =
              c.prepareStatement("DELETE FROM pod_allocation WHERE pod_uid = CAST(? AS uuid)");
          PreparedStatement row =
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
    try {
      awaitReadyOrThrow(tenant, name);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "pod "
              + name
              + " not Ready: "
              + admin().get("/api/v1/tenants/" + tenant + "/cloudpods/" + name).asString(),
          e);
    }
  }

  private static void awaitReadyOrThrow(String tenant, String name) {
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

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
