package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.pods;
import static io.cloudpods.testsupport.TestApi.tenant;
import static io.cloudpods.testsupport.TestApi.totalRows;
import static io.cloudpods.testsupport.TestApi.unique;
import static io.cloudpods.testsupport.TestApi.uniqueVmid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.cloudpods.testsupport.PostgresResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The original backend routes, with the original request bodies. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class SeedRoutesTest {

  /**
   * Each test gets its own network so that the route's "pool containing this IP" lookup is
   * unambiguous.
   */
  private static final java.util.concurrent.atomic.AtomicInteger NET =
      new java.util.concurrent.atomic.AtomicInteger();

  String net;
  String tenantId;
  String tenant;
  String pool;
  int vmid;

  @BeforeEach
  void tenantAndPool() {
    tenantId = unique("TENANT").toUpperCase(Locale.ROOT);
    tenant = tenantId.toLowerCase(Locale.ROOT);
    pool = unique("p");
    net = "172.16." + NET.incrementAndGet();
    applyAsAdmin(
        tenant(tenant, null, java.util.List.of(pool)),
        TestApi.object(
            "IpPool",
            Map.of("name", pool),
            Map.of(
                "cidr",
                net + ".0/24",
                "gateway",
                net + ".1",
                "rangeStart",
                net + ".50",
                "rangeEnd",
                net + ".250")));
    vmid = uniqueVmid();
  }

  private Map<String, Object> createBody(String hostname, String ip) {
    Map<String, Object> body = new HashMap<>();
    body.put("tenantId", tenantId);
    body.put("vmid", vmid);
    body.put("hostname", hostname);
    body.put("ip", ip);
    body.put("cores", 2);
    body.put("memoryMb", 2048);
    body.put("swapMb", 512);
    return body;
  }

  @Test
  void create_seedBody_answers202WithCloudPodNamedAfterHostname() {
    admin()
        .body(createBody("cloudpod-9101", net + ".91"))
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(202)
        .body("kind", equalTo("CloudPod"))
        .body("metadata.name", equalTo("cloudpod-9101"))
        .body("metadata.tenant", equalTo(tenant))
        .body("spec.vmid", equalTo(vmid))
        .body("spec.ip", equalTo(net + ".91"))
        .body("spec.ipPool", equalTo(pool))
        .body("spec.cores", equalTo(2))
        .body("spec.memoryMb", equalTo(2048))
        .body("spec.swapMb", equalTo(512))
        .body("spec.template", equalTo(9000))
        .body("status.phase", equalTo("Pending"));
    admin().get("/api/v1/tenants/" + tenant + "/cloudpods/cloudpod-9101").then().statusCode(200);
    // the requested VMID and address are reserved at once
    assertThat(
            TestApi.count(
                "SELECT count(*) FROM pod_allocation WHERE vmid = ? AND ip = '" + net + ".91'",
                vmid))
        .isEqualTo(1);
  }

  @Test
  void create_invalidHostname_answers422NamingHostname() {
    long before = totalRows();
    admin()
        .body(createBody("Bad_Host", net + ".91"))
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("hostname"));
    assertThat(totalRows()).isEqualTo(before);
  }

  @Test
  void create_vmidInInfrastructureRange_answers422NamingVmid() {
    Map<String, Object> body = createBody("pod-a", net + ".92");
    body.put("vmid", 200);
    admin()
        .body(body)
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("vmid"));
    assertThat(pods(tenant)).isZero();
  }

  @Test
  void create_ipAlreadyTaken_answers422NamingIp() {
    admin()
        .body(createBody("pod-a", net + ".93"))
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(202);
    vmid = uniqueVmid();
    admin()
        .body(createBody("pod-b", net + ".93"))
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("ip"));
  }

  @Test
  void create_unknownTenant_answers422NamingTenantId() {
    Map<String, Object> body = createBody("pod-a", net + ".94");
    body.put("tenantId", "NO-SUCH-TENANT-" + vmid);
    admin()
        .body(body)
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("tenantId"));
  }

  @Test
  void create_unknownField_answers422() {
    Map<String, Object> body = createBody("pod-a", net + ".95");
    body.put("rootPassword", "x");
    admin()
        .body(body)
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("rootPassword"));
  }

  @Test
  void destroy_seedBody_answers202AndMarksThePodDeleting() {
    admin()
        .body(createBody("pod-x", net + ".96"))
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(202);
    admin()
        .body(Map.of("tenantId", tenantId, "vmid", vmid))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(202)
        .body("metadata.name", equalTo("pod-x"))
        .body("metadata.deletionTimestamp", notNullValue())
        .body("status.phase", equalTo("Deleting"));
    admin()
        .get("/api/v1/tenants/" + tenant + "/cloudpods/pod-x")
        .then()
        .body("status.phase", equalTo("Deleting"));
  }

  @Test
  void destroy_unknownVmid_answers404() {
    admin()
        .body(Map.of("tenantId", tenantId, "vmid", vmid))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(404);
  }
}
