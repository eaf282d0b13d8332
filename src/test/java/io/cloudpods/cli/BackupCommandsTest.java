package io.cloudpods.cli;

import static io.cloudpods.cli.Fixtures.ago;
import static io.cloudpods.cli.Fixtures.list;
import static io.cloudpods.cli.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code get}/{@code delete} of the backup kinds, {@code backup create} and {@code restore}. */
class BackupCommandsTest {
  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  static String backup(
      String name,
      String pod,
      String reason,
      String phase,
      String volid,
      Long size,
      boolean protect,
      boolean deleting) {
    return """
        {"apiVersion":"cloudpods.io/v1alpha1","kind":"Backup",
         "metadata":{"name":"%s","tenant":"t","uid":"u-%s","generation":1,"resourceVersion":"4","creationTimestamp":"%s"%s},
         "spec":{"pod":"%s","storage":"vzdump-backups","mode":"snapshot","compress":"zstd","reason":"%s","protected":%s},
         "status":{"phase":"%s","volid":%s,"sizeBytes":%s,"node":"pve","effectiveMode":"suspend"}}
        """
        .formatted(
            name,
            name,
            ago(7200),
            deleting ? ",\"deletionTimestamp\":\"" + ago(5) + "\"" : "",
            pod,
            reason,
            protect,
            phase,
            volid == null ? "null" : "\"" + volid + "\"",
            size == null ? "null" : size.toString());
  }

  static String policy(String name, boolean suspend, String last, String next) {
    return """
        {"apiVersion":"cloudpods.io/v1alpha1","kind":"BackupPolicy",
         "metadata":{"name":"%s","tenant":"t","creationTimestamp":"%s"},
         "spec":{"schedule":"0 2 * * *","timeZone":"Europe/Berlin","selector":{"matchLabels":{"app":"web"}},
                 "storage":"vzdump-backups","retention":{"keepLast":7,"keepDaily":3},"suspend":%s},
         "status":{"lastScheduleTime":%s,"nextScheduleTime":%s,"lastRunResult":{"result":"Succeeded"}}}
        """
        .formatted(
            name,
            ago(86400 * 3),
            suspend,
            last == null ? "null" : "\"" + last + "\"",
            next == null ? "null" : "\"" + next + "\"");
  }

  static String restore(String name, String backup, String podName, boolean inPlace) {
    String target = inPlace ? "{\"inPlace\":true}" : "{\"podName\":\"" + podName + "\"}";
    return """
        {"apiVersion":"cloudpods.io/v1alpha1","kind":"Restore",
         "metadata":{"name":"%s","tenant":"t","creationTimestamp":"%s"},
         "spec":{"backup":"%s","target":%s},"status":{"phase":"Restoring","pod":"web-1"}}
        """
        .formatted(name, ago(90), backup, target);
  }

  static String notFound() {
    return Fixtures.error(404, "NotFound", "not found", "[]");
  }

