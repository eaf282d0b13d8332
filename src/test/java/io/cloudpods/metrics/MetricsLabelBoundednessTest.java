package io.cloudpods.metrics;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No label of {@code /q/metrics} has a value set that grows with the pods: the scrape with N pods
 * and the scrape with 2N pods (same tenants, pools and nodes; new names, VMIDs and addresses) have
 * the same values for every label of every metric, except the opt-in per-pod {@code
 * cloudpods_pod_info}. (That counters start at 0 is {@code EngineMetricsTest}'s.)
 */
@QuarkusTest
@WithTestResource(IsolatedDatabaseResource.class)
class MetricsLabelBoundednessTest {

  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)\\} ");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final int N = 40;

  @Inject FleetMetrics fleet;
  @Inject EntityManager em;

  @Test
  void nThenTwoNPods_everyLabelHasTheSameValues_exceptPerPodOptIn() {
    String[] tp = TestApi.tenantWithPool(Map.of("maxPods", 1000));
    String[] other = TestApi.tenantWithPool(Map.of("maxPods", 1000));
    insertPods(tp[0], tp[1], 0, N);
    insertPods(other[0], other[1], 0, N);
    fleet.refresh();
    Map<String, Set<String>> before = labelValues(scrape());

    insertPods(tp[0], tp[1], N, 2 * N);
    insertPods(other[0], other[1], N, 2 * N);
    fleet.refresh();
    String after = scrape();
    Map<String, Set<String>> twice = labelValues(after);

    assertThat(twice).as("metric{label} → values with 2N pods vs N").isEqualTo(before);
    double pods = 0;
    for (String l : after.lines().toList()) {
      if (l.startsWith("cloudpods_pods{") && l.contains("tenant=\"" + tp[0] + "\"")) {
        pods += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    assertThat(pods).as("the gauges did see the 2N pods").isEqualTo(2 * N);
  }

  private static String scrape() {
    return admin().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  /** {@code metric{label}} → the values seen, for every series but the opt-in per-pod one. */
  static Map<String, Set<String>> labelValues(String text) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (String line : text.lines().toList()) {
      Matcher s = SERIES.matcher(line);
      if (!s.find() || s.group(1).equals("cloudpods_pod_info")) {
        continue;
      }
      Matcher l = LABEL.matcher(s.group(2));
      while (l.find()) {
        out.computeIfAbsent(s.group(1) + "{" + l.group(1) + "}", k -> new TreeSet<>())
            .add(l.group(2));
      }
    }
    return out;
  }

  /** Pods {@code from..to-1} of the tenant, stored with a status as the controller writes it. */
  private void insertPods(String tenant, String pool, int from, int to) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              for (int i = from; i < to; i++) {
                int vmid = TestApi.uniqueVmid();
                String phase = i % 4 == 0 ? "Provisioning" : "Running";
                em.createNativeQuery(
                        "INSERT INTO cloud_pod (tenant, name, spec, status)"
                            + " VALUES (?1, ?2, CAST(?3 AS jsonb), CAST(?4 AS jsonb))")
                    .setParameter(1, tenant)
                    .setParameter(2, "bounded-" + i)
                    .setParameter(
                        3,
                        "{\"cores\": 1, \"memoryMb\": 256, \"diskGb\": 8, \"ipPool\": \""
                            + pool
                            + "\"}")
                    .setParameter(
                        4,
                        "{\"phase\": \""
                            + phase
                            + "\", \"vmid\": "
                            + vmid
                            + ", \"node\": \"pve\", \"ip\": \"10.9."
                            + (i / 250)
                            + "."
                            + (i % 250 + 1)
                            + "\", \"conditions\": [{\"type\": \"Ready\", \"status\": \""
                            + (phase.equals("Running") ? "True" : "False")
                            + "\"}]}")
                    .executeUpdate();
              }
            });
  }
}
