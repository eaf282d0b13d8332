package io.cloudpods.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the bench command: options, percentiles, jcmd output parsing. */
class BenchPartsTest {

  @Test
  void optionsAreParsedAndUnknownOnesRefused() {
    BenchOptions o =
        BenchOptions.parse(
            List.of(
                "steady",
                "--pods",
                "20",
                "--cycles=2",
                "--resync-interval",
                "2s",
                "--clone",
                "full",
                "--time-scale",
                "0.01",
                "--pause",
                "250ms",
                "--keep"));
    assertThat(o.scenario).isEqualTo("steady");
    assertThat(o.pods).isEqualTo(20);
    assertThat(o.cycles).isEqualTo(2);
    assertThat(o.resyncInterval).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.pause).isEqualTo(Duration.ofMillis(250));
    assertThat(o.keepWorkDir).isTrue();
    assertThat(o.given())
        .containsEntry("pods", 20)
        .containsEntry("clone", "full")
        .doesNotContainKey("samples");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("fast")))
        .hasMessageContaining("unknown scenario");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("api", "--objects", "0")))
        .hasMessageContaining("--objects");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("api", "--clone", "deep")))
        .hasMessageContaining("--clone");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("api", "--bogus", "1")))
        .hasMessageContaining("--bogus");
  }

  @Test
  void controllerJvmOptions_replaceTheShippedOnes_noneMeansJvmDefaults_andNonOptionsAreRefused() {
    assertThat(
            BenchOptions.parse(
                    List.of("converge", "--controller-jvm-opts", " -XX:+UseG1GC  -Dx=1 "))
                .controllerJvmOptions)
        .containsExactly("-XX:+UseG1GC", "-Dx=1");
    assertThat(
            BenchOptions.parse(List.of("converge", "--controller-jvm-opts=none"))
                .controllerJvmOptions)
        .isEmpty();
    assertThat(BenchOptions.parse(List.of("converge")).controllerJvmOptions).isNull();
    assertThatThrownBy(
            () ->
                BenchOptions.parse(List.of("converge", "--controller-jvm-opts", "-Xss1m UseG1GC")))
        .hasMessageContaining("--controller-jvm-opts")
        .hasMessageContaining("'UseG1GC'");
  }

  @Test
  void jvmOptionsFile_dropsCommentsAndSplitsOnWhiteSpace() {
    assertThat(
            BenchEnv.parseJvmOptionsFile(
                List.of("# why", "", "-XX:A=1   # trailing", "  -XX:+B -Dc=d  ")))
        .containsExactly("-XX:A=1", "-XX:+B", "-Dc=d");
    // the file serve uses is what the bench starts the controller with by default
    assertThat(BenchEnv.shippedJvmOptions())
        .isNotEmpty()
        .allSatisfy(o -> assertThat(o).startsWith("-"));
  }

  @Test
  void nearestRankPercentiles() {
    Map<String, Object> d =
        Scenarios.distribution(List.of(5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 6.0, 7.0, 8.0, 9.0));
    assertThat(d)
        .containsEntry("n", 10)
        .containsEntry("minMs", 1.0)
        .containsEntry("p50Ms", 5.0)
        .containsEntry("p90Ms", 9.0)
        .containsEntry("p99Ms", 10.0)
        .containsEntry("maxMs", 10.0);
    assertThat(Scenarios.distribution(List.of())).containsOnlyKeys("n");
  }

  @Test
  void heapInfoOfG1AndSerial() {
    String g1 =
        """
        12345:
         garbage-first heap   total 71680K, used 23843K [0x00000000e0000000, 0x0000000100000000)
          region size 1024K, 2 young (2048K), 0 survivors (0K)
         Metaspace       used 81286K, committed 82112K, reserved 1179648K
          class space    used 10421K, committed 10816K, reserved 1048576K
        """;
    assertThat(BenchEnv.heapUsed(g1)).isEqualTo(23843L * 1024);
    assertThat(BenchEnv.heapCommitted(g1)).isEqualTo(71680L * 1024);
    String serial =
        """
        12345:
         def new generation   total 9792K, used 1221K [0x00000000e0000000, 0x00000000e0aa0000, 0x00000000eaaa0000)
          eden space 8704K,  14% used [0x00000000e0000000, 0x00000000e0131598, 0x00000000e0880000)
         tenured generation   total 21888K, used 15000K [0x00000000eaaa0000, 0x00000000ec000000, 0x0000000100000000)
         Metaspace       used 5000K, committed 5120K, reserved 1056768K
        """;
    assertThat(BenchEnv.heapUsed(serial)).isEqualTo((1221L + 15000) * 1024);
  }

  @Test
  void podSetsAreSplitAtTheSchemaMaximum() {
    String y = BenchEnv.podSetsYaml(2500, 64, "linked");
    assertThat(y.split("---")).hasSize(3);
    assertThat(y).contains("name: bench-2").contains("replicas: 500").contains("cloneMode: linked");
  }
}