  @Test
  void getBackups_table_showsPodReasonPhaseVolidSizeAndNode() throws Exception {
    cli.enqueue(
        list(
            "Backup",
            backup(
                "web-1-manual-1",
                "web-1",
                "Manual",
                "Completed",
                "vzdump-backups:backup/vzdump-lxc-9101-2026_12_02-13_00_04.tar.zst",
                1610612736L,
                false,
                false),
            backup("web-1-final-ab", "web-1", "Final", "Running", null, null, true, false),
            backup("old", "web-2", "Scheduled", "Completed", "v:1", 2048L, false, true)));

    assertThat(cli.run("get", "backups", "-n", "t")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/backups");
    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+"))
        .containsExactly("NAME", "POD", "REASON", "PHASE", "VOLID", "SIZE", "NODE", "AGE");
    assertThat(lines[1].split("\\s+"))
        .containsExactly(
            "web-1-manual-1",
            "web-1",
            "Manual",
            "Completed",
            "vzdump-backups:backup/vzdump-lxc-9101-2026_12_02-13_00_04.tar.zst",
            "1.5Gi",
            "pve",
            "2h");
    assertThat(lines[2].split("\\s+"))
        .containsExactly(
            "web-1-final-ab", "web-1", "Final", "Running", "<none>", "<none>", "pve", "2h");
    // marked for deletion: Deleting, whatever the last phase was
    assertThat(lines[3].split("\\s+"))
        .containsExactly("old", "web-2", "Scheduled", "Deleting", "v:1", "2Ki", "pve", "2h");
  }

  @Test
  void getBackupsWide_addsStorageModeFallbackAndProtection() throws Exception {
    cli.enqueue(
        list("Backup", backup("b", "web-1", "Final", "Completed", "v:1", 10L, true, false)));

    assertThat(cli.run("get", "bk", "-n", "t", "-o", "wide")).isZero();

    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+")).endsWith("AGE", "STORAGE", "MODE", "PROTECTED", "MESSAGE");
    assertThat(lines[1].split("\\s+"))
        .endsWith("vzdump-backups", "snapshot->suspend", "true")
        .contains("10B");
  }

  @Test
  void getBackupPolicies_table_showsScheduleZoneSuspendLastAndNext() throws Exception {
    Instant now = Instant.now();
    cli.enqueue(
        list(
            "BackupPolicy",
            policy(
                "nightly",
                false,
                now.minusSeconds(3 * 3600 + 30).toString(),
                now.plusSeconds(5 * 3600 + 30).toString()),
            policy("paused", true, null, null)));

    assertThat(cli.run("get", "backuppolicies", "-n", "t")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/backuppolicies");
    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+"))
        .containsExactly("NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "LAST", "NEXT");
    assertThat(lines[1])
        .matches("nightly\\s+0 2 \\* \\* \\*\\s+Europe/Berlin\\s+false\\s+3h ago\\s+in 5h");
    assertThat(lines[2])
        .matches("paused\\s+0 2 \\* \\* \\*\\s+Europe/Berlin\\s+true\\s+<none>\\s+<none>");
  }

  @Test
  void getBackupPoliciesWide_showsSelectorAndRetentionInProxmoxTerms() throws Exception {
    cli.enqueue(list("BackupPolicy", policy("nightly", false, null, null)));

    assertThat(cli.run("get", "bp", "-n", "t", "-o", "wide")).isZero();

    assertThat(cli.out.split("\n")[1])
        .contains("app=web", "keep-last=7,keep-daily=3", "Succeeded", "3d");
  }

  @Test
  void getRestores_table_showsBackupTargetAndPhase() throws Exception {
    cli.enqueue(
        list(
            "Restore",
            restore("web-1-copy", "web-1-manual-1", "web-1-copy", false),
            restore("web-1-back", "web-1-final-ab", null, true)));

    assertThat(cli.run("get", "restores", "-n", "t")).isZero();

    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+")).containsExactly("NAME", "BACKUP", "TARGET", "PHASE", "AGE");
    assertThat(lines[1].split("\\s+"))
        .containsExactly("web-1-copy", "web-1-manual-1", "pod/web-1-copy", "Restoring", "1m");
    assertThat(lines[2].split("\\s+"))
        .containsExactly("web-1-back", "web-1-final-ab", "in-place", "Restoring", "1m");
  }

  @Test
  void getBackups_withoutTenant_isUsageErrorNamingTheFlag() {
    assertThat(cli.run("get", "backups")).isEqualTo(2);

    assertThat(cli.err).contains("--tenant");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void describeBackup_showsSpecStatusAndItsEvents() throws Exception {
    cli.enqueue(backup("b1", "web-1", "Manual", "Completed", "v:1", 10L, false, false));
    cli.enqueue("[]");

    assertThat(cli.run("describe", "backup", "b1", "-n", "t")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/backups/b1");
    assertThat(cli.out)
        .contains("Kind:             Backup\n", "Spec:\n  pod: web-1\n", "  volid: v:1\n");
  }

  @Test
  void deleteBackup_withAnArchive_saysTheControllerDeletesIt() throws Exception {
    cli.enqueue(backup("b1", "web-1", "Manual", "Completed", "v:1", 10L, false, true));

    assertThat(cli.run("delete", "backup", "b1", "-n", "t")).isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getMethod()).isEqualTo("DELETE");
    assertThat(r.getPath()).isEqualTo("/api/v1/tenants/t/backups/b1");
    assertThat(cli.out)
        .isEqualTo(
            "backup.cloudpods.io \"b1\" marked for deletion (the controller deletes its archive,"
                + " then the backup)\n");
  }

  @Test
  void deleteBackup_protected_showsTheServersRefusalAndFails() throws Exception {
    cli.server.enqueue(
        CliHarness.json(
            409,
            Fixtures.error(
                409,
                "Conflict",
                "Backup t/b1 is protected, and Proxmox refuses to delete a protected archive",
                "[{\"field\":\"spec.protected\",\"message\":\"protected\"}]")));

    assertThat(cli.run("delete", "backup", "b1", "-n", "t")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: Backup t/b1 is protected, and Proxmox refuses to delete a protected archive\n");
    assertThat(cli.out).isEmpty();
  }

  @Test
  void deleteCloudPod_skipFinalBackup_asksTheServerToSkipIt() throws Exception {
    cli.enqueue(pod("t", "web-1", "Deleting", "False", 9101, "pve1", null, 600));

    assertThat(cli.run("delete", "cp", "web-1", "-n", "t", "--skip-final-backup")).isZero();

    assertThat(cli.take().getPath())
        .isEqualTo("/api/v1/tenants/t/cloudpods/web-1?skipFinalBackup=true");
    assertThat(cli.out)
        .isEqualTo("cloudpod.cloudpods.io \"web-1\" deleted (without a final backup)\n");
  }

  @Test
  void deleteBackup_skipFinalBackup_isUsageErrorAndSendsNothing() {
    assertThat(cli.run("delete", "backup", "b1", "-n", "t", "--skip-final-backup")).isEqualTo(2);

    assertThat(cli.err).contains("--skip-final-backup applies to cloudpods and podsets only");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void backupCreate_putsAManualBackupWithTheFlags_andPrintsItsName() throws Exception {
    cli.server.enqueue(CliHarness.json(404, notFound()));
    cli.server.enqueue(
        CliHarness.json(
            201, backup("web-1-pre", "web-1", "Manual", "Pending", null, null, true, false)));

    assertThat(
            cli.run(
                "backup",
                "create",
                "web-1",
                "-n",
                "t",
                "--storage",
                "backup-nfs",
                "--mode",
                "stop",
                "--notes",
                "before upgrade",
                "--protected",
                "--name",
                "web-1-pre"))
        .isZero();

    RecordedRequest check = cli.take();
    assertThat(check.getMethod()).isEqualTo("GET");
    assertThat(check.getPath()).isEqualTo("/api/v1/tenants/t/backups/web-1-pre");
    RecordedRequest put = cli.take();
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getPath()).isEqualTo("/api/v1/tenants/t/backups/web-1-pre");
    JsonNode body = Json.readJson(put.getBody().readUtf8());
    assertThat(body.path("kind").asText()).isEqualTo("Backup");
    assertThat(body.path("metadata").path("tenant").asText()).isEqualTo("t");
    JsonNode spec = body.path("spec");
    assertThat(spec.path("pod").asText()).isEqualTo("web-1");
    assertThat(spec.path("reason").asText()).isEqualTo("Manual");
    assertThat(spec.path("storage").asText()).isEqualTo("backup-nfs");
    assertThat(spec.path("mode").asText()).isEqualTo("stop");
    assertThat(spec.path("notes").asText()).isEqualTo("before upgrade");
    assertThat(spec.path("protected").asBoolean()).isTrue();
    assertThat(cli.out).isEqualTo("backup.cloudpods.io/web-1-pre created\n");
  }

  @Test
  void backupCreate_withoutName_namesItAfterThePodAndTheTime_leavesDefaultsToTheServer()
      throws Exception {
    cli.server.enqueue(CliHarness.json(404, notFound()));
    cli.server.enqueue(
        CliHarness.json(201, backup("x", "web-1", "Manual", "Pending", null, null, false, false)));
    Instant before = Instant.now();

    assertThat(cli.run("backup", "create", "web-1", "-n", "t", "-o", "name")).isZero();

    cli.take();
    RecordedRequest put = cli.take();
    String name = put.getPath().substring("/api/v1/tenants/t/backups/".length());
    assertThat(name).matches("web-1-manual-\\d{14}");
    assertThat(name.substring("web-1-manual-".length()))
        .isGreaterThanOrEqualTo(Backups.stamp(before.minusSeconds(1)));
    JsonNode spec = Json.readJson(put.getBody().readUtf8()).path("spec");
    assertThat(spec.has("storage") || spec.has("mode") || spec.has("protected")).isFalse();
    assertThat(cli.out).isEqualTo("backup/" + name + "\n");
  }

  @Test
  void backupCreate_nameTaken_failsWithoutWriting() throws Exception {
    cli.enqueue(backup("web-1-pre", "web-1", "Manual", "Completed", "v:1", 1L, false, false));

    assertThat(cli.run("backup", "create", "web-1", "-n", "t", "--name", "web-1-pre")).isEqualTo(1);

    assertThat(cli.err).contains("backup 'web-1-pre' exists already in tenant t");
    assertThat(cli.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void backupCreate_podNameTooLong_generatedNameStaysALabelOf63() {
    String pod = "a".repeat(60);
    String name = Backups.fit(pod + "-manual", "20261202150000");
    assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(name).endsWith("-20261202150000");
    assertThat(Backups.fit("b" + pod + "-manual", "20261202150000")).isNotEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "backup create web-1 -n t --mode fast | invalid --mode 'fast' (one of: snapshot, suspend, stop)",
        "backup create web-1 -n t --name Web_1 | invalid --name 'Web_1'",
        "backup create web-1 -n t --storage= | --storage needs a storage id",
        "backup create web-1 --mode stop | backup create needs the tenant: pass --tenant T",
        "backup create -n t | usage: cloudpods backup create POD",
        "backup list -n t | unknown backup command 'list'",
        "backup create web-1 -n t --as x | unknown flag '--as' for 'backup'",
        "restore b1 -n t --as copy --in-place | --as and --in-place exclude each other",
        "restore b1 -n t --as Copy! | invalid --as 'Copy!'",
        "restore -n t | usage: cloudpods restore BACKUP",
        "restore b1 | restore needs the tenant: pass --tenant T",
        "restore b1 -n t --protected | unknown flag '--protected' for 'restore'"
      })
  void badFlags_areUsageErrorsNamingTheFlag_andSendNothing(String line, String message) {
    assertThat(cli.run(line.strip().split(" "))).isEqualTo(2);

    assertThat(cli.err).startsWith("error: ").contains(message.strip());
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void restore_as_createsARestoreOfANewPodNamedLikeIt() throws Exception {
    cli.enqueue(backup("b1", "web-1", "Manual", "Completed", "v:1", 10L, false, false));
    cli.server.enqueue(CliHarness.json(404, notFound()));
    cli.server.enqueue(CliHarness.json(201, restore("web-1-copy", "b1", "web-1-copy", false)));

    assertThat(cli.run("restore", "b1", "-n", "t", "--as", "web-1-copy")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/backups/b1");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/restores/web-1-copy");
    RecordedRequest put = cli.take();
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getPath()).isEqualTo("/api/v1/tenants/t/restores/web-1-copy");
    JsonNode spec = Json.readJson(put.getBody().readUtf8()).path("spec");
    assertThat(spec.path("backup").asText()).isEqualTo("b1");
    assertThat(spec.path("target").path("podName").asText()).isEqualTo("web-1-copy");
    assertThat(spec.path("target").has("inPlace")).isFalse();
    assertThat(cli.out)
        .isEqualTo("restore.cloudpods.io/web-1-copy created (as new pod web-1-copy)\n");
  }

  @Test
  void restore_inPlace_targetsTheBackedUpPod() throws Exception {
    cli.enqueue(backup("b1", "web-1", "Manual", "Completed", "v:1", 10L, false, false));
    cli.server.enqueue(CliHarness.json(404, notFound()));
    cli.server.enqueue(CliHarness.json(201, restore("r", "b1", null, true)));

    assertThat(cli.run("restore", "b1", "-n", "t", "--in-place", "--name", "undo-upgrade"))
        .isZero();

    cli.take();
    cli.take();
    RecordedRequest put = cli.take();
    assertThat(put.getPath()).isEqualTo("/api/v1/tenants/t/restores/undo-upgrade");
    JsonNode target = Json.readJson(put.getBody().readUtf8()).path("spec").path("target");
    assertThat(target.path("inPlace").asBoolean()).isTrue();
    assertThat(target.has("podName")).isFalse();
    assertThat(cli.out)
        .isEqualTo(
            "restore.cloudpods.io/undo-upgrade created (in place of pod web-1, after a"
                + " BeforeRestore backup of it)\n");
  }

  @Test
  void restore_ofABackupThatDoesNotExist_failsWithoutWriting() throws Exception {
    cli.server.enqueue(CliHarness.json(404, notFound()));

    assertThat(cli.run("restore", "nope", "-n", "t")).isEqualTo(1);

    assertThat(cli.err).isEqualTo("error: backup 'nope' not found in tenant t; nothing done\n");
    assertThat(cli.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void restore_refusedByTheServer_showsTheFieldItNames() throws Exception {
    cli.enqueue(backup("b1", "web-1", "Manual", "Running", null, null, false, false));
    cli.server.enqueue(CliHarness.json(404, notFound()));
    cli.server.enqueue(
        CliHarness.json(
            422,
            Fixtures.error(
                422,
                "Invalid",
                "spec.backup: Backup 'b1' is Running; only a Completed backup can be restored",
                "[{\"field\":\"spec.backup\",\"message\":\"x\"}]")));

    assertThat(cli.run("restore", "b1", "-n", "t")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: spec.backup: Backup 'b1' is Running; only a Completed backup can be"
                + " restored\n");
  }

  @Test
  void apply_acceptsTheBackupKinds_andPrintsTheirQualifiedNames() throws Exception {
    cli.write(
        "b.yaml",
        "kind: BackupPolicy\nmetadata: {name: nightly}\nspec: {schedule: '0 2 * * *'}\n---\n"
            + "kind: Backup\nmetadata: {name: b1}\nspec: {pod: web-1}\n---\n"
            + "kind: Restore\nmetadata: {name: r1}\nspec: {backup: b1}\n");
    cli.enqueue(
        "{\"dryRun\":false,\"items\":["
            + "{\"kind\":\"BackupPolicy\",\"tenant\":\"t\",\"name\":\"nightly\",\"result\":\"created\"},"
            + "{\"kind\":\"Backup\",\"tenant\":\"t\",\"name\":\"b1\",\"result\":\"created\"},"
            + "{\"kind\":\"Restore\",\"tenant\":\"t\",\"name\":\"r1\",\"result\":\"unchanged\"}]}");

    assertThat(cli.run("apply", "-f", "b.yaml", "-n", "t")).isZero();

    String sent = cli.take().getBody().readUtf8();
    assertThat(sent).contains("tenant: \"t\"").contains("kind: \"Restore\"");
    assertThat(cli.out)
        .isEqualTo(
            "backuppolicy.cloudpods.io/nightly created\n"
                + "backup.cloudpods.io/b1 created\n"
                + "restore.cloudpods.io/r1 unchanged\n");
  }
}
