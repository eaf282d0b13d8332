package io.cloudpods.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.testsupport.DebianTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in {@code config/prometheus/} pass Prometheus's own checker and their unit tests
 * ({@code promtool test rules}), run by Debian's real promtool.
 */
class PrometheusRulesTest {

  private static final Path DIR = Path.of("config/prometheus");

  @Test
  void alertRules_passPromtoolCheck() {
    Path promtool = DebianTools.binary("prometheus", "promtool");

    DebianTools.Result r =
        DebianTools.run(
            List.of(promtool.toString(), "check", "rules", "cloudpods-alerts.yml"), DIR, 60);

    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @Test
  void alertRules_passTheirUnitTests() {
    Path promtool = DebianTools.binary("prometheus", "promtool");

    DebianTools.Result r =
        DebianTools.run(
            List.of(promtool.toString(), "test", "rules", "cloudpods-alerts.test.yml"), DIR, 60);

    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @Test
  void everyAlert_hasAUnitTestThatSeesItFire() throws Exception {
    String rules = Files.readString(DIR.resolve("cloudpods-alerts.yml"));
    String tests = Files.readString(DIR.resolve("cloudpods-alerts.test.yml"));
    Matcher m = Pattern.compile("(?m)^\\s+- alert: (\\w+)").matcher(rules);
    int alerts = 0;
    while (m.find()) {
      alerts++;
      String name = m.group(1);
      assertThat(
              Pattern.compile("alertname: " + name + "\\s+exp_alerts:\\s+- exp_labels")
                  .matcher(tests)
                  .find())
          .as("a test case where %s fires", name)
          .isTrue();
    }
    assertThat(alerts).isGreaterThanOrEqualTo(10);
  }
}
