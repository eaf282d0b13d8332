package io.cloudpods.events;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.e2e.ControllerProfile;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.junit.jupiter.api.Test;

/**
 * The JSON event log file of a controller that creates, resizes and deletes a pod: every line has
 * the seed's fields and the pod's uid, generation, region and actor, task lines their UPID; and the
 * one setting {@code quarkus.log.console.json.enabled=true} makes console lines ECS JSON.
 */
@QuarkusTest
@TestProfile(EventLogFileTest.Profile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class EventLogFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The controller against the simulator, an event log file, and JSON console logs. */
  public static class Profile implements QuarkusTestProfile {
    static final Path FILE;

    static {
      try {
        FILE = Files.createTempDirectory("cloudpods-events-").resolve("events.log");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(new ControllerProfile().getConfigOverrides());
      m.put("cloudpods.events.log-file", FILE.toString());
      m.put("quarkus.log.console.json.enabled", "true");
      return m;
    }
  }

  @Test
  void podCreatedResizedDeleted_everyLineHasSeedFieldsUidGenerationRegionActor_tasksTheirUpid()
      throws Exception {
    String[] tp = TestApi.tenantWithPool(Map.of("maxPods", 5, "maxCores", 10));
    String tenant = tp[0];
    String name = "logged";
    TestApi.applyAsAdmin(
        TestApi.pod(
            tenant, name, Map.of("cores", 1, "memoryMb", 512, "diskGb", 8, "ipPool", tp[1])));
    JsonPath pod = awaitPhase(tenant, name, "Running");
    String uid = pod.getString("metadata.uid");
    int vmid = pod.getInt("status.vmid");
    String ip = pod.getString("status.ip");

    TestApi.applyAsAdmin(
        TestApi.pod(
            tenant, name, Map.of("cores", 2, "memoryMb", 512, "diskGb", 8, "ipPool", tp[1])));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> linesOf(tenant, name).stream().anyMatch(l -> reason(l, "ConfigUpdated")));
    admin().delete("/api/v1/tenants/" + tenant + "/cloudpods/" + name).then().statusCode(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> linesOf(tenant, name).stream().anyMatch(l -> reason(l, "Deleted")));

    List<JsonNode> lines = linesOf(tenant, name);
    for (JsonNode l : lines) {
      assertThat(l.path("ts").asText())
          .as("ts of %s", l)
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
      assertThat(l.path("level").asText()).as("level of %s", l).isIn("info", "warn", "error");
      assertThat(l.path("message").asText()).as("message of %s", l).isNotBlank();
      assertThat(l.path("reason").asText()).as("reason of %s", l).isNotBlank();
      assertThat(l.path("tenant").asText()).as("tenant of %s", l).isEqualTo(tenant);
      assertThat(l.path("kind").asText()).as("kind of %s", l).isEqualTo("CloudPod");
      assertThat(l.path("uid").asText()).as("uid of %s", l).isEqualTo(uid);
      assertThat(l.path("generation").asLong()).as("generation of %s", l).isBetween(1L, 2L);
      assertThat(l.path("region").asText()).as("region of %s", l).isEqualTo("default");
      assertThat(l.path("actor").asText())
          .as("actor of %s", l)
          .isIn("controller", "bootstrap-admin");
      assertThat(l.path("cores").asInt()).as("cores of %s", l).isBetween(1, 2);
      assertThat(l.path("memory_mb").asInt()).as("memory_mb of %s", l).isEqualTo(512);
    }

    JsonNode created = first(lines, "Created");
    assertThat(created.path("actor").asText()).isEqualTo("bootstrap-admin");
    assertThat(created.path("generation").asLong()).isEqualTo(1);
    assertThat(created.path("cores").asInt()).isEqualTo(1);

    List<JsonNode> tasks = lines.stream().filter(l -> reason(l, "TaskSucceeded")).toList();
    assertThat(tasks).as("clone and start finished").hasSizeGreaterThanOrEqualTo(2);
    for (JsonNode t : tasks) {
      assertThat(t.path("upid").asText()).as("upid of %s", t).startsWith("UPID:");
      // UPID:node:pid:pstart:starttime:type:id:user: (a clone's id is its template)
      assertThat(t.path("upid").asText())
          .as("upid of %s", t)
          .matches("UPID:[a-z0-9-]+:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[a-z]+:\\d+:[^:]+:");
      String type = t.path("upid").asText().split(":")[5];
      assertThat(t.path("message").asText()).as("the line's task").startsWith(type + " ");
      assertThat(t.path("actor").asText()).isEqualTo("controller");
      assertThat(t.path("vmid").asInt()).isEqualTo(vmid);
      assertThat(t.path("hostname").asText()).isEqualTo(name);
      assertThat(t.path("ip").asText()).isEqualTo(ip);
    }

    JsonNode configured = first(lines, "Configured");
    assertThat(configured.path("generation").asLong())
        .as("the resize is generation 2")
        .isEqualTo(2);
    assertThat(configured.path("cores").asInt()).isEqualTo(2);
    JsonNode resized =
        lines.stream().filter(l -> reason(l, "ConfigUpdated")).reduce((a, b) -> b).orElseThrow();
    assertThat(resized.path("generation").asLong()).as("the last config write").isEqualTo(2);
    assertThat(resized.path("cores").asInt()).isEqualTo(2);

    JsonNode deleted = first(lines, "Deleted");
    assertThat(deleted.path("uid").asText())
        .as("the pod's row is gone; its last known context stays")
        .isEqualTo(uid);
    assertThat(deleted.path("vmid").asInt()).isEqualTo(vmid);
  }

  @Test
  void consoleJsonEnabled_theConsoleHandlerWritesEcsJsonLines() throws Exception {
    List<Handler> consoles = new ArrayList<>();
    collectConsoles(LogContext.getLogContext().getLogger("").getHandlers(), consoles);
    assertThat(consoles).as("console handlers").isNotEmpty();
    ExtLogRecord r =
        new ExtLogRecord(
            org.jboss.logmanager.Level.WARN,
            "pod %s is \"stuck\"",
            ExtLogRecord.FormatStyle.PRINTF,
            getClass().getName());
    r.setParameters(new Object[] {"web-1"});
    r.setLoggerName("io.cloudpods.test");
    for (Handler h : consoles) {
      Formatter f = h.getFormatter();
      String line = f.format(r).strip();
      assertThat(line).as("one line").doesNotContain("\n");
      JsonNode j = JSON.readTree(line);
      assertThat(j.path("@timestamp").asText()).as(line).isNotBlank();
      assertThat(j.path("log.level").asText()).as(line).isEqualTo("WARN");
      assertThat(j.path("log.logger").asText()).as(line).isEqualTo("io.cloudpods.test");
      assertThat(j.path("message").asText()).as(line).isEqualTo("pod web-1 is \"stuck\"");
      assertThat(j.path("ecs.version").asText()).as(line).isNotBlank();
      assertThat(j.path("process.thread.name").asText()).as(line).isNotBlank();
    }
  }

  private static void collectConsoles(Handler[] handlers, List<Handler> out) {
    for (Handler h : handlers) {
      if (h.getClass().getSimpleName().contains("Console")) {
        out.add(h);
      }
      if (h instanceof ExtHandler ext) {
        collectConsoles(ext.getHandlers(), out);
      }
    }
  }

  private static JsonPath awaitPhase(String tenant, String name, String phase) {
    String path = "/api/v1/tenants/" + tenant + "/cloudpods/" + name;
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(() -> phase.equals(admin().get(path).jsonPath().getString("status.phase")));
    return admin().get(path).jsonPath();
  }

  private static boolean reason(JsonNode l, String reason) {
    return reason.equals(l.path("reason").asText());
  }

  private static JsonNode first(List<JsonNode> lines, String reason) {
    return lines.stream()
        .filter(l -> reason(l, reason))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + reason + " line in " + lines));
  }

  private static List<JsonNode> linesOf(String tenant, String name) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(Profile.FILE)) {
      return out;
    }
    for (String line : Files.readAllLines(Profile.FILE)) {
      JsonNode j = JSON.readTree(line);
      if (tenant.equals(j.path("tenant").asText()) && name.equals(j.path("name").asText())) {
        out.add(j);
      }
    }
    return out;
  }
}
