package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControllersCommandTest {
  /**
   * Two replicas: ctl-a leads {@code default} and {@code west}, ctl-b leads none; {@code east} was
   * released by a replica that shut down, {@code lab}'s holder stopped renewing 2.1 s ago.
   */
  static final String CONTROLLERS =
      """
      {"replicas":[
        {"id":"ctl-a-1234","host":"ctl-a","pid":1234,"startedAt":"2026-12-03T15:00:00Z",
         "lastSeen":"2026-12-03T15:01:00.123Z","seenSecondsAgo":0.4,"live":true,
         "clusters":["default","west"]},
        {"id":"ctl-b-99","host":"ctl-b","pid":99,"startedAt":"2026-12-03T12:00:00Z",
         "lastSeen":"2026-12-03T15:00:42Z","seenSecondsAgo":18.7,"live":false,"clusters":[]}],
       "leases":[
        {"cluster":"default","holder":"ctl-a-1234","generation":3,
         "acquiredAt":"2026-12-03T15:00:00.500Z","renewedAt":"2026-12-03T15:01:00.100Z",
         "expiresAt":"2026-12-03T15:01:06.100Z","heldSeconds":61.2,"expiresInSeconds":5.4},
        {"cluster":"west","holder":"ctl-a-1234","generation":1,
         "acquiredAt":"2026-12-03T15:00:57Z","renewedAt":"2026-12-03T15:01:00Z",
         "expiresAt":"2026-12-03T15:01:06Z","heldSeconds":3.6,"expiresInSeconds":5.3},
        {"cluster":"east","holder":null,"generation":7,
         "acquiredAt":"2026-12-03T14:00:00Z","renewedAt":"2026-12-03T14:59:59Z",
         "expiresAt":"2026-12-03T14:59:59Z","heldSeconds":null,"expiresInSeconds":-61.5},
        {"cluster":"lab","holder":"ctl-b-99","generation":12,
         "acquiredAt":"2026-12-03T14:50:00Z","renewedAt":"2026-12-03T15:00:52Z",
         "expiresAt":"2026-12-03T15:00:58Z","heldSeconds":660.1,"expiresInSeconds":-2.1}]}
      """;

  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  private static String status(String controllersJson) {
    return "{\"totalPods\":0,\"byPhase\":{},\"byTenant\":{},\"notConverged\":[],"
        + "\"notConvergedTotal\":0,\"orphans\":[],\"orphansTotal\":0,"
        + "\"lastFullResync\":\"unknown\",\"proxmoxReachable\":\"true\","
        + "\"proxmoxCheckedAt\":null,\"controllerMessage\":null"
        + (controllersJson == null ? "" : ",\"controllers\":" + controllersJson)
        + "}";
  }

  @Test
  void getControllers_printsTheReplicasTableThenTheLeasesTable() throws Exception {
    cli.enqueue(status(CONTROLLERS));

    assertThat(cli.run("get", "controllers")).isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getMethod()).isEqualTo("GET");
    assertThat(r.getPath()).isEqualTo("/api/v1/status?limit=0");
    assertThat(r.getHeader("Authorization")).isEqualTo("Bearer test-token");
    String[] lines = cli.out.split("\n", -1);
    assertThat(lines[0].split("\\s+"))
        .containsExactly("REPLICA", "HOST", "PID", "LIVE", "CLUSTERS", "LAST-SEEN", "STARTED");
    assertThat(lines[1].split("\\s+"))
        .containsExactly(
            "ctl-a-1234", "ctl-a", "1234", "true", "default,west", "0.4s", "ago", "1m");
    assertThat(lines[2].split("\\s+"))
        .containsExactly("ctl-b-99", "ctl-b", "99", "false", "<none>", "18s", "ago", "3h");
    assertThat(lines[3]).isEmpty();
    assertThat(lines[4].split("\\s+"))
        .containsExactly("CLUSTER", "HOLDER", "GENERATION", "HELD", "EXPIRES-IN");
    assertThat(lines[5].split("\\s+")).containsExactly("default", "ctl-a-1234", "3", "1m", "5.4s");
    assertThat(lines[6].split("\\s+")).containsExactly("west", "ctl-a-1234", "1", "3.6s", "5.3s");
    assertThat(lines[7].split("\\s+")).containsExactly("east", "<none>", "7", "<none>", "released");
    assertThat(lines[8].split("\\s+"))
        .containsExactly("lab", "ctl-b-99", "12", "11m", "expired", "2.1s", "ago");
    assertThat(lines).hasSize(10); // the last is the empty string after the final newline
    // columns line up as in every other table
    assertThat(lines[1].indexOf("0.4s ago")).isEqualTo(lines[0].indexOf("LAST-SEEN"));
    assertThat(lines[8].indexOf("expired")).isEqualTo(lines[4].indexOf("EXPIRES-IN"));
    assertThat(cli.err).isEmpty();
  }

  @Test
  void started_isCountedOnTheServersClock_notTheClients() {
    // started 15:00:00, last seen 15:01:00.123 and that 0.4 s ago: 1m, whatever the local time
    JsonNode replicas = Json.parse(CONTROLLERS, "test").path("replicas");

    Table farFuture = Controllers.replicas(replicas, Instant.parse("2031-01-01T00:00:00Z"));

    ByteArrayOutputStream b = new ByteArrayOutputStream();
    farFuture.print(new PrintStream(b, true, StandardCharsets.UTF_8), false);
    String[] rows = b.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(rows[0]).endsWith("   1m");
    assertThat(rows[1]).endsWith("   3h");
  }

  @Test
  void started_withoutAHeartbeat_fallsBackToTheLocalClock() throws Exception {
    cli.enqueue(
        status(
            "{\"replicas\":[{\"id\":\"r1\",\"host\":\"h\",\"pid\":1,\"startedAt\":\""
                + Fixtures.ago(300)
                + "\",\"live\":true,\"clusters\":[\"default\"]}],\"leases\":[]}"));

    assertThat(cli.run("get", "controllers")).isZero();

    String[] lines = cli.out.split("\n");
    assertThat(lines[1].split("\\s+"))
        .containsExactly("r1", "h", "1", "true", "default", "<none>", "5m");
    // an empty leases table still shows its header, so the two tables read the same every time
    assertThat(lines[3].split("\\s+"))
        .containsExactly("CLUSTER", "HOLDER", "GENERATION", "HELD", "EXPIRES-IN");
    assertThat(lines).hasSize(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"controller", "controllers", "Controllers", "CONTROLLER"})
  void getController_anySpellingReadsTheStatus(String name) throws Exception {
    cli.enqueue(status(CONTROLLERS));

    assertThat(cli.run("get", name)).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/status?limit=0");
    assertThat(cli.out).startsWith("REPLICA ");
  }

  @Test
  void json_printsTheControllersObjectExactly() throws Exception {
    cli.enqueue(status(CONTROLLERS));

    assertThat(cli.run("get", "controllers", "-o", "json")).isZero();

    ObjectMapper m = new ObjectMapper();
    assertThat(m.readTree(cli.out)).isEqualTo(m.readTree(CONTROLLERS));
    assertThat(cli.out).startsWith("{\n  \"replicas\": [\n");
  }

  @Test
  void yaml_printsTheControllersObjectExactly() throws Exception {
    cli.enqueue(status(CONTROLLERS));

    assertThat(cli.run("get", "controller", "-oyaml")).isZero();

    JsonNode printed = new YAMLMapper().readTree(cli.out);
    assertThat(printed).isEqualTo(new ObjectMapper().readTree(CONTROLLERS));
    assertThat(cli.out).startsWith("replicas:\n");
  }

  @Test
  void noHeaders_dropsTheHeaderOfBothTables() throws Exception {
    cli.enqueue(status(CONTROLLERS));

    assertThat(cli.run("get", "controllers", "--no-headers")).isZero();

    String[] lines = cli.out.split("\n", -1);
    assertThat(lines[0]).startsWith("ctl-a-1234 ");
    assertThat(lines[2]).isEmpty();
    assertThat(lines[3]).startsWith("default ");
    assertThat(cli.out).doesNotContain("REPLICA", "CLUSTER ");
  }

  @Test
  void serverWithoutControllersField_saysItPredatesReplicas() {
    cli.enqueue(status(null));

    assertThat(cli.run("get", "controllers")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: the server's GET /api/v1/status has no 'controllers': the server predates"
                + " controller replicas and leases (upgrade it to see them)\n");
    assertThat(cli.out).isEmpty();
  }

  @Test
  void controllersNull_saysAnAdminTokenIsNeeded() {
    cli.enqueue(status("null"));

    assertThat(cli.run("get", "controllers")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: the server shows no controllers to this token: replicas and leases are shown"
                + " to an admin token, not to a tenant token\n");
    assertThat(cli.out).isEmpty();
  }

  @Test
  void jsonOfAnAnswerWithoutControllers_isTheSameErrorNotANull() {
    cli.enqueue(status("null"));

    assertThat(cli.run("get", "controllers", "-o", "json")).isEqualTo(1);

    assertThat(cli.out).isEmpty();
    assertThat(cli.err).contains("admin token");
  }

  @Test
  void noReplicasAndNoLeases_saysNoResourcesFound() {
    cli.enqueue(status("{\"replicas\":[],\"leases\":[]}"));

    assertThat(cli.run("get", "controllers")).isZero();

    assertThat(cli.out).isEmpty();
    assertThat(cli.err).isEqualTo("No resources found.\n");
  }

  @Test
  void serverRefusal_passesTheServerMessageThrough() {
    cli.server.enqueue(
        CliHarness.json(
            401, Fixtures.error(401, "Unauthorized", "missing or invalid API token", "[]")));

    assertThat(cli.run("get", "controllers")).isEqualTo(1);

    assertThat(cli.err).startsWith("error: missing or invalid API token");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wide", "name"})
  void outputFormatsOtherThanJsonAndYaml_areUsageErrors(String format) {
    assertThat(cli.run("get", "controllers", "-o", format)).isEqualTo(2);

    assertThat(cli.err)
        .isEqualTo(
            "error: get controllers prints tables, -o json or -o yaml (not -o " + format + ")\n");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void aName_isAUsageError() {
    assertThat(cli.run("get", "controllers", "ctl-a-1234")).isEqualTo(2);

    assertThat(cli.err).contains("get controllers takes no name");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void describeControllers_pointsToGetControllers() {
    assertThat(cli.run("describe", "controllers", "x")).isEqualTo(2);

    assertThat(cli.err)
        .isEqualTo(
            "error: controllers are no object kind: see them with 'cloudpods get controllers'\n");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void seconds_showTenthsBelowTenSecondsThenTheShortForm() {
    assertThat(Controllers.seconds(0)).isEqualTo("0.0s");
    assertThat(Controllers.seconds(0.44)).isEqualTo("0.4s");
    assertThat(Controllers.seconds(5.4)).isEqualTo("5.4s");
    assertThat(Controllers.seconds(9.96)).isEqualTo("10s");
    assertThat(Controllers.seconds(61.2)).isEqualTo("1m");
    assertThat(Controllers.seconds(7300)).isEqualTo("2h");
  }

  @Test
  void helpOfGet_describesControllers() {
    assertThat(cli.run("get", "--help")).isZero();

    assertThat(cli.out)
        .contains(
            "cloudpods get controllers [-o json|yaml]",
            "REPLICA HOST PID LIVE CLUSTERS",
            "CLUSTER HOLDER GENERATION HELD EXPIRES-IN");
  }

  @Test
  void completion_offersControllersAfterGet() {
    assertThat(cli.run("completion", "bash")).isZero();

    assertThat(cli.out).contains("$kinds controllers");
  }
}
