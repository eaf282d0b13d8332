package io.cloudpods.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class ProxmoxMetricsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void everyRequest_isCountedByRouteAndCode_andTimedByRoute() {
    ProxmoxMetrics metrics = new ProxmoxMetrics(registry);

    metrics.observe("POST", "/nodes/{node}/lxc/{vmid}/clone", "200", 30_000_000);
    metrics.observe("POST", "/nodes/{node}/lxc/{vmid}/clone", "200", 40_000_000);
    metrics.observe("POST", "/nodes/{node}/lxc/{vmid}/clone", "500", 10_000_000);
    metrics.observe("GET", "/cluster/resources", "timeout", 5_000_000_000L);

    String text = registry.scrape();
    assertThat(text)
        .contains(
            "cloudpods_proxmox_requests_total{cluster=\"default\",code=\"200\",method=\"POST\",route=\"/nodes/{node}/lxc/{vmid}/clone\",} 2.0")
        .contains(
            "cloudpods_proxmox_requests_total{cluster=\"default\",code=\"500\",method=\"POST\",route=\"/nodes/{node}/lxc/{vmid}/clone\",} 1.0")
        .contains(
            "cloudpods_proxmox_requests_total{cluster=\"default\",code=\"timeout\",method=\"GET\",route=\"/cluster/resources\",} 1.0")
        .contains(
            "cloudpods_proxmox_request_seconds_bucket{cluster=\"default\",method=\"POST\",route=\"/nodes/{node}/lxc/{vmid}/clone\",le=\"0.05\",} 3.0")
        .contains(
            "cloudpods_proxmox_request_seconds_count{cluster=\"default\",method=\"GET\",route=\"/cluster/resources\",} 1.0");
  }

  @Test
  void anotherClustersRequests_carryItsName_andAreCountedApart() {
    ProxmoxMetrics metrics = new ProxmoxMetrics(registry);

    metrics.observe("GET", "/cluster/resources", "200", 1_000_000);
    metrics.forCluster("west").observe("GET", "/cluster/resources", "200", 1_000_000);
    metrics.forCluster("west").observe("GET", "/cluster/resources", "200", 1_000_000);

    assertThat(metrics.forCluster("west")).isSameAs(metrics.forCluster("west"));
    assertThat(metrics.forCluster("default")).isSameAs(metrics);
    assertThat(registry.scrape())
        .contains(
            "cloudpods_proxmox_requests_total{cluster=\"default\",code=\"200\",method=\"GET\",route=\"/cluster/resources\",} 1.0")
        .contains(
            "cloudpods_proxmox_requests_total{cluster=\"west\",code=\"200\",method=\"GET\",route=\"/cluster/resources\",} 2.0");
  }
}
