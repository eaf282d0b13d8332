package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code cloudpods import seed} and {@code cloudpods orphans ...} against a loopback fake. */
class ImportOrphansCommandTest {
  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  private static final String ANSWER =
      """
      {"dryRun":true,
       "containers":[
        {"vmid":9101,"node":"pve","hostname":"cloudpod-9101","ip":"10.1.10.91","verdict":"ADOPT",
         "reason":"adopt as CloudPod cloudpod-9101 of tenant acme","tenant":"acme",
         "name":"cloudpod-9101","ipPool":"default","notes":["hand-edited: cores 2 in the log (line 4), 4 on the container; the pod keeps 4"]},
        {"vmid":101,"node":"pve","hostname":"mail-core","ip":"10.1.10.11","verdict":"SKIP",
         "reason":"infrastructure: pool MigraTeck_Production","notes":[]}],
       "tenants":[{"name":"acme","maxPods":1,"maxCores":4,"maxMemoryMb":2560,"maxDiskGb":8}],
       "reservations":[{"ip":"10.1.10.120","pool":"default","reason":"in the IPAM file (line 2), no container uses it"}],
       "written":[{"kind":"Tenant","name":"acme","result":"created"},
                  {"kind":"CloudPod","tenant":"acme","name":"cloudpod-9101","result":"created"}],
       "warnings":[],
       "summary":{"adopt":1,"skip":1,"conflict":0,"tenants":1,"reserved":1}}""";

  private void files() throws Exception {
    Files.writeString(cli.cwd.resolve("ipam.txt"), "10.1.10.91\n10.1.10.120\nbogus\n");
    Files.writeString(
        cli.cwd.resolve("log.json"),
        "{\"ts\":\"t\",\"level\":\"info\",\"message\":\"CloudPod created successfully\","
            + "\"vmid\":9101,\"hostname\":\"cloudpod-9101\",\"ip\":\"10.1.10.91/24\","
            + "\"tenant\":\"acme\",\"cores\":2,\"memory_mb\":2048}\n"
            + "[+] not json\n");
  }

