package io.cloudpods.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * One region down slows no other, end to end: the packaged controller with two simulated clusters
 * ({@code bench reaction --regions 2}). Pods live in both; the west simulator is black-holed for
 * two minutes while its pods are resized and, in the default region, pods are created, a PodSet
 * resized and pods deleted, as in a baseline run just before with the west cluster answering. The
 * test holds the behaviour: no west pod Failed, deleted, lost or replaced, every east action done,
 * the west pods converge after the outage without a restart. The east figures against the baseline
 * are printed (the bench's goals say whether they are within 10 %); timings are not asserted.
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
class RegionOutageIT {

  private static final Path PROJECT = Path.of(System.getProperty("user.dir")).toAbsolutePath();

  @TempDir Path work;

  @Test
  void aBlackHoledRegion_losesNothing_andTheOtherRegionKeepsConverging() throws Exception {
    Path out = work.resolve("outage.json");
    Path err = work.resolve("outage.err");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    PROJECT.resolve("bin/cloudpods").toString(),
                    "bench",
                    "reaction",
                    "--regions",
                    "2",
                    "--outage",
                    "2m",
                    "--pods",
                    "4",
                    "--samples",
                    "20",
                    "--out",
                    out.toString()))
            .directory(work.toFile())
            .redirectOutput(work.resolve("outage.stdout").toFile())
            .redirectError(err.toFile());
    pb.environment().put("CLOUDPODS_SKIP_BUILD", "1");
    Process p = pb.start();
    boolean done = p.waitFor(12, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("bench finished").isTrue();
    assertThat(p.exitValue()).as("exit status; stderr:\n%s", Files.readString(err)).isZero();
    JsonNode d = new ObjectMapper().readTree(Files.readString(out));
    JsonNode f = d.path("figures");
    System.out.println("region outage: " + f.toPrettyString());
    System.out.println("region outage goals: " + d.path("goals").toPrettyString());

    assertThat(f.path("outageMs").asLong()).isGreaterThanOrEqualTo(120_000);
    assertThat(f.path("westBlackHoledRequests").asInt()).isPositive();
    assertThat(f.path("westDuringOutage").path("failedOrDeleted").asInt()).isZero();
    assertThat(f.path("westDuringOutage").path("readyReasons").has("ProxmoxUnreachable"))
        .as(f.path("westDuringOutage").toString())
        .isTrue();
    assertThat(f.path("westGuestsAfter").asInt()).isEqualTo(f.path("westGuestsBefore").asInt());
    assertThat(f.path("westConvergedAfterOutageMs").isNumber())
        .as("the west pods converged after the outage")
        .isTrue();
    for (String phase : List.of("baseline", "duringWestOutage")) {
      JsonNode ph = f.path(phase);
      assertThat(ph.path("reaction").path("fromAcceptedWrite").path("n").asInt())
          .as(phase)
          .isEqualTo(20);
      assertThat(ph.path("reaction").path("missing").asInt()).as(phase).isZero();
      assertThat(ph.path("resizeConvergeMs").asDouble()).as(phase).isPositive();
      assertThat(ph.path("deleteMs").asDouble()).as(phase).isPositive();
    }
    for (JsonNode g : d.path("goals")) {
      if (!g.path("name").asText().contains("within 10 %")) {
        assertThat(g.path("met").asBoolean()).as(g.toString()).isTrue();
      }
    }
  }
}
