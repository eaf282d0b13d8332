package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.as;
import static io.cloudpods.testsupport.TestApi.count;
import static io.cloudpods.testsupport.TestApi.object;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.tenantToken;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.totalRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.auth.TokenStore;
import io.cloudpods.store.BackupStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The routes of BackupPolicy, Backup and Restore: the same contract as the other tenant kinds
 * (PUT/GET/list/DELETE, tenant isolation, field-naming errors, nothing stored on refusal), and what
 * is particular to backups (a protected Backup is not deleted, one with an archive is only marked,
 * immutable fields).
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class BackupRoutesTest {

  @Inject BackupStore backups;
  @Inject TokenStore tokens;

  String t;
  String pool;
  String base;

  @BeforeEach
  void tenantWithAPod() {
    String[] tp = tenantWithPool(null);
    t = tp[0];
    pool = tp[1];
    base = "/api/v1/tenants/" + t;
    applyAsAdmin(pod(t, "web", Map.of("ipPool", pool)));
  }

  static Map<String, Object> backup(String tenant, String name, Map<String, Object> spec) {
    return object("Backup", Map.of("name", name, "tenant", tenant), spec);
  }

  static Map<String, Object> policy(String tenant, String name, Map<String, Object> spec) {
    return object("BackupPolicy", Map.of("name", name, "tenant", tenant), spec);
  }

  static Map<String, Object> restore(String tenant, String name, Map<String, Object> spec) {
    return object("Restore", Map.of("name", name, "tenant", tenant), spec);
  }

  /** What the controller writes once vzdump has made the archive. */
  void completed(String name) {
    BackupStatus s =
        new BackupStatus(
            BackupStatus.PHASE_COMPLETED,
            "vzdump-backups:backup/vzdump-lxc-9001-2026_01_02-02_00_04.tar.zst",
            123456L,
            "pve",
            9001,
            null,
            Instant.now().minusSeconds(60),
            Instant.now(),
            null,
            1,
            null,
            null,
            "snapshot",
            null,
            null,
            1L,
            List.of(),
            null);
    assertThat(backups.updateStatus(ResourceKey.of(t, name), s)).isTrue();
  }

  long eventsOf(String kind, String name) {
    return count(
        "SELECT count(*) FROM events WHERE kind = ? AND tenant = ? AND name = ?", kind, t, name);
  }

  @Test
  void backupPolicyRoutes_putGetListDelete_roundTripWithDefaults() {
    admin()
        .body(policy(t, "nightly", Map.of("schedule", "0 2 * * *")))
        .put(base + "/backuppolicies/nightly")
        .then()
        .statusCode(201)
        .body("kind", equalTo("BackupPolicy"))
        .body("spec.timeZone", equalTo("UTC"))
        .body("spec.storage", equalTo("vzdump-backups"))
        .body("spec.retention.keepLast", equalTo(7))
        .body("spec.suspend", equalTo(false));
    admin()
        .get(base + "/backuppolicies/nightly")
        .then()
        .statusCode(200)
        .body("spec.schedule", equalTo("0 2 * * *"));
    admin()
        .get(base + "/backuppolicies")
        .then()
        .statusCode(200)
        .body("kind", equalTo("BackupPolicyList"))
        .body("items.metadata.name", equalTo(List.of("nightly")));
    admin()
        .body(policy(t, "nightly", Map.of("schedule", "0 3 * * *", "suspend", true)))
        .put(base + "/backuppolicies/nightly")
        .then()
        .statusCode(200)
        .body("metadata.generation", equalTo(2));

    admin().delete(base + "/backuppolicies/nightly").then().statusCode(200);

    admin().get(base + "/backuppolicies/nightly").then().statusCode(404);
    assertThat(eventsOf("BackupPolicy", "nightly")).isEqualTo(3); // created, configured, deleted
  }

  @Test
  void backupPolicyPut_badCronAndZone_answers422NamingEachField_storesNothing() {
    long before = totalRows();
    admin()
        .body(policy(t, "bad", Map.of("schedule", "every night", "timeZone", "Mars/Olympus")))
        .put(base + "/backuppolicies/bad")
        .then()
        .statusCode(422)
        .body("reason", equalTo("Invalid"))
        .body("details.field", equalTo(List.of("spec.schedule", "spec.timeZone")));
    admin()
        .body(policy(t, "bad", Map.of("schedule", "0 2 * * *", "retention", Map.of("keepLats", 3))))
        .put(base + "/backuppolicies/bad")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("spec.retention.keepLats"))
        .body("details[0].message", equalTo("unknown field"));
    assertThat(totalRows()).isEqualTo(before);
  }

  @Test
  void backupRoutes_tenantTokenCreatesAManualBackup_seesItPending() {
    String token = tenantToken(tokens, t);
    as(token)
        .body(backup(t, "web-manual", Map.of("pod", "web", "notes", "before upgrade")))
        .put(base + "/backups/web-manual")
        .then()
        .statusCode(201)
        .body("spec.reason", equalTo("Manual"))
        .body("spec.mode", equalTo("snapshot"))
        .body("spec.protected", equalTo(false))
        .body("status.phase", equalTo("Pending"));
    as(token)
        .get(base + "/backups")
        .then()
        .statusCode(200)
        .body("kind", equalTo("BackupList"))
        .body("items.metadata.name", equalTo(List.of("web-manual")));
    as(token).get(base + "/backups/web-manual").then().statusCode(200);
    assertThat(eventsOf("Backup", "web-manual")).isEqualTo(1);
  }

  @Test
  void backupPut_tenantTokenAskingForAScheduledBackup_answers403NamingSpecReason() {
    long before = totalRows();
    as(tenantToken(tokens, t))
        .body(backup(t, "sneaky", Map.of("pod", "web", "reason", "Final")))
        .put(base + "/backups/sneaky")
        .then()
        .statusCode(403)
        .body("message", containsString("spec.reason"));
    assertThat(totalRows()).isEqualTo(before);
  }

  @Test
  void backupPut_ofAPodThatDoesNotExist_answers422NamingSpecPod_storesNothing() {
    long before = totalRows();
    admin()
        .body(backup(t, "ghost", Map.of("pod", "no-such-pod")))
        .put(base + "/backups/ghost")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("spec.pod"));
    admin()
        .body(backup(t, "badmode", Map.of("pod", "web", "mode", "fast")))
        .put(base + "/backups/badmode")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("spec.mode"));
    assertThat(totalRows()).isEqualTo(before);
  }

  @Test
  void backupPut_changingAnImmutableField_answers422NamingIt_protectedAndNotesMayChange() {
    applyAsAdmin(backup(t, "b1", Map.of("pod", "web")));
    String url = base + "/backups/b1";
    admin()
        .body(backup(t, "b1", Map.of("pod", "web", "mode", "stop")))
        .put(url)
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("spec.mode"))
        .body(
            "details[0].message", containsString("only spec.protected and spec.notes may change"));
    admin().get(url).then().body("spec.mode", equalTo("snapshot"));

    admin()
        .body(backup(t, "b1", Map.of("pod", "web", "protected", true, "notes", "keep")))
        .put(url)
        .then()
        .statusCode(200)
        .body("spec.protected", equalTo(true))
        .body("spec.notes", equalTo("keep"));
  }

  @Test
  void deleteBackup_protected_answers409NamingSpecProtected_andStoresNothing() {
    applyAsAdmin(backup(t, "kept", Map.of("pod", "web", "protected", true)));
    completed("kept");
    String url = base + "/backups/kept";
    long events = eventsOf("Backup", "kept");

    admin()
        .delete(url)
        .then()
        .statusCode(409)
        .body("code", equalTo(409))
        .body("reason", equalTo("Conflict"))
        .body("details[0].field", equalTo("spec.protected"))
        .body("message", containsString("Proxmox refuses to delete a protected archive"));

    admin()
        .get(url)
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", nullValue())
        .body("status.phase", equalTo("Completed"));
    assertThat(eventsOf("Backup", "kept")).isEqualTo(events);

    // unprotected, it can go
    admin()
        .body(backup(t, "kept", Map.of("pod", "web", "protected", false)))
        .put(url)
        .then()
        .statusCode(200);
    admin().delete(url).then().statusCode(200).body("metadata.deletionTimestamp", notNullValue());
  }

  @Test
  void deleteBackup_withAnArchive_isMarkedForTheController_withoutOne_goesAtOnce() {
    applyAsAdmin(
        backup(t, "archived", Map.of("pod", "web")), backup(t, "never-ran", Map.of("pod", "web")));
    completed("archived");

    admin()
        .delete(base + "/backups/archived")
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue());
    admin()
        .get(base + "/backups/archived")
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue());
    // a write to a Backup being deleted is refused
    admin()
        .body(backup(t, "archived", Map.of("pod", "web", "notes", "late")))
        .put(base + "/backups/archived")
        .then()
        .statusCode(409);

    admin().delete(base + "/backups/never-ran").then().statusCode(200);
    admin().get(base + "/backups/never-ran").then().statusCode(404);
    admin().delete(base + "/backups/never-ran").then().statusCode(404);
  }

  @Test
  void restoreRoutes_ofACompletedBackup_createGetListDelete() {
    applyAsAdmin(backup(t, "src", Map.of("pod", "web")));
    long before = totalRows();
    admin()
        .body(restore(t, "web-copy", Map.of("backup", "src")))
        .put(base + "/restores/web-copy")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("spec.backup"))
        .body("details[0].message", containsString("only a Completed backup can be restored"));
    assertThat(totalRows()).isEqualTo(before);

    completed("src");
    admin()
        .body(restore(t, "web-copy", Map.of("backup", "src")))
        .put(base + "/restores/web-copy")
        .then()
        .statusCode(201)
        .body("spec.target.podName", equalTo("web-copy"))
        .body("status.phase", equalTo("Pending"));
    admin()
        .get(base + "/restores")
        .then()
        .statusCode(200)
        .body("kind", equalTo("RestoreList"))
        .body("items.metadata.name", equalTo(List.of("web-copy")));
    admin()
        .body(restore(t, "web-copy", Map.of("backup", "src", "target", Map.of("podName", "other"))))
        .put(base + "/restores/web-copy")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("spec.target"));

    admin().delete(base + "/restores/web-copy").then().statusCode(200);
    admin().get(base + "/restores/web-copy").then().statusCode(404);
  }

  @Test
  void restoreAsANewPod_beyondTheTenantsPodQuota_answers403NamingIt_storesNothing() {
    String[] tp = tenantWithPool(Map.of("maxPods", 1));
    t = tp[0];
    base = "/api/v1/tenants/" + t;
    applyAsAdmin(pod(t, "only", Map.of("ipPool", tp[1])));
    applyAsAdmin(backup(t, "only-b", Map.of("pod", "only")));
    completed("only-b");
    long before = totalRows();

    admin()
        .body(restore(t, "only-copy", Map.of("backup", "only-b")))
        .put(base + "/restores/only-copy")
        .then()
        .statusCode(403)
        .body("reason", equalTo("QuotaExceeded"))
        .body("details[0].field", equalTo("quota.maxPods"));
    assertThat(totalRows()).isEqualTo(before);

    // in place adds no pod: within the quota
    admin()
        .body(
            restore(t, "only-back", Map.of("backup", "only-b", "target", Map.of("inPlace", true))))
        .put(base + "/restores/only-back")
        .then()
        .statusCode(201);
  }

  @Test
  void restorePut_bothPodNameAndInPlace_answers422NamingSpecTarget() {
    applyAsAdmin(backup(t, "src", Map.of("pod", "web")));
    completed("src");
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("podName", "x");
    target.put("inPlace", true);
    admin()
        .body(restore(t, "both", Map.of("backup", "src", "target", target)))
        .put(base + "/restores/both")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("spec.target"));
    admin().get(base + "/restores/both").then().statusCode(404);
  }

  @Test
  void tenantToken_ofAnotherTenant_cannotSeeOrCreateOrDeleteItsBackups() {
    applyAsAdmin(
        backup(t, "secret", Map.of("pod", "web")),
        policy(t, "secret-policy", Map.of("schedule", "0 2 * * *")));
    String other = tenantWithPool(null)[0];
    String token = tenantToken(tokens, other);
    long before = totalRows();

    as(token).get(base + "/backups").then().statusCode(403);
    as(token).get(base + "/backups/secret").then().statusCode(403);
    as(token).get(base + "/backuppolicies").then().statusCode(403);
    as(token).get(base + "/restores").then().statusCode(403);
    as(token)
        .body(backup(t, "planted", Map.of("pod", "web")))
        .put(base + "/backups/planted")
        .then()
        .statusCode(403);
    as(token)
        .body(List.of(backup(t, "planted", Map.of("pod", "web"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403);
    as(token).delete(base + "/backups/secret").then().statusCode(403);
    as(token).delete(base + "/backuppolicies/secret-policy").then().statusCode(403);
    // its own tenant's lists hold nothing of t
    as(token)
        .get("/api/v1/tenants/" + other + "/backups")
        .then()
        .statusCode(200)
        .body("items", equalTo(List.of()));

    assertThat(totalRows()).isEqualTo(before);
    admin()
        .get(base + "/backups/secret")
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", nullValue());
  }

  @Test
  void apply_multiDocumentYaml_acceptsTheBackupKinds() {
    String yaml =
        """
        apiVersion: cloudpods.io/v1alpha1
        kind: BackupPolicy
        metadata: {name: nightly, tenant: %1$s}
        spec: {schedule: "0 2 * * *", timeZone: Europe/Berlin, retention: {keepLast: 3, keepDaily: 7}}
        ---
        apiVersion: cloudpods.io/v1alpha1
        kind: Backup
        metadata: {name: web-once, tenant: %1$s}
        spec: {pod: web, mode: suspend}
        """
            .formatted(t);
    admin()
        .contentType("application/yaml")
        .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then()
        .statusCode(200)
        .body("items.kind", equalTo(List.of("BackupPolicy", "Backup")))
        .body("items.result", equalTo(List.of("created", "created")));
    admin()
        .get(base + "/backuppolicies/nightly")
        .then()
        .body("spec.retention.keepDaily", equalTo(7));
    admin().get(base + "/backups/web-once").then().body("spec.mode", equalTo("suspend"));
  }

  @Test
  void deleteCloudPod_skipFinalBackupNotABoolean_answers400NamingIt_andMarksNothing() {
    admin()
        .delete(base + "/cloudpods/web?skipFinalBackup=yes")
        .then()
        .statusCode(400)
        .body("details[0].field", equalTo("skipFinalBackup"));
    admin().get(base + "/cloudpods/web").then().body("metadata.deletionTimestamp", nullValue());
    admin()
        .delete(base + "/podsets/none?skipFinalBackup=1")
        .then()
        .statusCode(400)
        .body("details[0].field", equalTo("skipFinalBackup"));

    admin()
        .delete(base + "/cloudpods/web?skipFinalBackup=true")
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue());
    assertThat(
            count(
                "SELECT count(*) FROM cloud_pod WHERE tenant = ? AND name = 'web' AND skip_final_backup",
                t))
        .isEqualTo(1);
  }

  @Test
  void openApi_describesTheBackupRoutesWithTheirTenantParameter() {
    String doc = admin().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
    assertThat(doc)
        .contains(
            "\"/api/v1/tenants/{tenant}/backuppolicies/{name}\"",
            "\"/api/v1/tenants/{tenant}/backups/{name}\"",
            "\"/api/v1/tenants/{tenant}/restores\"",
            "skipFinalBackup");
  }
}
