package io.cloudpods.cloudpod.backup;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.backup.run.BackupControllerProfile;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.StorageContent;
import io.cloudpods.store.BackupStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.RestoreStore;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Final backup and restore, end to end against the simulator with the whole controller running:
 * the pod reconcile asks for the Final backup, the Backup reconcile runs vzdump, the pod is
 * destroyed only after; a Restore brings a backup back as a new pod or in place. Failures are
 * injected in the simulator's vzdump ({@code /_sim/faults/backups}).
 */
@QuarkusTest
@TestProfile(BackupControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class FinalBackupAndRestoreFlowTest {

  private static final Duration CONVERGE = Duration.ofSeconds(180);

  private Map<String, Object> size() {
    return Map.of("cores", 1, "memoryMb", 512, "swapMb", 0, "diskGb", 8, "ipPool", ipPool);
  }

  @Inject javax.sql.DataSource db;
  @Inject ProxmoxClient proxmox;
  @Inject BackupStore backups;
  @Inject RestoreStore restores;

  private SimCluster cluster;
  private String tenant;
  private String ipPool;

  @BeforeEach
  void setUp() {
    cluster = new SimCluster(ProxmoxSimulatorResource.simulator());
    String[] tp =
        TestApi.tenantWithPool(
            Map.of("maxPods", 20, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 400));
    tenant = tp[0];
    ipPool = tp[1];
  }

  @Test
  void deletingAPod_takesItsFinalBackup_thenDestroysTheContainer() {
    int vmid = runningPod("keep");
    String uid = pod("keep").getString("metadata.uid");
    String finalName = FinalBackup.name("keep", uid);

    admin().delete(podPath("keep")).then().statusCode(200);

    Backup asked = awaitBackup(finalName);
    assertThat(asked.spec().reason()).isEqualTo(BackupSpec.REASON_FINAL);
    assertThat(asked.spec().isProtected()).isTrue();
    assertThat(asked.spec().pod()).isEqualTo("keep");

    awaitPodGone("keep", vmid);
    BackupStatus done = backups.get(ResourceKey.of(tenant, finalName)).orElseThrow().status();
    assertThat(done.phase()).isEqualTo(BackupStatus.PHASE_COMPLETED);
    // the archive was written from the running container, so before it was destroyed
    assertThat(done.volid()).startsWith("vzdump-backups:backup/vzdump-lxc-" + vmid + "-");
    StorageContent archive = archive(done.node(), vmid, done.volid());
    assertThat(archive.isProtected()).isTrue();
    assertThat(events("keep", "FinalBackupCompleted")).isEqualTo(1);
    assertThat(eventOrder("keep", "FinalBackupCompleted", "Destroying")).isTrue();
  }

  @Test
  void aFailedFinalBackup_keepsThePodDeletingWithTheReason_untilDeletedWithSkipFinalBackup() {
    int vmid = runningPod("fragile");
    String finalName = FinalBackup.name("fragile", pod("fragile").getString("metadata.uid"));
    ProxmoxSimulatorResource.simulator()
        .failNextBackups(vmid, 100, "vzdump archive write failed (injected)");
    admin().delete(podPath("fragile")).then().statusCode(200);
    awaitBackup(finalName);

    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath p = pod("fragile");
              assertThat(condition(p, "FinalBackup", "reason")).isEqualTo("FinalBackupFailed");
              assertThat(condition(p, "FinalBackup", "message"))
                  .contains("vzdump archive write failed (injected)");
              assertThat(condition(p, "Ready", "reason")).isEqualTo("FinalBackupFailed");
              assertThat(events("fragile", "FinalBackupFailed")).isEqualTo(1);
            });
    sleep(Duration.ofSeconds(3));
    assertThat(pod("fragile").getString("status.phase")).isEqualTo("Deleting");
    assertThat(cluster.guest(vmid)).isPresent();

    ProxmoxSimulatorResource.simulator().failNextBackups(vmid, 0, "cleared");
    admin().queryParam("skipFinalBackup", true).delete(podPath("fragile")).then().statusCode(200);
    assertThat(
            count(
                "SELECT count(*) FROM cloud_pod WHERE tenant = ? AND name = ? AND skip_final_backup",
                tenant,
                "fragile"))
        .isEqualTo(1);

    awaitPodGone("fragile", vmid);
    assertThat(events("fragile", "FinalBackupSkipped")).isEqualTo(1);
  }

  @Test
  void theSeedDestroyRoute_withSkipFinalBackup_destroysWithoutABackup() {
    int vmid = runningPod("seeded");
    String finalName = FinalBackup.name("seeded", pod("seeded").getString("metadata.uid"));

    admin()
        .body(Map.of("tenantId", tenant, "vmid", vmid, "skipFinalBackup", true))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(202);

    awaitPodGone("seeded", vmid);
    assertThat(backups.get(ResourceKey.of(tenant, finalName))).isEmpty();
  }

  @Test
  void theSeedDestroyRoute_takesTheFinalBackupFirst() {
    int vmid = runningPod("seeded2");
    String finalName = FinalBackup.name("seeded2", pod("seeded2").getString("metadata.uid"));

    admin()
        .body(Map.of("tenantId", tenant, "vmid", vmid))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(202);

    awaitBackup(finalName);
    awaitPodGone("seeded2", vmid);
    BackupStatus done = backups.get(ResourceKey.of(tenant, finalName)).orElseThrow().status();
    assertThat(done.phase()).isEqualTo(BackupStatus.PHASE_COMPLETED);
    assertThat(done.volid()).startsWith("vzdump-backups:backup/vzdump-lxc-" + vmid + "-");
  }

  @Test
  void theSeedDestroyRoute_refusesASkipFinalBackupThatIsNotABoolean() {
    admin()
        .body(Map.of("tenantId", tenant, "vmid", 1234, "skipFinalBackup", "yes"))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(422);
  }

  @Test
  void aPodRestoredFromABackup_reachesReady_withAFreshVmidAndItsOwnAddress() {
    int vmid = runningPod("orig");
    String origIp = pod("orig").getString("status.ip");
    String backupName = "orig-manual";
    backups.create(
        Backup.of(
            io.cloudpods.api.v1alpha1.ObjectMeta.named(tenant, backupName),
            new BackupSpec("orig", null, null, null, null, null, null, null)));
    awaitCompleted(backupName);

    TestApi.applyAsAdmin(
        TestApi.pod(
            tenant,
            "copy",
            Map.of(
                "cores", 1,
                "memoryMb", 512,
                "swapMb", 0,
                "diskGb", 8,
                "ipPool", ipPool,
                "restoreFrom", backupName)));

    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath p = pod("copy");
              assertThat(condition(p, "Ready", "status")).as(p.prettify()).isEqualTo("True");
            });
    JsonPath copy = pod("copy");
    int newVmid = copy.getInt("status.vmid");
    assertThat(newVmid).isNotEqualTo(vmid);
    assertThat(copy.getString("status.ip")).isNotEqualTo(origIp);
    SimCluster.SimGuest g = cluster.guest(newVmid).orElseThrow();
    assertThat(g.status()).isEqualTo("running");
    assertThat(g.tags()).contains("cloudpods");
    assertThat(cluster.guest(vmid)).isPresent(); // the original is untouched
  }

  @Test
  void anInPlaceRestore_takesABeforeRestoreBackupFirst_thenRestoresTheSameVmid() {
    int vmid = runningPod("inplace");
    String ip = pod("inplace").getString("status.ip");
    backups.create(
        Backup.of(
            io.cloudpods.api.v1alpha1.ObjectMeta.named(tenant, "inplace-b1"),
            new BackupSpec("inplace", null, null, null, null, null, null, null)));
    awaitCompleted("inplace-b1");

    TestApi.applyAsAdmin(
        TestApi.object(
            "Restore",
            Map.of("name", "back", "tenant", tenant),
            Map.of("backup", "inplace-b1", "target", Map.of("inPlace", true))));

    String beforeName = "back-before";
    Backup before = awaitBackup(beforeName);
    assertThat(before.spec().reason()).isEqualTo(BackupSpec.REASON_BEFORE_RESTORE);
    assertThat(before.spec().isProtected()).isTrue();
    assertThat(before.spec().pod()).isEqualTo("inplace");

    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(restorePhase("back")).as(restoreDump("back")).isEqualTo("Completed"));
    assertThat(
            count(
                "SELECT count(*) FROM events WHERE kind = 'Restore' AND tenant = ? AND name = ?"
                    + " AND reason = 'Restored'",
                tenant,
                "back"))
        .isEqualTo(1);
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath p = pod("inplace");
              assertThat(condition(p, "Ready", "status")).as(p.prettify()).isEqualTo("True");
              assertThat(p.getInt("status.vmid")).isEqualTo(vmid);
              assertThat(p.getString("status.ip")).isEqualTo(ip);
              assertThat(cluster.guest(vmid).orElseThrow().status()).isEqualTo("running");
            });
    assertThat(cluster.guest(vmid).orElseThrow().tags()).contains("cloudpods");
    BackupStatus beforeDone =
        backups.get(ResourceKey.of(tenant, beforeName)).orElseThrow().status();
    assertThat(beforeDone.phase()).isEqualTo(BackupStatus.PHASE_COMPLETED);
    assertThat(archive(beforeDone.node(), vmid, beforeDone.volid()).isProtected()).isTrue();
  }

  @Test
  void aFailedBeforeRestoreBackup_failsTheRestore_andLeavesTheContainerRunning() {
    int vmid = runningPod("careful");
    backups.create(
        Backup.of(
            io.cloudpods.api.v1alpha1.ObjectMeta.named(tenant, "careful-b1"),
            new BackupSpec("careful", null, null, null, null, null, null, null)));
    awaitCompleted("careful-b1");
    ProxmoxSimulatorResource.simulator()
        .failNextBackups(vmid, 100, "backup storage full (injected)");

    TestApi.applyAsAdmin(
        TestApi.object(
            "Restore",
            Map.of("name", "careful-back", "tenant", tenant),
            Map.of("backup", "careful-b1", "target", Map.of("inPlace", true))));

    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(restorePhase("careful-back"))
                    .as(restoreDump("careful-back"))
                    .isEqualTo("Failed"));
    ProxmoxSimulatorResource.simulator().failNextBackups(vmid, 0, "cleared");
    assertThat(restoreDump("careful-back")).contains("BeforeRestoreFailed");
    assertThat(cluster.guest(vmid).orElseThrow().status()).isEqualTo("running");
    // while vzdump held the backup lock the pod reported Ready=False (Locked); once the lock is
    // gone its next look finds the same container, untouched, and reports it Ready again
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath p = pod("careful");
              assertThat(condition(p, "Ready", "status")).as(p.prettify()).isEqualTo("True");
              assertThat(p.getInt("status.vmid")).isEqualTo(vmid);
            });
    assertThat(cluster.guest(vmid).orElseThrow().status()).isEqualTo("running");
  }

  /** The Restore as stored (its REST routes belong to another part). */
  private String restorePhase(String name) {
    return restores
        .get(ResourceKey.of(tenant, name))
        .map(r -> r.status() == null ? "" : String.valueOf(r.status().phase()))
        .orElse("absent");
  }

  private String restoreDump(String name) {
    return String.valueOf(restores.get(ResourceKey.of(tenant, name)).orElse(null));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private int runningPod(String name) {
    TestApi.applyAsAdmin(TestApi.pod(tenant, name, size()));
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonPath p = pod(name);
              assertThat(condition(p, "Ready", "status")).as(p.prettify()).isEqualTo("True");
            });
    int vmid = pod(name).getInt("status.vmid");
    assertThat(cluster.guest(vmid)).isPresent();
    return vmid;
  }

  /** Waits for the Backup reconcile to complete {@code backupName}. */
  private void awaitCompleted(String backupName) {
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              BackupStatus st =
                  backups.get(ResourceKey.of(tenant, backupName)).orElseThrow().status();
              assertThat(st.phase()).as(String.valueOf(st)).isEqualTo(BackupStatus.PHASE_COMPLETED);
            });
  }

  /** The archive {@code volid} as the storage lists it. */
  private StorageContent archive(String node, int vmid, String volid) {
    return proxmox
        .storageContent(node, "vzdump-backups", Optional.of("backup"), Optional.of(vmid))
        .stream()
        .filter(c -> c.volid().equals(volid))
        .findFirst()
        .orElseThrow(() -> new AssertionError(volid + " is not in storage vzdump-backups"));
  }

  /** Was the CloudPod's event {@code first} recorded before its event {@code then}? */
  private boolean eventOrder(String pod, String first, String then) {
    return count(
            "SELECT count(*) FROM events a, events b WHERE a.kind = 'CloudPod' AND b.kind ="
                + " 'CloudPod' AND a.tenant = ? AND b.tenant = ? AND a.name = ? AND b.name = ?"
                + " AND a.reason = ? AND b.reason = ? AND a.id < b.id",
            tenant,
            tenant,
            pod,
            pod,
            first,
            then)
        > 0;
  }

  private Backup awaitBackup(String name) {
    return await()
        .atMost(CONVERGE)
        .until(() -> backups.get(ResourceKey.of(tenant, name)), Optional::isPresent)
        .orElseThrow();
  }

  private void awaitPodGone(String name, int vmid) {
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              admin().get(podPath(name)).then().statusCode(404);
              assertThat(cluster.guest(vmid)).isEmpty();
            });
  }

  private String podPath(String name) {
    return "/api/v1/tenants/" + tenant + "/cloudpods/" + name;
  }

  private JsonPath pod(String name) {
    return admin().get(podPath(name)).then().statusCode(200).extract().jsonPath();
  }

  private static String condition(JsonPath p, String type, String field) {
    return p.getString("status.conditions.find { it.type == '" + type + "' }." + field);
  }

  private long events(String pod, String reason) {
    return count(
        "SELECT count(*) FROM events WHERE kind = 'CloudPod' AND tenant = ? AND name = ?"
            + " AND reason = ?",
        tenant,
        pod,
        reason);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private long count(String sql, Object... params) {
    return TestApi.count(db, sql, params);
  }
}
