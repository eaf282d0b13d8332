package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.metrics.FleetMetrics;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /q/metrics} of a controller that converged pods: the engine under controller-runtime's
 * names, Proxmox requests by route, the fleet by tenant and phase, and no label whose values grow
 * with the pods.
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class MetricsEndpointTest {

  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)\\} ");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Inject FleetMetrics fleet;

  @Test
  void convergedPods_showInEngineProxmoxAndFleetMetrics_withNoPerPodLabel() {
    String tenant = TestApi.unique("metrics");
    TestApi.applyAsAdmin(
        TestApi.tenant(
            tenant, Map.of("maxPods", 10, "maxCores", 40, "maxMemoryMb", 40_000, "maxDiskGb", 200)),
        TestApi.pool("default"));
    List<String> names = List.of("m-a", "m-b", "m-c");
    for (String name : names) {
      TestApi.applyAsAdmin(
          TestApi.pod(tenant, name, Map.of("cores", 1, "memoryMb", 512, "diskGb", 8)));
    }
    await()
        .atMost(Duration.ofSeconds(180))
        .ignoreExceptions()
        .until(
            () ->
                names.stream()
                    .allMatch(
                        n ->
                            "Running"
                                .equals(
                                    admin()
                                        .get("/api/v1/tenants/" + tenant + "/cloudpods/" + n)
                                        .jsonPath()
                                        .getString("status.phase"))));
    fleet.refresh();

    String text = admin().get("/q/metrics").then().statusCode(200).extract().asString();

    assertThat(
            value(
                text,
                "controller_runtime_reconcile_total",
                "controller",
                "cloudpod",
                "result",
                "success"))
        .isGreaterThanOrEqualTo(3);
    assertThat(value(text, "workqueue_adds_total", "name", "cloudpod")).isGreaterThanOrEqualTo(3);
    assertThat(value(text, "cloudpods_proxmox_up", "cluster", "default")).isEqualTo(1);
    assertThat(
            value(
                text,
                "cloudpods_proxmox_requests_total",
                "method",
                "POST",
                "route",
                "/nodes/{node}/lxc/{vmid}/clone",
                "code",
                "200"))
        .isGreaterThanOrEqualTo(3);
    assertThat(value(text, "cloudpods_pods", "tenant", tenant, "phase", "Running")).isEqualTo(3);
    assertThat(value(text, "cloudpods_pods", "tenant", tenant, "phase", "Failed")).isZero();
    assertThat(value(text, "cloudpods_pods_ready", "tenant", tenant)).isEqualTo(3);
    assertThat(value(text, "cloudpods_tenant_quota", "tenant", tenant, "resource", "pods"))
        .isEqualTo(10);
    assertThat(value(text, "cloudpods_tenant_usage", "tenant", tenant, "resource", "cores"))
        .isEqualTo(3);
    assertThat(value(text, "cloudpods_ippool_addresses", "pool", "default", "state", "allocated"))
        .isGreaterThanOrEqualTo(3);
    assertThat(text).doesNotContain("cloudpods_pod_info{");

    // no label value names a pod, its VMID or address, or a task: none can grow with the pods
    Set<String> perPod = new HashSet<>();
    for (String n : names) {
      var status = admin().get("/api/v1/tenants/" + tenant + "/cloudpods/" + n).jsonPath();
      perPod.add(n);
      perPod.add(status.getString("status.vmid"));
      perPod.add(status.getString("status.ip"));
    }
    List<String> offending = new ArrayList<>();
    for (String line : text.lines().toList()) {
      Matcher series = SERIES.matcher(line);
      if (!series.find()) {
        continue;
      }
      Matcher label = LABEL.matcher(series.group(2));
      while (label.find()) {
        String v = label.group(2);
        if (perPod.stream().anyMatch(v::contains) || v.contains("UPID")) {
          offending.add(line);
        }
      }
    }
    assertThat(offending).as("series with a per-pod label value").isEmpty();
  }

  /** The value of the series of {@code name} whose labels include the given pairs. */
  private static double value(String text, String name, String... labels) {
    for (String line : text.lines().toList()) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        if (!line.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) {
          all = false;
          break;
        }
      }
      if (all) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no series " + name + " " + String.join(",", labels) + " in\n" + text);
  }
}
