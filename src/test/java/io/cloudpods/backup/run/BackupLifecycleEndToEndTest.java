package io.cloudpods.backup.run;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.StorageContent;
import io.cloudpods.store.BackupPolicyStore;
import io.cloudpods.store.BackupStore;
import io.cloudpods.store.ResourceKey;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A backup's whole life, end to end with the controller running against the simulator: a policy
 * backs up a PodSet of 10 on its schedule (one vzdump fails by injected fault and is retried), a
 * pod removed by scaling down leaves a protected Final backup, another pod is restored as a new pod
 * from its third-newest backup, and after the next scheduled run the storage holds exactly what
 * Proxmox's {@code prune-backups keep-last=3} leaves.
 */
@QuarkusTest
@TestProfile(BackupControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class BackupLifecycleEndToEndTest {

  private static final Duration CONVERGE = Duration.ofSeconds(180);
  private static final String STORAGE = "vzdump-backups";

  @Inject BackupStore backups;
  @Inject BackupPolicyStore policies;
  @Inject javax.sql.DataSource db;
  @Inject ProxmoxClient proxmox;

  private String tenant;

  @Test
  void aScheduledPolicy_retriesAFailure_keepsAFinalBackup_restoresTheThirdNewest_andPrunes() {
    String[] tp =
        TestApi.tenantWithPool(
            Map.of("maxPods", 20, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 400));
    tenant = tp[0];
    Map<String, Object> size =
        Map.of(
            "cores",
            1,
            "memoryMb",
            512,
            "swapMb",
            0,
            "diskGb",
            8,
            "ipPool",
            tp[1],
            "cloneMode",
            "linked");
    admin()
        .body(
            List.of(
                TestApi.object(
                    "PodSet",
                    Map.of("name", "fleet", "tenant", tenant),
                    Map.of(
                        "replicas",
                        10,
                        "template",
                        Map.of(
                            "metadata", Map.of("labels", Map.of("app", "fleet")), "spec", size)))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    Map<String, Integer> vmids = awaitRunning(10);

    // the first vzdump of fleet-3 fails; the retry succeeds
    ProxmoxSimulatorResource.simulator()
        .failNextBackups(vmids.get("fleet-3"), 1, "archive write interrupted (injected)");
    applyPolicy(false);

    // ---- run 1: every pod backed up on schedule -------------------------------------------------
    List<Backup> run1 = awaitScheduledCompleted(Instant.EPOCH, Set.copyOf(vmids.keySet()));
    applyPolicy(true); // suspended: nothing scheduled runs while the test works on the pods
    BackupPolicyStatus afterRun1 = policy();
    assertThat(afterRun1.lastRunResult().result()).isEqualTo("Succeeded");
    assertThat(backups.listByPolicy(tenant, "every-minute")).hasSize(10);
    Instant firstRun = afterRun1.lastScheduleTime();
    for (Backup b : run1) {
      assertThat(Duration.between(firstRun, b.status().startTime()))
          .as("%s starts within 60 s of its time", b.metadata().name())
          .isLessThan(Duration.ofSeconds(60));
    }
    Backup retried = byPod(run1, "fleet-3");
    assertThat(retried.status().attempts()).isEqualTo(2);
    assertThat(eventCount("Backup", retried.metadata().name(), "BackupAttemptFailed")).isEqualTo(1);
    assertThat(eventCount("CloudPod", "fleet-3", "BackupAttemptFailed")).isEqualTo(1);
    for (Backup b : run1) {
      if (b != retried) {
        assertThat(b.status().attempts()).as(b.metadata().name()).isEqualTo(1);
      }
    }

    // ---- two manual backups of fleet-5: its scheduled one becomes the third-newest
    // ---------------
    String m1 = manualBackup("fleet-5", "fleet-5-m1");
    sleepPastSecond(); // vzdump names its archives to the second
    String m2 = manualBackup("fleet-5", "fleet-5-m2");
    List<StorageContent> fleet5 = archivesNewestFirst(vmids.get("fleet-5"));
    assertThat(fleet5).hasSize(3);
    Backup s1Fleet5 = byPod(run1, "fleet-5");
    assertThat(fleet5.get(2).volid()).isEqualTo(s1Fleet5.status().volid());
    assertThat(fleet5.get(0).volid()).isEqualTo(volid(m2));
    assertThat(fleet5.get(1).volid()).isEqualTo(volid(m1));

    // ---- restore the third-newest as a new pod -------------------------------------------------
    TestApi.applyAsAdmin(
        TestApi.object(
            "Restore",
            Map.of("name", "fleet5-back", "tenant", tenant),
            Map.of("backup", s1Fleet5.metadata().name(), "target", Map.of("podName", "copy5"))));
    JsonPath copy = awaitReady("copy5");
    int copyVmid = copy.getInt("status.vmid");
    assertThat(copyVmid).isNotIn(vmids.values());
    assertThat(copy.getString("status.ip")).isNotEqualTo(pod("fleet-5").getString("status.ip"));
    assertThat(
            new SimCluster(ProxmoxSimulatorResource.simulator())
                .guest(copyVmid)
                .orElseThrow()
                .tags())
        .contains("cloudpods");
    assertThat(restorePhase("fleet5-back")).isEqualTo("Completed");

    // ---- scale down: fleet-9 leaves a protected Final backup
    // -------------------------------------
    admin()
        .body(
            List.of(
                TestApi.object(
                    "PodSet",
                    Map.of("name", "fleet", "tenant", tenant),
                    Map.of(
                        "replicas",
                        9,
                        "template",
                        Map.of(
                            "metadata", Map.of("labels", Map.of("app", "fleet")), "spec", size)))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    int vmid9 = vmids.get("fleet-9");
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                admin().get("/api/v1/tenants/" + tenant + "/cloudpods/fleet-9").statusCode() == 404
                    && new SimCluster(ProxmoxSimulatorResource.simulator()).guest(vmid9).isEmpty());
    Backup fin =
        backups.listByPod(tenant, "fleet-9").stream()
            .filter(b -> BackupSpec.REASON_FINAL.equals(b.spec().reason()))
            .findFirst()
            .orElseThrow();
    assertThat(fin.status().phase()).isEqualTo(BackupStatus.PHASE_COMPLETED);
    assertThat(fin.spec().isProtected()).isTrue();
    StorageContent finArchive =
        archivesNewestFirst(vmid9).stream()
            .filter(c -> c.volid().equals(fin.status().volid()))
            .findFirst()
            .orElseThrow();
    assertThat(finArchive.isProtected()).isTrue();

    // ---- run 2, then Proxmox's prune keep-last=3 ----------------------------------------------
    Map<Integer, List<StorageContent>> before = new TreeMap<>();
    for (int vmid : vmids.values()) {
      before.put(vmid, archivesNewestFirst(vmid));
    }
    applyPolicy(false);
    Set<String> live = new TreeSet<>(vmids.keySet());
    live.remove("fleet-9");
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> policy().lastScheduleTime().isAfter(firstRun));
    awaitScheduledCompleted(firstRun.plusSeconds(1), live);

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (Map.Entry<String, Integer> e : vmids.entrySet()) {
                List<StorageContent> now = archivesNewestFirst(e.getValue());
                assertThat(volids(now))
                    .as(e.getKey())
                    .containsExactlyElementsOf(
                        keepLast3(e.getKey(), before.get(e.getValue()), now));
              }
            });
    // fleet-5's scheduled backup of run 1 was the fourth-newest: pruned, and its Backup says so
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                BackupStatus.PHASE_MISSING.equals(
                    backups
                        .get(ResourceKey.of(tenant, s1Fleet5.metadata().name()))
                        .orElseThrow()
                        .status()
                        .phase()));
    assertThat(
            Conditions.hasReason(
                backups
                    .get(ResourceKey.of(tenant, s1Fleet5.metadata().name()))
                    .orElseThrow()
                    .status()
                    .conditions(),
                BackupConditions.ARCHIVE_AVAILABLE,
                "Pruned"))
        .isTrue();
    // the Final backup is protected: prune never takes it
    assertThat(archivesNewestFirst(vmid9))
        .extracting(StorageContent::volid)
        .contains(fin.status().volid());
  }

  /**
   * What Proxmox's {@code keep-last=3} leaves of one guest's archives, from every archive seen
   * before and after run 2: each protected one, and the three newest of the others (by {@code
   * ctime}). fleet-9 is gone and has no backup of run 2, so nothing of it is pruned.
   */
  private static List<String> keepLast3(
      String pod, List<StorageContent> before, List<StorageContent> after) {
    if ("fleet-9".equals(pod)) {
      return volids(before);
    }
    Map<String, StorageContent> all = new LinkedHashMap<>();
    before.forEach(c -> all.put(c.volid(), c));
    after.forEach(c -> all.put(c.volid(), c));
    List<String> keep = new ArrayList<>();
    int unprotected = 0;
    for (StorageContent c :
        all.values().stream()
            .sorted(Comparator.comparingLong(StorageContent::ctime).reversed())
            .toList()) {
      if (c.isProtected() || unprotected++ < 3) {
        keep.add(c.volid());
      }
    }
    return keep;
  }

  private static List<String> volids(List<StorageContent> archives) {
    return archives.stream().map(StorageContent::volid).toList();
  }

  // ---- helpers --------------------------------------------------------------------------------

  private void applyPolicy(boolean suspend) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("schedule", "* * * * *");
    spec.put("timeZone", "UTC");
    spec.put("selector", Map.of("matchLabels", Map.of("app", "fleet")));
    spec.put("storage", STORAGE);
    spec.put("mode", "snapshot");
    spec.put("compress", "zstd");
    spec.put("retention", Map.of("keepLast", 3));
    spec.put("catchUp", "Skip");
    spec.put("suspend", suspend);
    TestApi.applyAsAdmin(
        TestApi.object("BackupPolicy", Map.of("name", "every-minute", "tenant", tenant), spec));
  }

  private BackupPolicyStatus policy() {
    return policies.get(ResourceKey.of(tenant, "every-minute")).orElseThrow().status();
  }

  /**
   * Waits until every pod named has a Completed Backup of the policy started after {@code since}.
   */
  private List<Backup> awaitScheduledCompleted(Instant since, Set<String> pods) {
    List<Backup> out = new ArrayList<>();
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              out.clear();
              out.addAll(
                  backups.listByPolicy(tenant, "every-minute").stream()
                      .filter(
                          b ->
                              b.status() != null
                                  && BackupStatus.PHASE_COMPLETED.equals(b.status().phase())
                                  && b.status().startTime().isAfter(since))
                      .toList());
              Set<String> covered =
                  out.stream().map(b -> b.spec().pod()).collect(Collectors.toSet());
              return covered.containsAll(pods);
            });
    return List.copyOf(out);
  }

  private static Backup byPod(List<Backup> list, String pod) {
    return list.stream().filter(b -> pod.equals(b.spec().pod())).findFirst().orElseThrow();
  }

  private String manualBackup(String pod, String name) {
    TestApi.applyAsAdmin(
        TestApi.object("Backup", Map.of("name", name, "tenant", tenant), Map.of("pod", pod)));
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              BackupStatus s = backups.get(ResourceKey.of(tenant, name)).orElseThrow().status();
              return s != null && BackupStatus.PHASE_COMPLETED.equals(s.phase());
            });
    return name;
  }

  private String volid(String backup) {
    return backups.get(ResourceKey.of(tenant, backup)).orElseThrow().status().volid();
  }

  /** The vmid's backup archives on the storage, on any node, newest first. */
  private List<StorageContent> archivesNewestFirst(int vmid) {
    List<StorageContent> out = new ArrayList<>();
    for (String node : List.of("pve", "pve-02", "pve-03")) {
      try {
        out.addAll(proxmox.storageContent(node, STORAGE, Optional.of("backup"), Optional.of(vmid)));
      } catch (RuntimeException noSuchNode) {
        // a single-node layout
      }
    }
    Map<String, StorageContent> unique = new LinkedHashMap<>();
    out.forEach(c -> unique.putIfAbsent(c.volid(), c));
    return unique.values().stream()
        .sorted(Comparator.comparingLong(StorageContent::ctime).reversed())
        .toList();
  }

  private Map<String, Integer> awaitRunning(int n) {
    Map<String, Integer> out = new TreeMap<>();
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              out.clear();
              for (int i = 0; i < n; i++) {
                JsonPath p = awaitReadyOnce("fleet-" + i);
                out.put("fleet-" + i, p.getInt("status.vmid"));
              }
            });
    return out;
  }

  private JsonPath awaitReadyOnce(String name) {
    JsonPath p = pod(name);
    assertThat(p.getString("status.conditions.find { it.type == 'Ready' }.status"))
        .as(name)
        .isEqualTo("True");
    return p;
  }

  private JsonPath awaitReady(String name) {
    JsonPath[] out = new JsonPath[1];
    await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> out[0] = awaitReadyOnce(name));
    return out[0];
  }

  private JsonPath pod(String name) {
    return admin()
        .get("/api/v1/tenants/" + tenant + "/cloudpods/" + name)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private String restorePhase(String name) {
    return admin()
        .get("/api/v1/tenants/" + tenant + "/restores/" + name)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getString("status.phase");
  }

  private long eventCount(String kind, String name, String reason) {
    return count(
        "SELECT count(*) FROM events WHERE kind = ? AND tenant = ? AND name = ? AND reason = ?",
        kind,
        tenant,
        name,
        reason);
  }

  private static void sleepPastSecond() {
    try {
      Thread.sleep(1100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private long count(String sql, Object... params) {
    return TestApi.count(db, sql, params);
  }
}
