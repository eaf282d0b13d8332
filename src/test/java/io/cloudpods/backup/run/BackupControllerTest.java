package io.cloudpods.backup.run;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicySpec;
import io.cloudpods.api.v1alpha1.BackupRetention;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.LabelSelector;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.StorageContent;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.store.BackupPolicyStore;
import io.cloudpods.store.BackupStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Backups and policies run by the controller against embedded PostgreSQL and the simulator. */
@QuarkusTest
@TestProfile(BackupControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class BackupControllerTest {

  private static final Map<String, Object> SIZE =
      Map.of("cores", 1, "memoryMb", 512, "swapMb", 0, "diskGb", 8, "cloneMode", "linked");

  @Inject BackupStore backups;
  @Inject BackupPolicyStore policies;
  @Inject ProxmoxClient client;

  @Test
  void manualBackup_completes_withTheVolidOfItsArchive_andItsNotesNameIt() {
    String t = TestApi.unique("bk");
    PodInfo pod = podsRunning(t, Map.of(), "web").get(0);

    backups.create(manual(t, "web-1", "web"));

    BackupStatus st = awaitPhase(t, "web-1", "Completed", Duration.ofSeconds(60));
    assertThat(st.volid()).startsWith("vzdump-backups:backup/vzdump-lxc-" + pod.vmid + "-");
    assertThat(st.node()).isEqualTo(pod.node);
    assertThat(st.vmid()).isEqualTo(pod.vmid);
    assertThat(st.taskRef()).startsWith("UPID:" + pod.node + ":");
    assertThat(st.startTime()).isNotNull();
    assertThat(st.completionTime()).isAfterOrEqualTo(st.startTime());
    assertThat(st.sizeBytes()).isPositive();
    assertThat(Conditions.isTrue(st.conditions(), BackupConditions.SUCCEEDED)).isTrue();
    StorageContent archive = archive(pod.node, st.volid()).orElseThrow();
    assertThat(archive.notes().orElse("")).contains("backup=web-1").contains("tenant=" + t);
    assertThat(events(t, "Backup", "web-1")).contains("BackupStarting", "BackupCompleted");
  }

  @Test
  void injectedFailure_isRetried_thenSucceeds_andTheFailureShowsOnBackupAndPod() {
    String t = TestApi.unique("bkf");
    PodInfo pod = podsRunning(t, Map.of(), "db").get(0);
    ProxmoxSimulatorResource.simulator().failNextBackups(pod.vmid, 1, "disk on fire (injected)");

    backups.create(manual(t, "db-1", "db"));

    BackupStatus st = awaitPhase(t, "db-1", "Completed", Duration.ofSeconds(60));
    assertThat(st.attempts()).isEqualTo(2);
    assertThat(events(t, "Backup", "db-1")).contains("BackupAttemptFailed", "BackupCompleted");
    assertThat(events(t, "CloudPod", "db")).contains("BackupAttemptFailed");
  }

  @Test
  void backupFailingEveryAttempt_isFailed_withTheLogsError() {
    String t = TestApi.unique("bkx");
    PodInfo pod = podsRunning(t, Map.of(), "db").get(0);
    ProxmoxSimulatorResource.simulator().failNextBackups(pod.vmid, 10, "tape jammed (injected)");

    backups.create(manual(t, "db-1", "db"));

    BackupStatus st = awaitPhase(t, "db-1", "Failed", Duration.ofSeconds(60));
    assertThat(st.attempts()).isEqualTo(3);
    assertThat(st.message()).contains("tape jammed (injected)");
    assertThat(Conditions.hasReason(st.conditions(), BackupConditions.SUCCEEDED, "BackupFailed"))
        .isTrue();
    assertThat(events(t, "CloudPod", "db")).contains("BackupFailed");
    ProxmoxSimulatorResource.simulator().failNextBackups(pod.vmid, 0, "none");
  }

  @Test
  void archiveDeletedOutsideTheController_showsMissing() throws Exception {
    String t = TestApi.unique("bkm");
    PodInfo pod = podsRunning(t, Map.of(), "web").get(0);
    backups.create(manual(t, "web-1", "web"));
    BackupStatus st = awaitPhase(t, "web-1", "Completed", Duration.ofSeconds(60));

    Upid del = client.deleteVolume(pod.node, "vzdump-backups", st.volid());
    awaitTask(del);

    BackupStatus missing = awaitPhase(t, "web-1", "Missing", Duration.ofSeconds(30));
    assertThat(
            Conditions.hasReason(
                missing.conditions(), BackupConditions.ARCHIVE_AVAILABLE, "ArchiveGone"))
        .isTrue();
  }

  @Test
  void deletingABackup_deletesItsArchive_thenTheRow_butAProtectedOneIsRefused() {
    String t = TestApi.unique("bkd");
    PodInfo pod = podsRunning(t, Map.of(), "web").get(0);
    backups.create(manual(t, "plain", "web"));
    Backup prot = manual(t, "kept", "web");
    backups.create(
        Backup.of(prot.metadata(), prot.spec().withProtectionAndNotes(Boolean.TRUE, null)));
    String plainVolid = awaitPhase(t, "plain", "Completed", Duration.ofSeconds(60)).volid();
    String keptVolid = awaitPhase(t, "kept", "Completed", Duration.ofSeconds(60)).volid();
    assertThat(archive(pod.node, keptVolid).orElseThrow().isProtected()).isTrue();

    backups.delete(ResourceKey.of(t, "plain"));
    backups.markDeleted(ResourceKey.of(t, "kept"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> backups.get(ResourceKey.of(t, "plain")).isEmpty());
    assertThat(archive(pod.node, plainVolid)).isEmpty();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Conditions.hasReason(
                    backups.get(ResourceKey.of(t, "kept")).orElseThrow().status().conditions(),
                    BackupConditions.DELETION_BLOCKED,
                    "Protected"));
    assertThat(archive(pod.node, keptVolid)).isPresent();
  }

  @Test
  void oneVzdumpPerNode_theOthersWaitPending() {
    String t = TestApi.unique("bkn");
    List<PodInfo> pods = podsRunning(t, Map.of(), "a", "b", "c");
    var sim = ProxmoxSimulatorResource.simulator();
    var timing = sim.timing();
    slowBackups();
    try {
      for (PodInfo p : pods) {
        backups.create(manual(t, p.name + "-bk", p.name));
      }
      List<BackupStatus> done = new ArrayList<>();
      boolean[] sawWaiting = {false};
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                done.clear();
                for (PodInfo p : pods) {
                  BackupStatus s =
                      backups.get(ResourceKey.of(t, p.name + "-bk")).orElseThrow().status();
                  if (Conditions.hasReason(
                      s.conditions(), BackupConditions.SUCCEEDED, "WaitingForNode")) {
                    sawWaiting[0] = true;
                  }
                  if ("Completed".equals(s.phase())) {
                    done.add(s);
                  }
                }
                return done.size() == pods.size();
              });
      assertThat(sawWaiting[0]).as("a backup waited for the node").isTrue();
      done.sort((x, y) -> x.startTime().compareTo(y.startTime()));
      for (int i = 1; i < done.size(); i++) {
        assertThat(done.get(i).startTime())
            .as("backup %d starts after backup %d completed", i, i - 1)
            .isAfterOrEqualTo(done.get(i - 1).completionTime());
      }
    } finally {
      sim.setTiming(timing);
    }
  }

  @Test
  void policyWithANearSchedule_runs_andRecordsTheRun() {
    String t = TestApi.unique("bkp");
    podsRunning(t, Map.of("tier", "db"), "db");
    podsRunning(t, Map.of("tier", "web"), "web");

    policies.put(
        new BackupPolicy(
            "cloudpods.io/v1alpha1",
            "BackupPolicy",
            ObjectMeta.named(t, "nightly"),
            new BackupPolicySpec(
                "* * * * *",
                "UTC",
                new LabelSelector(Map.of("tier", "db")),
                "vzdump-backups",
                "snapshot",
                "zstd",
                new BackupRetention(3, 0, 0, 0, 0, 0),
                "Skip",
                false),
            null),
        null);

    await()
        .atMost(Duration.ofSeconds(100))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              var s = policies.get(ResourceKey.of(t, "nightly")).orElseThrow().status();
              return s != null
                  && s.lastRunResult() != null
                  && "Succeeded".equals(s.lastRunResult().result());
            });
    var status = policies.get(ResourceKey.of(t, "nightly")).orElseThrow().status();
    assertThat(status.lastScheduleTime()).isNotNull();
    assertThat(status.nextScheduleTime()).isAfter(status.lastScheduleTime());
    assertThat(status.lastSuccessfulTime()).isNotNull();
    List<Backup> made = backups.listByPolicy(t, "nightly");
    assertThat(made).extracting(b -> b.spec().pod()).containsOnly("db");
    Backup first = made.get(0);
    assertThat(first.spec().reason()).isEqualTo("Scheduled");
    // started within 60 s of its due time (normally within a second or two)
    assertThat(Duration.between(status.lastScheduleTime(), first.status().startTime()))
        .isLessThan(Duration.ofSeconds(60));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  record PodInfo(String name, int vmid, String node) {}

  private List<PodInfo> podsRunning(String tenant, Map<String, String> labels, String... names) {
    List<Object> objects = new ArrayList<>();
    if (admin().get("/api/v1/tenants/" + tenant).statusCode() != 200) {
      objects.add(TestApi.tenant(tenant, null));
      objects.add(TestApi.pool("default"));
    }
    for (String n : names) {
      objects.add(
          TestApi.object("CloudPod", Map.of("name", n, "tenant", tenant, "labels", labels), SIZE));
    }
    admin().body(objects).post("/api/v1/apply").then().statusCode(200);
    List<PodInfo> out = new ArrayList<>();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              out.clear();
              for (String n : names) {
                JsonPath p =
                    admin()
                        .get("/api/v1/tenants/" + tenant + "/cloudpods/" + n)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
                assertThat(p.getString("status.phase")).isEqualTo("Running");
                out.add(new PodInfo(n, p.getInt("status.vmid"), p.getString("status.node")));
              }
            });
    return out;
  }

  private static Backup manual(String tenant, String name, String pod) {
    return Backup.of(
        ObjectMeta.named(tenant, name),
        new BackupSpec(pod, null, null, null, "Manual", null, null, null));
  }

  private BackupStatus awaitPhase(String tenant, String name, String phase, Duration within) {
    ResourceKey key = ResourceKey.of(tenant, name);
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              BackupStatus s = backups.get(key).orElseThrow().status();
              return s != null && phase.equals(s.phase());
            });
    return backups.get(key).orElseThrow().status();
  }

  private Optional<StorageContent> archive(String node, String volid) {
    return client
        .storageContent(node, "vzdump-backups", Optional.of("backup"), Optional.empty())
        .stream()
        .filter(c -> c.volid().equals(volid))
        .findFirst();
  }

  private void awaitTask(Upid upid) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              TaskStatus s = client.taskStatus(upid);
              return !s.running();
            });
  }

  private static List<String> events(String tenant, String kind, String name) {
    List<String> reasons = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(
            () -> {
              reasons.clear();
              reasons.addAll(
                  admin()
                      .queryParam("kind", kind)
                      .queryParam("name", name)
                      .queryParam("tenant", tenant)
                      .queryParam("limit", 500)
                      .get("/api/v1/events")
                      .then()
                      .statusCode(200)
                      .extract()
                      .jsonPath()
                      .getList("reason", String.class));
              return !reasons.isEmpty();
            });
    return reasons;
  }

  /** 4 GiB-ish root disks take seconds to back up, so backups on one node would overlap. */
  private static void slowBackups() {
    String root = ProxmoxSimulatorResource.simulator().baseUrl().replace("/api2/json", "");
    RestAssured.given()
        .baseUri(root)
        .header(
            "Authorization",
            "PVEAPIToken="
                + ProxmoxSimulatorResource.TOKEN_ID
                + "="
                + ProxmoxSimulatorResource.TOKEN_SECRET)
        .contentType("application/json")
        .body("{\"vzdumpPerGiB\":\"60s\"}")
        .put("/_sim/timing")
        .then()
        .statusCode(200);
  }
}
