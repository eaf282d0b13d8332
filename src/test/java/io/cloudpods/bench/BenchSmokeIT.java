package io.cloudpods.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code cloudpods bench} scenario with tiny parameters, through the packaged launcher: the
 * command must keep working and keep printing its parameters and figures. Goals are not checked
 * (tiny runs on a busy machine say nothing about them).
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
class BenchSmokeIT {

  private static final Path PROJECT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  private JsonNode bench(String... args) throws Exception {
    Path out = work.resolve(args[0] + ".json");
    Path err = work.resolve(args[0] + ".err");
    List<String> cmd =
        new ArrayList<>(List.of(PROJECT.resolve("bin/cloudpods").toString(), "bench"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--out", out.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(work.toFile())
            .redirectOutput(work.resolve(args[0] + ".stdout").toFile())
            .redirectError(err.toFile());
    pb.environment().put("CLOUDPODS_SKIP_BUILD", "1");
    Process p = pb.start();
    boolean done = p.waitFor(4, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("bench %s finished", args[0]).isTrue();
    assertThat(p.exitValue())
        .as("bench %s exit status; stderr:\n%s", args[0], Files.readString(err))
        .isZero();
    JsonNode stdout = JSON.readTree(Files.readString(work.resolve(args[0] + ".stdout")));
    JsonNode file = JSON.readTree(Files.readString(out));
    assertThat(file).as("--out holds the same document as stdout").isEqualTo(stdout);
    assertThat(stdout.path("scenario").asText()).isEqualTo(args[0]);
    assertThat(stdout.path("machine").path("cores").asInt()).isPositive();
    assertThat(stdout.path("machine").path("java").asText()).isNotBlank();
    assertThat(stdout.path("simulator").path("timeScale").asDouble()).isPositive();
    assertThat(stdout.path("simulator").path("modelDurations").has("fullClonePerGiB")).isTrue();
    assertThat(
            stdout
                .path("parameters")
                .path("controller")
                .path("environment")
                .path("CLOUDPODS_RECONCILE_ADDRESS_PROBE")
                .asText())
        .isEqualTo("false");
    assertThat(stdout.path("goals").isArray()).isTrue();
    assertThat(stdout.path("goals"))
        .isNotEmpty()
        .allSatisfy(
            g -> {
              assertThat(g.has("goal")).isTrue();
              assertThat(g.path("met").isBoolean()).isTrue();
            });
    return stdout;
  }

  @Test
  void converge() throws Exception {
    JsonNode d = bench("converge", "--pods", "4", "--time-scale", "0.005");
    assertThat(d.path("parameters").path("pods").asInt()).isEqualTo(4);
    assertThat(d.path("parameters").path("cloneMode").asText()).isEqualTo("full");
    JsonNode f = d.path("figures");
    assertThat(f.path("elapsedPolledMs").asDouble()).isPositive();
    assertThat(f.path("lowerBound").path("boundMs").asDouble()).isPositive();
    assertThat(f.path("ratioElapsedToBound").asDouble()).isPositive();
    assertThat(f.path("proxmoxRequestsByRoute").has("POST /nodes/{node}/lxc/{vmid}/clone"))
        .isTrue();
  }

  @Test
  void convergeInTwoRegions() throws Exception {
    JsonNode d = bench("converge", "--regions", "2", "--pods", "4", "--time-scale", "0.005");
    assertThat(d.path("parameters").path("regions").asInt()).isEqualTo(2);
    JsonNode f = d.path("figures");
    assertThat(f.path("byRegion").path("default").path("pods").asInt()).isEqualTo(2);
    assertThat(f.path("byRegion").path("west-1").path("pods").asInt()).isEqualTo(2);
    assertThat(f.path("byRegion").path("west-1").path("proxmoxRequests").asLong()).isPositive();
    assertThat(f.path("ratioElapsedToBound").asDouble()).isPositive();
  }

  @Test
  void steadyInTwoRegions() throws Exception {
    JsonNode d =
        bench(
            "steady", "--regions", "2", "--pods", "8", "--cycles", "2", "--resync-interval", "1s");
    assertThat(d.path("parameters").path("regions").asInt()).isEqualTo(2);
    JsonNode s = d.path("figures").path("steadyState");
    assertThat(s.path("byRegion").path("default").path("pods").asInt()).isEqualTo(4);
    assertThat(s.path("byRegion").path("west-1").path("pods").asInt()).isEqualTo(4);
    assertThat(s.path("byRegion").path("west-1").path("proxmoxRequestsPerCycle").asDouble())
        .as("the west cluster is resynced too")
        .isPositive();
    assertThat(s.path("readyPodsAfterWindow").asInt()).isEqualTo(8);
  }

  @Test
  void steady() throws Exception {
    JsonNode d = bench("steady", "--pods", "20", "--cycles", "2", "--resync-interval", "1s");
    assertThat(d.path("parameters").path("pods").asInt()).isEqualTo(20);
    assertThat(d.path("parameters").path("nodes").asInt()).isEqualTo(3);
    assertThat(d.path("parameters").path("controller").path("heapMax").asText()).isEqualTo("512m");
    JsonNode f = d.path("figures");
    assertThat(f.path("convergeFromEmpty").path("elapsedPolledMs").asDouble()).isPositive();
    assertThat(f.path("steadyState").path("proxmoxRequestsPerCycle").isNumber()).isTrue();
    assertThat(f.path("steadyState").path("controllerCpuMsPerCycle").isNumber()).isTrue();
    assertThat(f.path("steadyState").path("readyPodsAfterWindow").asInt()).isEqualTo(20);
    assertThat(f.path("idleBaseline").path("controllerCpuMsPerCycle").isNumber()).isTrue();
    assertThat(f.path("controllerHeap").path("usedAfterFullGcBytes").asLong()).isPositive();
  }

  @Test
  void reaction() throws Exception {
    JsonNode d = bench("reaction", "--pods", "2", "--samples", "5");
    assertThat(d.path("parameters").path("samples").asInt()).isEqualTo(5);
    for (String path : List.of("rest", "sql")) {
      JsonNode f = d.path("figures").path(path);
      assertThat(f.path("fromAcceptedWrite").path("n").asInt()).as(path).isEqualTo(5);
      assertThat(f.path("fromAcceptedWrite").has("p99Ms")).as(path).isTrue();
      assertThat(f.path("missing").asInt()).as(path).isZero();
    }
  }

  @Test
  void api() throws Exception {
    JsonNode d =
        bench(
            "api",
            "--objects",
            "50",
            "--status-pods",
            "100",
            "--status-samples",
            "10",
            "--cli-runs",
            "1");
    assertThat(d.path("figures").path("applyWithFullTable").path("podsInDatabaseBefore").asInt())
        .isEqualTo(100);
    assertThat(d.path("parameters").path("objects").asInt()).isEqualTo(50);
    JsonNode f = d.path("figures");
    assertThat(f.path("apply").path("itemsCreated").asInt()).isEqualTo(50);
    assertThat(f.path("status").path("totalPodsReported").asInt()).isEqualTo(100);
    assertThat(f.path("status").path("latency").path("n").asInt()).isEqualTo(10);
    assertThat(f.path("cli").path("getCloudPodsAllTenants").path("outputLines").asInt())
        .isEqualTo(101);
    assertThat(f.path("cli").path("getTenants").path("wall").has("p50Ms")).isTrue();
  }
}
