package io.cloudpods.store;

import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.count;
import static io.cloudpods.testsupport.TestApi.jdbc;
import static io.cloudpods.testsupport.TestApi.object;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Storage of Backups, BackupPolicies and Restores (migration V7): spec from the API, status from
 * the controller, the delete→mark rule for backups with an archive, and tenant deletion.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class BackupStoreTest {

  @Inject BackupStore backups;
  @Inject BackupPolicyStore policies;
  @Inject RestoreStore restores;
  @Inject CloudPodStore pods;
  @Inject TenantStore tenants;

  private static Map<String, Object> backup(String tenant, String name, Map<String, Object> spec) {
    return object("Backup", Map.of("name", name, "tenant", tenant), spec);
  }

  private static Map<String, Object> policy(String tenant, String name) {
    return object(
        "BackupPolicy", Map.of("name", name, "tenant", tenant), Map.of("schedule", "0 2 * * *"));
  }

  private static int sql(String statement, Object... params) throws SQLException {
    try (Connection c = jdbc();
        PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  private static BackupStatus completed(String volid) {
    return new BackupStatus(
        BackupStatus.PHASE_COMPLETED,
        volid,
        1234L,
        "pve",
        9001,
        null,
        Instant.parse("2026-01-02T02:00:00Z"),
        Instant.parse("2026-01-02T02:00:09Z"),
        "UPID:pve:0000A1B2:0001C3D4:6957F7C0:vzdump:9001:root@pam:",
        1,
        null,
        null,
        "snapshot",
        null,
        null,
        1L,
        null,
        "default");
  }

  @Test
  void appliedBackup_isStoredWithDefaults_pendingAndListedByItsPod() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "web", Map.of("ipPool", tp[1])), backup(tp[0], "web-b1", Map.of("pod", "web")));

    Backup b = backups.get(ResourceKey.of(tp[0], "web-b1")).orElseThrow();

    assertThat(b.spec())
        .isEqualTo(
            new BackupSpec(
                "web", "vzdump-backups", "snapshot", "zstd", "Manual", false, null, null));
    assertThat(b.status().phase()).isEqualTo(BackupStatus.PHASE_PENDING);
    assertThat(backups.listByPod(tp[0], "web"))
        .extracting(x -> x.metadata().name())
        .containsExactly("web-b1");
    assertThat(backups.listByPod(tp[0], "other")).isEmpty();
    assertThat(backups.listActive()).extracting(x -> x.metadata().name()).contains("web-b1");
  }

  @Test
  void statusWrite_keepsSpecAndGeneration_andAStaleVersionLoses() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "web", Map.of("ipPool", tp[1])), backup(tp[0], "b", Map.of("pod", "web")));
    ResourceKey key = ResourceKey.of(tp[0], "b");
    Backup before = backups.get(key).orElseThrow();

    assertThat(
            backups.updateStatus(
                key,
                completed("vzdump-backups:backup/x.tar.zst"),
                before.metadata().resourceVersion()))
        .isTrue();
    Backup after = backups.get(key).orElseThrow();

    assertThat(after.metadata().generation()).isEqualTo(before.metadata().generation());
    assertThat(after.spec()).isEqualTo(before.spec());
    assertThat(after.status().volid()).isEqualTo("vzdump-backups:backup/x.tar.zst");
    assertThat(backups.listActive()).extracting(x -> x.metadata().name()).doesNotContain("b");
    assertThatThrownBy(
            () ->
                backups.updateStatus(
                    key, BackupStatus.pending(), before.metadata().resourceVersion()))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("stale");
    assertThat(backups.updateStatus(ResourceKey.of(tp[0], "absent"), BackupStatus.pending(), "1"))
        .isFalse();
  }

  @Test
  void sqlDelete_ofABackupWithAnArchive_becomesAMark_untilTheControllerFinalizes()
      throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "web", Map.of("ipPool", tp[1])), backup(tp[0], "b", Map.of("pod", "web")));
    ResourceKey key = ResourceKey.of(tp[0], "b");
    backups.updateStatus(key, completed("vzdump-backups:backup/y.tar.zst"));

    assertThat(sql("DELETE FROM backup WHERE tenant = ? AND name = 'b'", tp[0])).isZero();
    assertThat(backups.get(key).orElseThrow().metadata().deletionTimestamp()).isNotNull();
    assertThat(backups.listActive()).extracting(x -> x.metadata().name()).contains("b");

    assertThat(backups.finalizeDeletion(key)).isTrue();
    assertThat(backups.get(key)).isEmpty();
  }

  @Test
  void sqlDelete_ofABackupNeverStarted_removesTheRowAtOnce() throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "web", Map.of("ipPool", tp[1])), backup(tp[0], "b", Map.of("pod", "web")));

    assertThat(sql("DELETE FROM backup WHERE tenant = ? AND name = 'b'", tp[0])).isOne();
    assertThat(backups.get(ResourceKey.of(tp[0], "b"))).isEmpty();
  }

  @Test
  void controllerCreate_isIdempotent_andListedByPolicy() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "web", Map.of("ipPool", tp[1])), policy(tp[0], "nightly"));
    Backup scheduled =
        Backup.of(
            ObjectMeta.named(tp[0], "web-nightly-1"),
            new BackupSpec("web", null, null, null, "Scheduled", null, null, "nightly"));

    Written<Backup> first = backups.create(scheduled);
    Written<Backup> again = backups.create(scheduled);

    assertThat(first.outcome()).isEqualTo(WriteOutcome.created);
    assertThat(first.object().spec().storage()).isEqualTo("vzdump-backups");
    assertThat(again.outcome()).isEqualTo(WriteOutcome.unchanged);
    assertThat(backups.listByPolicy(tp[0], "nightly"))
        .extracting(x -> x.metadata().name())
        .containsExactly("web-nightly-1");
    assertThat(policies.get(ResourceKey.of(tp[0], "nightly")).orElseThrow().spec().retention())
        .isEqualTo(new io.cloudpods.api.v1alpha1.BackupRetention(7, 0, 0, 0, 0, 0));
  }

  @Test
  void deletedTenant_losesPoliciesAndRestoresAtOnce_andItsBackupRowsAfterItsPods()
      throws Exception {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "web", Map.of("ipPool", tp[1])),
        backup(tp[0], "b", Map.of("pod", "web")),
        policy(tp[0], "nightly"));
    backups.updateStatus(ResourceKey.of(tp[0], "b"), completed("vzdump-backups:backup/z.tar.zst"));

    TenantStore.Marked marked = tenants.markDeleted(tp[0], null).orElseThrow();

    assertThat(marked.removed()).isFalse();
    assertThat(count("SELECT count(*) FROM backup_policy WHERE tenant = ?", tp[0])).isZero();
    assertThat(count("SELECT count(*) FROM backup WHERE tenant = ?", tp[0]))
        .as("kept while the pod is being deleted")
        .isOne();
    assertThat(tenants.finalizeDeletion(tp[0])).as("the pod is still there").isFalse();
    assertThat(count("SELECT count(*) FROM backup WHERE tenant = ?", tp[0])).isOne();
    assertThatThrownBy(
            () ->
                sql(
                    "INSERT INTO backup (tenant, name, spec) VALUES (?, 'm', '{\"pod\": \"web\"}')",
                    tp[0]))
        .hasMessageContaining("is being deleted");
    assertThat(
            sql(
                "INSERT INTO backup (tenant, name, spec) VALUES (?, 'f', '{\"pod\": \"web\", \"reason\": \"Final\"}')",
                tp[0]))
        .as("the Final backup of a pod on its way out")
        .isOne();

    assertThat(pods.finalizeDeletion(ResourceKey.of(tp[0], "web"))).isTrue();
    assertThat(tenants.finalizeDeletion(tp[0])).isTrue();

    assertThat(count("SELECT count(*) FROM backup WHERE tenant = ?", tp[0])).isZero();
    assertThat(count("SELECT count(*) FROM tenant WHERE name = ?", tp[0])).isZero();
  }

  @Test
  void podDeletion_withSkipFinalBackup_isRecordedOnThePod() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "a", Map.of("ipPool", tp[1])), pod(tp[0], "b", Map.of("ipPool", tp[1])));

    pods.markDeleted(ResourceKey.of(tp[0], "a"), true);
    pods.markDeleted(ResourceKey.of(tp[0], "b"), false);

    assertThat(pods.skipsFinalBackup(ResourceKey.of(tp[0], "a"))).isTrue();
    assertThat(pods.skipsFinalBackup(ResourceKey.of(tp[0], "b"))).isFalse();
    assertThat(pods.get(ResourceKey.of(tp[0], "a")).orElseThrow().spec().takesFinalBackup())
        .as("the spec's default")
        .isTrue();
  }
}
