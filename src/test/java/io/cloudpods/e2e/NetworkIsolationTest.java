package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.IpSetEntry;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A pod converges against the simulator with its network isolated: {@code firewall=1} on net0, the
 * firewall enabled with ipfilter, {@code ipfilter-net0} holding only its address — all read back
 * through the simulator's API — and a neighbour's address added by hand is taken out again. An
 * explicit address the pool cannot give is refused at admission, naming {@code spec.ip}.
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class NetworkIsolationTest {

  private static final Duration CONVERGE = Duration.ofSeconds(120);

  @Inject ProxmoxClient proxmox;

  private static JsonPath simGet(String path) {
    ProxmoxSimulator sim = ProxmoxSimulatorResource.simulator();
    String base = sim.baseUrl().toString().replaceFirst("/api2/json/?$", "");
    return given()
        .header(
            "Authorization",
            "PVEAPIToken="
                + ProxmoxSimulatorResource.TOKEN_ID
                + "="
                + ProxmoxSimulatorResource.TOKEN_SECRET)
        .get(base + path)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  @Test
  void pod_convergesWithFirewallOnNet0AndIpfilterOfItsOwnAddress_driftPutBack() {
    String tenant = TestApi.unique("iso");
    String pool = TestApi.unique("iso-pool");
    TestApi.applyAsAdmin(
        TestApi.tenant(tenant, null, List.of(pool)),
        TestApi.pool(pool),
        TestApi.pod(
            tenant,
            "walled",
            Map.of("ipPool", pool, "ip", "10.1.10.123", "cores", 1, "memoryMb", 512, "diskGb", 8)));
    String path = "/api/v1/tenants/" + tenant + "/cloudpods/walled";
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .until(() -> "Running".equals(admin().get(path).jsonPath().getString("status.phase")));
    int vmid = admin().get(path).jsonPath().getInt("status.vmid");
    String node = admin().get(path).jsonPath().getString("status.node");

    String api = "/api2/json/nodes/" + node + "/lxc/" + vmid;
    assertThat(simGet(api + "/config").getString("data.net0")).contains(",firewall=1,");
    JsonPath options = simGet(api + "/firewall/options");
    assertThat(options.getInt("data.enable")).isEqualTo(1);
    assertThat(options.getInt("data.ipfilter")).isEqualTo(1);
    assertThat(simGet(api + "/firewall/ipset").getList("data.name"))
        .containsExactly("ipfilter-net0");
    assertThat(simGet(api + "/firewall/ipset/ipfilter-net0").getList("data.cidr"))
        .containsExactly("10.1.10.123");
    assertThat(simGet(api + "/firewall/ipset/ipfilter-net0/10.1.10.123").getString("data.cidr"))
        .isEqualTo("10.1.10.123");
    List<Map<String, Object>> dumped = simGet("/_sim/state").getList("data.firewalls");
    assertThat(dumped)
        .filteredOn(f -> ((Number) f.get("vmid")).intValue() == vmid)
        .singleElement()
        .satisfies(f -> assertThat((String) f.get("file")).contains("[IPSET ipfilter-net0]"));

    // by hand: a neighbour's address and the firewall off; the deep verify puts both back
    proxmox.addIpSetEntry(node, vmid, "ipfilter-net0", "10.1.10.124", Optional.empty());
    proxmox.updateFirewallOptions(node, vmid, ConfigUpdate.set(Map.of("enable", "0")));
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(proxmox.ipSetEntries(node, vmid, "ipfilter-net0"))
                  .extracting(IpSetEntry::cidr)
                  .containsExactly("10.1.10.123");
              assertThat(proxmox.firewallOptions(node, vmid).options())
                  .containsEntry("enable", "1");
            });
    assertThat(
            admin()
                .queryParam("tenant", tenant)
                .queryParam("limit", 200)
                .get("/api/v1/events")
                .jsonPath()
                .getList("reason", String.class))
        .contains("UpdatingFirewall", "FirewallUpdated");
  }

  @Test
  void explicitBroadcastAddress_isRefusedAtAdmissionNamingSpecIp() {
    String tenant = TestApi.unique("iso");
    String pool = TestApi.unique("wide");
    TestApi.applyAsAdmin(
        TestApi.tenant(tenant, null, List.of(pool)),
        TestApi.object(
            "IpPool",
            Map.of("name", pool),
            Map.of(
                "cidr", "10.1.30.0/24",
                "gateway", "10.1.30.1",
                "rangeStart", "10.1.30.0",
                "rangeEnd", "10.1.30.255")));

    admin()
        .body(List.of(TestApi.pod(tenant, "bcast", Map.of("ipPool", pool, "ip", "10.1.30.255"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("items[0].spec.ip"))
        .body("details[0].message", containsString("broadcast address of 10.1.30.0/24"));
    admin().get("/api/v1/tenants/" + tenant + "/cloudpods/bcast").then().statusCode(404);
  }
}
