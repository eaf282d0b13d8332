package io.cloudpods.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dashboards of {@code config/grafana/} are well formed for the Grafana that provisions them:
 * every panel reads the {@code ${datasource}} variable, ids are unique, every variable a query uses
 * exists, and together they show what docs/OBSERVABILITY.md promises. That each query returns data
 * against a real Prometheus is {@code GrafanaDashboardsIT}'s part.
 */
class GrafanaDashboardsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void thereAreFleetRegionAndTenantDashboards_withUniqueUids() {
    List<GrafanaDashboards.Dashboard> all = GrafanaDashboards.all();

    assertThat(all.stream().map(d -> d.json().path("uid").asText()))
        .containsExactlyInAnyOrder("cloudpods-fleet", "cloudpods-region", "cloudpods-tenant");
    for (GrafanaDashboards.Dashboard d : all) {
      assertThat(d.json().path("schemaVersion").asInt()).as(d.title()).isGreaterThanOrEqualTo(39);
      assertThat(d.json().path("id").isMissingNode() || d.json().path("id").isNull())
          .as("%s carries no database id", d.title())
          .isTrue();
    }
  }

  @Test
  void everyPanelAndTarget_readsTheDatasourceVariable() {
    List<String> wrong = new ArrayList<>();
    for (GrafanaDashboards.Dashboard d : GrafanaDashboards.all()) {
      JsonNode ds = d.variables().get("datasource");
      assertThat(ds).as("%s has a datasource variable", d.title()).isNotNull();
      assertThat(ds.path("type").asText()).isEqualTo("datasource");
      assertThat(ds.path("query").asText()).isEqualTo("prometheus");
      for (JsonNode p : d.panels()) {
        if (p.path("type").asText().equals("row")) {
          continue;
        }
        if (!p.path("datasource").path("uid").asText().equals("${datasource}")) {
          wrong.add(d.title() + " / " + p.path("title").asText());
        }
        if (p.path("targets").isEmpty()) {
          wrong.add(d.title() + " / " + p.path("title").asText() + ": no query");
        }
        for (JsonNode t : p.path("targets")) {
          if (!t.path("datasource").path("uid").asText().equals("${datasource}")
              || t.path("expr").asText().isBlank()) {
            wrong.add(d.title() + " / " + p.path("title").asText() + " / " + t.path("refId"));
          }
        }
      }
      for (JsonNode v : d.variables().values()) {
        if (v.path("type").asText().equals("query")
            && !v.path("datasource").path("uid").asText().equals("${datasource}")) {
          wrong.add(d.title() + " variable " + v.path("name").asText());
        }
      }
    }
    assertThat(wrong).as("panels, targets or variables not on ${datasource}").isEmpty();
  }

  @Test
  void panelIds_areUniqueWithinEachDashboard_andPanelsDoNotOverlap() {
    for (GrafanaDashboards.Dashboard d : GrafanaDashboards.all()) {
      Set<Integer> ids = new HashSet<>();
      Set<String> cells = new HashSet<>();
      for (JsonNode p : d.panels()) {
        assertThat(ids.add(p.path("id").asInt(-1)))
            .as("%s: id %s of '%s' is unique", d.title(), p.path("id"), p.path("title").asText())
            .isTrue();
        JsonNode g = p.path("gridPos");
        assertThat(g.path("x").asInt() + g.path("w").asInt()).isLessThanOrEqualTo(24);
        for (int x = g.path("x").asInt(); x < g.path("x").asInt() + g.path("w").asInt(); x++) {
          for (int y = g.path("y").asInt(); y < g.path("y").asInt() + g.path("h").asInt(); y++) {
            assertThat(cells.add(x + "," + y))
                .as("%s: '%s' overlaps another panel", d.title(), p.path("title").asText())
                .isTrue();
          }
        }
      }
    }
  }

  @Test
  void everyVariableAQueryUses_isDefinedOrGrafanasOwn() {
    List<String> undefined = new ArrayList<>();
    for (GrafanaDashboards.Dashboard d : GrafanaDashboards.all()) {
      Set<String> defined = d.variables().keySet();
      for (GrafanaDashboards.Target t : d.targets()) {
        for (String v : GrafanaDashboards.referencedVariables(t.expr())) {
          if (!defined.contains(v) && !GrafanaDashboards.BUILT_INS.containsKey(v)) {
            undefined.add(t + " uses $" + v);
          }
        }
      }
      for (JsonNode v : d.variables().values()) {
        if (v.path("type").asText().equals("query")) {
          assertThat(GrafanaDashboards.labelValues(GrafanaDashboards.variableQuery(v)))
              .as("%s variable %s is a label_values() query", d.title(), v.path("name").asText())
              .isNotNull();
        }
      }
    }
    assertThat(undefined).isEmpty();
  }

  @Test
  void regionAndTenantDashboards_selectByTheirVariable() {
    Map<String, GrafanaDashboards.Dashboard> byUid =
        GrafanaDashboards.all().stream()
            .collect(Collectors.toMap(d -> d.json().path("uid").asText(), d -> d));

    assertThat(
            GrafanaDashboards.variableQuery(
                byUid.get("cloudpods-tenant").variables().get("tenant")))
        .isEqualTo("label_values(cloudpods_pods, tenant)");
    assertThat(byUid.get("cloudpods-region").variables()).containsKey("region");
    assertThat(byUid.get("cloudpods-tenant").targets())
        .filteredOn(t -> t.expr().contains("cloudpods_pods"))
        .allMatch(t -> t.expr().contains("tenant=\"$tenant\""));
    assertThat(byUid.get("cloudpods-region").targets())
        .filteredOn(t -> t.expr().contains("cloudpods_"))
        .filteredOn(t -> !t.expr().contains("cloudpods_metrics_refresh"))
        .allMatch(t -> t.expr().contains("cluster=\"$region\""));
  }

  @Test
  void theFleetDashboard_showsEveryFigureTheDocsPromise() {
    String exprs =
        GrafanaDashboards.all().stream()
            .filter(d -> d.json().path("uid").asText().equals("cloudpods-fleet"))
            .flatMap(d -> d.targets().stream())
            .map(GrafanaDashboards.Target::expr)
            .collect(Collectors.joining("\n"));

    assertThat(exprs)
        .contains(
            "cloudpods_pods{",
            "cloudpods_pods_ready",
            "cloudpods_convergence_seconds_bucket",
            "controller_runtime_reconcile_total",
            "controller_runtime_reconcile_errors_total",
            "workqueue_depth",
            "workqueue_queue_duration_seconds_bucket",
            "cloudpods_proxmox_requests_total",
            "cloudpods_proxmox_request_seconds_bucket",
            "cloudpods_proxmox_up",
            "cloudpods_tenant_usage",
            "cloudpods_tenant_quota",
            "cloudpods_ippool_addresses",
            "cloudpods_orphan_containers")
        .contains("histogram_quantile(0.5,", "histogram_quantile(0.99,");
  }

  @Test
  void provisioningFiles_pointGrafanaAtPrometheusAndTheDashboardFiles() throws Exception {
    JsonNode ds =
        YAML.readTree(
            Path.of("config/grafana/provisioning/datasources/cloudpods-prometheus.yaml").toFile());
    JsonNode dash =
        YAML.readTree(Path.of("config/grafana/provisioning/dashboards/cloudpods.yaml").toFile());

    assertThat(ds.path("apiVersion").asInt()).isEqualTo(1);
    assertThat(ds.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");
    assertThat(dash.path("apiVersion").asInt()).isEqualTo(1);
    JsonNode provider = dash.path("providers").get(0);
    assertThat(provider.path("type").asText()).isEqualTo("file");
    assertThat(provider.path("options").path("path").asText())
        .isEqualTo("/var/lib/grafana/dashboards/cloudpods");
  }
}