  @Test
  void importSeed_sendsTheParsedFilesAndPrintsPerContainerWhatItFoundAndDoes() throws Exception {
    files();
    cli.server.enqueue(CliHarness.json(ANSWER));

    assertThat(
            cli.run(
                "import",
                "seed",
                "--ipam",
                "ipam.txt",
                "--log",
                "log.json",
                "--dry-run",
                "--tenant-default",
                "legacy"))
        .isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getPath()).isEqualTo("/api/v1/imports/seed");
    JsonNode body = Json.readJson(r.getBody().readUtf8());
    assertThat(body.path("dryRun").asBoolean()).isTrue();
    assertThat(body.path("tenantDefault").asText()).isEqualTo("legacy");
    assertThat(body.path("ipam")).hasSize(2);
    assertThat(body.path("ipam").get(1).path("ip").asText()).isEqualTo("10.1.10.120");
    assertThat(body.path("log").get(0).path("state").asText()).isEqualTo("CREATED");
    assertThat(body.path("log").get(0).path("ip").asText()).isEqualTo("10.1.10.91");
    assertThat(body.path("warnings")).hasSize(2);
    assertThat(cli.err)
        .contains("warning: ipam.txt:3: not an IPv4 address: 'bogus'; skipped")
        .contains("warning: log.json:2: not JSON");
    assertThat(cli.out)
        .contains(
            "9101   pve    cloudpod-9101   10.1.10.91   adopt    adopt as CloudPod cloudpod-9101 of tenant acme")
        .contains(
            "101    pve    mail-core       10.1.10.11   skip     infrastructure: pool MigraTeck_Production")
        .contains("note: 9101: hand-edited: cores 2")
        .contains("would create tenant/acme (quota derived from its pods: maxPods 1, maxCores 4")
        .contains("would reserve 10.1.10.120 in ippool/default")
        .contains("cloudpod/acme/cloudpod-9101 created (dry run)")
        .contains("dry run, nothing changed: 1 to adopt, 1 skipped, 0 conflicts");
  }

  @Test
  void importSeed_outputYaml_printsTheServersAnswer() throws Exception {
    files();
    cli.server.enqueue(CliHarness.json(ANSWER));

    assertThat(cli.run("import", "seed", "--ipam", "ipam.txt", "--log", "log.json", "-o", "yaml"))
        .isZero();

    assertThat(cli.out).contains("containers:").contains("verdict: ADOPT");
  }

  @Test
  void importSeed_withCluster_sendsTheCluster_andABadNameSendsNothing() throws Exception {
    files();
    cli.server.enqueue(CliHarness.json(ANSWER));

    assertThat(
            cli.run(
                "import", "seed", "--ipam", "ipam.txt", "--log", "log.json", "--cluster", "west"))
        .isZero();
    assertThat(Json.readJson(cli.take().getBody().readUtf8()).path("cluster").asText())
        .isEqualTo("west");

    assertThat(
            cli.run(
                "import", "seed", "--ipam", "ipam.txt", "--log", "log.json", "--cluster", "We st"))
        .isEqualTo(2);
    assertThat(cli.err).contains("--cluster 'We st' is not the name of a Proxmox cluster");
    assertThat(cli.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void importSeed_missingFlag_exits2NamingIt() {
    assertThat(cli.run("import", "seed", "--log", "log.json")).isEqualTo(2);
    assertThat(cli.err).contains("--ipam FILE is required");
    assertThat(cli.run("import", "seed", "--ipam", "i")).isEqualTo(2);
    assertThat(cli.err).contains("--log FILE is required");
  }

  @Test
  void importSeed_badFlags_exit2NamingTheFlag() {
    assertThat(cli.run("import", "seed", "--ipam", "i", "--log", "l", "--bogus")).isEqualTo(2);
    assertThat(cli.err).contains("unknown flag '--bogus'");
    assertThat(cli.run("import", "seed", "--ipam", "i", "--log", "l", "-o", "wide")).isEqualTo(2);
    assertThat(cli.err).contains("-o/--output for import seed is yaml or json, not 'wide'");
    assertThat(cli.run("import", "seed", "--ipam", "i", "--log", "l", "--tenant-default", "A B"))
        .isEqualTo(2);
    assertThat(cli.err).contains("--tenant-default 'A B' is not a tenant name");
    assertThat(cli.run("import", "something")).isEqualTo(2);
  }

  @Test
  void importSeed_unreadableFile_isAOneLineError() throws Exception {
    files();

    assertThat(cli.run("import", "seed", "--ipam", "nope.txt", "--log", "log.json")).isEqualTo(1);

    assertThat(cli.err).isEqualTo("error: cannot read --ipam nope.txt: no such file\n");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void importSeed_binaryLog_isAOneLineErrorNamingFileAndLine() throws Exception {
    files();
    Files.write(cli.cwd.resolve("bin.log"), new byte[] {'{', '\n', 0, 1, 2});

    assertThat(cli.run("import", "seed", "--ipam", "ipam.txt", "--log", "bin.log")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: --log bin.log:2: binary content (a NUL byte); this is not a text file\n");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void orphansList_printsATable() throws Exception {
    cli.server.enqueue(
        CliHarness.json(
            """
            {"kind":"OrphanList","total":1,"items":[{"vmid":9301,"node":"pve","name":"lost",
             "ownerUid":"u-1","status":"running","tags":["cloudpods","cp-u-1","tenant-acme"],
             "since":"2026-01-01T00:00:00Z"}]}"""));

    assertThat(cli.run("orphans", "list")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/orphans");
    assertThat(cli.out).contains("VMID").contains("9301").contains("lost").contains("tenant-acme");
  }

  @Test
  void orphansList_showsEachOrphansCluster() throws Exception {
    cli.server.enqueue(
        CliHarness.json(
            """
            {"kind":"OrphanList","total":2,"items":[
             {"cluster":"default","vmid":9301,"node":"pve","name":"lost","ownerUid":"u-1"},
             {"cluster":"west","vmid":9301,"node":"pve-w1","name":"lost-w","ownerUid":"u-2"}]}"""));

    assertThat(cli.run("orphans", "list")).isZero();

    String[] lines = cli.out.toString().split("\n");
    assertThat(lines[0]).startsWith("CLUSTER");
    assertThat(lines[1]).startsWith("default").contains("lost");
    assertThat(lines[2]).startsWith("west").contains("pve-w1").contains("lost-w");
  }

  @Test
  void orphansAdoptAndDelete_withCluster_nameTheClusterInTheQuery() throws Exception {
    cli.server.enqueue(
        CliHarness.json(
            201,
            """
            {"metadata":{"name":"lost","tenant":"acme"},"spec":{"vmid":9301,"ip":"10.2.10.77"}}"""));
    cli.server.enqueue(
        CliHarness.json(202, "{\"vmid\":9301,\"node\":\"pve-w1\",\"task\":\"UPID:pve-w1:1\"}"));

    assertThat(cli.run("orphans", "adopt", "9301", "--tenant", "acme", "--cluster", "west"))
        .isZero();
    assertThat(
            cli.run(
                "orphans", "delete", "9301", "--yes", "--skip-final-backup", "--cluster", "west"))
        .isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/orphans/9301/adopt?cluster=west");
    assertThat(cli.take().getPath())
        .isEqualTo("/api/v1/orphans/9301?cluster=west&skipFinalBackup=true");
  }

  @Test
  void orphansAdoptAndDelete_withABlankCluster_areUsageErrors_andSendNothing() throws Exception {
    assertThat(cli.run("orphans", "adopt", "9301", "--tenant", "acme", "--cluster", " "))
        .isEqualTo(2);
    assertThat(cli.err).contains("--cluster needs the name of a Proxmox cluster");
    assertThat(cli.run("orphans", "delete", "9301", "--yes", "--cluster", "")).isEqualTo(2);

    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void orphansAdopt_postsTheTenant() throws Exception {
    cli.server.enqueue(
        CliHarness.json(
            201,
            """
            {"metadata":{"name":"lost","tenant":"acme"},"spec":{"vmid":9301,"ip":"10.1.10.77","adopt":true}}"""));

    assertThat(cli.run("orphans", "adopt", "lost", "--tenant", "acme")).isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getPath()).isEqualTo("/api/v1/orphans/lost/adopt");
    assertThat(Json.readJson(r.getBody().readUtf8()).path("tenant").asText()).isEqualTo("acme");
    assertThat(cli.out).contains("cloudpod/lost created in tenant acme with spec.adopt: true");
  }

  @Test
  void orphansAdopt_withoutTenant_exits2() {
    assertThat(cli.run("orphans", "adopt", "lost")).isEqualTo(2);
    assertThat(cli.err).contains("--tenant T is required");
  }

  @Test
  void orphansDelete_withoutYes_exits2AndCallsNothing() {
    assertThat(cli.run("orphans", "delete", "lost", "--skip-final-backup")).isEqualTo(2);

    assertThat(cli.err).contains("confirm with --yes");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void orphansDelete_withYes_sendsSkipFinalBackupAndPrintsTheTask() throws Exception {
    cli.server.enqueue(
        CliHarness.json(202, "{\"vmid\":9301,\"node\":\"pve\",\"task\":\"UPID:pve:1\"}"));

    assertThat(cli.run("orphans", "delete", "9301", "--yes", "--skip-final-backup")).isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getMethod()).isEqualTo("DELETE");
    assertThat(r.getPath()).isEqualTo("/api/v1/orphans/9301?skipFinalBackup=true");
    assertThat(cli.out).contains("orphan 9301 on pve is being destroyed (task UPID:pve:1)");
  }

  @Test
  void orphansDelete_withoutSkip_followsTheFinalBackupTaskUntilTheContainerIsDestroyed()
      throws Exception {
    String vzdump = "UPID:pve:00001234:00000001:6560A1B2:vzdump:9301:root@pam!ctl:";
    cli.server.enqueue(
        CliHarness.json(
            202,
            "{\"vmid\":9301,\"node\":\"pve\",\"phase\":\"FinalBackupRunning\","
                + "\"finalBackupTask\":\""
                + vzdump
                + "\"}"));
    cli.server.enqueue(
        CliHarness.json(
            202,
            "{\"vmid\":9301,\"node\":\"pve\",\"phase\":\"Destroying\",\"task\":\"UPID:pve:2\","
                + "\"finalBackup\":\"vzdump-backups:backup/vzdump-lxc-9301.tar.zst\"}"));

    assertThat(cli.run("orphans", "delete", "9301", "--yes")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/orphans/9301");
    assertThat(cli.take().getPath())
        .as("the second call passes the vzdump task back")
        .isEqualTo("/api/v1/orphans/9301?finalBackupTask=" + Http.segment(vzdump));
    assertThat(cli.err).contains("final backup of orphan 9301 running (task " + vzdump + ")");
    assertThat(cli.out)
        .contains(
            "orphan 9301 on pve is being destroyed (task UPID:pve:2); its final backup"
                + " vzdump-backups:backup/vzdump-lxc-9301.tar.zst is kept protected");
  }

  @Test
  void orphansDelete_whileAnotherReplicaHoldsTheLease_waitsAndAsksAgain() throws Exception {
    cli.server.enqueue(
        CliHarness.json(
            503,
            Fixtures.error(
                503,
                "NotLeaseHolder",
                "nothing was changed in cluster default: this replica does not hold its lease;"
                    + " replica replica-b does",
                "[{\"field\":\"cluster\",\"message\":\"lease of default not held here\"}]")));
    cli.server.enqueue(
        CliHarness.json(202, "{\"vmid\":9301,\"node\":\"pve\",\"task\":\"UPID:pve:1\"}"));

    assertThat(cli.run("orphans", "delete", "9301", "--yes", "--skip-final-backup")).isZero();

    assertThat(cli.server.getRequestCount()).isEqualTo(2);
    assertThat(cli.err)
        .contains("waiting for this replica to hold the lease")
        .contains("replica-b");
    assertThat(cli.out).contains("orphan 9301 on pve is being destroyed (task UPID:pve:1)");
  }

  @Test
  void orphansDelete_whenTheClusterHasNoClient_failsAtOnceWithoutRetrying() throws Exception {
    cli.server.enqueue(
        CliHarness.json(
            503,
            Fixtures.error(
                503,
                "ClusterUnavailable",
                "cluster west has no client on this controller yet",
                "[{\"field\":\"cluster\",\"message\":\"no client for west\"}]")));

    assertThat(cli.run("orphans", "delete", "9301", "--yes", "--cluster", "west")).isEqualTo(1);

    assertThat(cli.server.getRequestCount()).isEqualTo(1);
    assertThat(cli.err).contains("has no client on this controller yet");
  }
}
