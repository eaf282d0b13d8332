package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.object;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.podSet;
import static io.cloudpods.testsupport.TestApi.pods;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.totalRows;
import static io.cloudpods.testsupport.TestApi.unique;
import static io.cloudpods.testsupport.TestApi.uniqueVmid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class ApplyTest {

  private static String yamlPod(String tenant, String name, String specLines) {
    return "apiVersion: cloudpods.io/v1alpha1\nkind: CloudPod\nmetadata:\n  name: "
        + name
        + "\n  tenant: "
        + tenant
        + "\nspec:\n"
        + specLines;
  }

  private static ValidatableResponse applyYaml(String yaml) {
    return admin()
        .contentType("application/yaml")
        .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then();
  }

  /** Applies a rejected body and proves not a single row changed anywhere. */
  private static ValidatableResponse rejected(Object body, int status) {
    long before = totalRows();
    ValidatableResponse r = admin().body(body).post("/api/v1/apply").then().statusCode(status);
    assertThat(totalRows()).as("rows after a rejected apply").isEqualTo(before);
    return r;
  }

  private static ValidatableResponse rejectedYaml(String yaml, int status) {
    long before = totalRows();
    ValidatableResponse r = applyYaml(yaml).statusCode(status);
    assertThat(totalRows()).as("rows after a rejected apply").isEqualTo(before);
    return r;
  }

  @Test
  void apply_multiDocumentYaml_createsEachObjectAndReportsCreated() {
    String[] tp = tenantWithPool(null);
    String yaml =
        yamlPod(tp[0], "web-1", "  ipPool: " + tp[1] + "\n  cores: 1\n")
            + "\n---\n"
            + yamlPod(tp[0], "web-2", "  ipPool: " + tp[1] + "\n");
    applyYaml(yaml)
        .statusCode(200)
        .body("dryRun", equalTo(false))
        .body("items.result", contains("created", "created"))
        .body("items.name", contains("web-1", "web-2"))
        .body("items[1].object.spec.cores", equalTo(2))
        .body("items[1].object.spec.memoryMb", equalTo(2048))
        .body("items[1].object.spec.swapMb", equalTo(512))
        .body("items[1].object.spec.template", equalTo(9000))
        .body("items[1].object.spec.storage", equalTo("clients-main"))
        .body("items[1].object.status.phase", equalTo("Pending"));
    assertThat(pods(tp[0])).isEqualTo(2);
  }

  @Test
  void apply_sameManifestTwice_reportsUnchangedAndKeepsVersions() {
    String[] tp = tenantWithPool(null);
    Map<String, Object> p = pod(tp[0], "a", Map.of("ipPool", tp[1]));
    admin()
        .body(List.of(p))
        .post("/api/v1/apply")
        .then()
        .statusCode(200)
        .body("items[0].result", equalTo("created"));
    String rv =
        admin()
            .get("/api/v1/tenants/" + tp[0] + "/cloudpods/a")
            .then()
            .extract()
            .path("metadata.resourceVersion");
    admin()
        .body(List.of(p))
        .post("/api/v1/apply")
        .then()
        .statusCode(200)
        .body("items[0].result", equalTo("unchanged"));
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods/a")
        .then()
        .log()
        .ifValidationFails()
        .statusCode(200)
        .body("metadata.resourceVersion", equalTo(rv))
        .body("metadata.generation", equalTo(1));
  }

  @Test
  void apply_changedSpec_reportsConfiguredAndRaisesGeneration() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1], "cores", 1)));
    admin()
        .body(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "cores", 3))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200)
        .body("items[0].result", equalTo("configured"))
        .body("items[0].object.metadata.generation", equalTo(2))
        .body("items[0].object.spec.cores", equalTo(3));
  }

  @Test
  void apply_labelsOnlyChange_reportsConfiguredButKeepsGeneration() {
    String[] tp = tenantWithPool(null);
    Map<String, Object> p = pod(tp[0], "a", Map.of("ipPool", tp[1]));
    applyAsAdmin(p);
    long rv =
        Long.parseLong(
            admin()
                .get("/api/v1/tenants/" + tp[0] + "/cloudpods/a")
                .then()
                .extract()
                .path("metadata.resourceVersion"));
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = new HashMap<>((Map<String, Object>) p.get("metadata"));
    meta.put("labels", Map.of("app", "web"));
    p.put("metadata", meta);
    admin()
        .body(List.of(p))
        .post("/api/v1/apply")
        .then()
        .statusCode(200)
        .body("items[0].result", equalTo("configured"))
        .body("items[0].object.metadata.generation", equalTo(1))
        .body("items[0].object.metadata.resourceVersion", equalTo(Long.toString(rv + 1)));
  }

  @Test
  void apply_dryRun_answersLikeApplyButStoresNothing() {
    String[] tp = tenantWithPool(null);
    long before = totalRows();
    admin()
        .body(
            List.of(
                pod(
                    tp[0],
                    "dry",
                    Map.of("ipPool", tp[1], "vmid", uniqueVmid(), "ip", "10.1.10.60"))))
        .post("/api/v1/apply?dryRun=true")
        .then()
        .statusCode(200)
        .body("dryRun", equalTo(true))
        .body("items[0].result", equalTo("created"));
    assertThat(totalRows()).isEqualTo(before);
    admin().get("/api/v1/tenants/" + tp[0] + "/cloudpods/dry").then().statusCode(404);
  }

  @Test
  void apply_batchWithOneInvalidObject_storesNothing() {
    String[] tp = tenantWithPool(null);
    rejected(
            List.of(
                pod(tp[0], "good-1", Map.of("ipPool", tp[1])),
                pod(tp[0], "bad", Map.of("ipPool", tp[1], "cores", 999)),
                pod(tp[0], "good-2", Map.of("ipPool", tp[1]))),
            422)
        .body("details.field", hasItem("items[1].spec.cores"));
    assertThat(pods(tp[0])).isZero();
  }

  @Test
  void apply_batchFailingOnStoredState_rollsBackEarlierWrites() {
    String[] tp = tenantWithPool(null);
    int vmid = uniqueVmid();
    applyAsAdmin(pod(tp[0], "owner", Map.of("ipPool", tp[1], "vmid", vmid)));
    // the first object is fine, the second collides with a stored VMID: neither may stay
    rejected(
            List.of(
                pod(tp[0], "new-1", Map.of("ipPool", tp[1])),
                pod(tp[0], "new-2", Map.of("ipPool", tp[1], "vmid", vmid))),
            422)
        .body("details[0].field", equalTo("items[1].spec.vmid"));
    assertThat(pods(tp[0])).isEqualTo(1);
  }

  @Test
  void apply_malformedYaml_answers400() {
    rejectedYaml("kind: CloudPod\nmetadata: [unclosed\n", 400)
        .body("code", equalTo(400))
        .body("details[0].field", equalTo("body"));
  }

  @Test
  void apply_malformedJson_answers400() {
    long before = totalRows();
    admin()
        .body("[{\"kind\": \"CloudPod\",")
        .post("/api/v1/apply")
        .then()
        .statusCode(400)
        .body("reason", equalTo("BadRequest"));
    assertThat(totalRows()).isEqualTo(before);
  }

  @Test
  void apply_duplicateKeyInYaml_answers400() {
    String[] tp = tenantWithPool(null);
    rejectedYaml(yamlPod(tp[0], "dup", "  cores: 1\n  cores: 2\n"), 400);
  }

  @Test
  void apply_unknownKind_answers422NamingKind() {
    rejected(
            List.of(
                Map.of(
                    "apiVersion",
                    "cloudpods.io/v1alpha1",
                    "kind",
                    "VirtualMachine",
                    "metadata",
                    Map.of("name", "x"))),
            422)
        .body("details[0].field", equalTo("items[0].kind"));
  }

  @Test
  void apply_unknownField_answers422NamingIt() {
    String[] tp = tenantWithPool(null);
    rejected(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "colour", "blue"))), 422)
        .body("details[0].field", equalTo("items[0].spec.colour"))
        .body("details[0].message", equalTo("unknown field"));
  }

  @Test
  void apply_missingTenant_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(List.of(TestApiObjects.podWithoutTenant("a", tp[1])), 422)
        .body("details[0].field", equalTo("items[0].metadata.tenant"));
  }

  @Test
  void apply_tenantThatDoesNotExist_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(List.of(pod(unique("nobody"), "a", Map.of("ipPool", tp[1]))), 422)
        .body("details[0].field", equalTo("items[0].metadata.tenant"));
  }

  @Test
  void apply_nameThatIsNotRfc1123_answers422() {
    String[] tp = tenantWithPool(null);
    for (String bad : List.of("Web_1", "-web", "web-", "a".repeat(64), "web.1")) {
      rejected(List.of(pod(tp[0], bad, Map.of("ipPool", tp[1]))), 422)
          .body("details.field", hasItem("items[0].metadata.name"));
    }
  }

  @Test
  void apply_sizesOutOfRange_answer422NamingEachField() {
    String[] tp = tenantWithPool(null);
    rejected(
            List.of(
                pod(
                    tp[0],
                    "a",
                    Map.of(
                        "ipPool",
                        tp[1],
                        "cores",
                        0,
                        "memoryMb",
                        16,
                        "swapMb",
                        -1,
                        "diskGb",
                        100000))),
            422)
        .body(
            "details.field",
            org.hamcrest.Matchers.hasItems(
                "items[0].spec.cores",
                "items[0].spec.memoryMb",
                "items[0].spec.swapMb",
                "items[0].spec.diskGb"));
  }

  @Test
  void apply_ipOutsideItsPool_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "ip", "10.1.10.20"))), 422)
        .body("details[0].field", equalTo("items[0].spec.ip"))
        .body("details[0].message", containsString("outside"));
  }

  @Test
  void apply_reservedIpOrGateway_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "ip", "10.1.10.70"))), 422)
        .body("details[0].message", containsString("reserved"));
  }

  @Test
  void apply_ipAlreadyTaken_answers422() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "first", Map.of("ipPool", tp[1], "ip", "10.1.10.77")));
    rejected(List.of(pod(tp[0], "second", Map.of("ipPool", tp[1], "ip", "10.1.10.77"))), 422)
        .body("details[0].field", equalTo("items[0].spec.ip"))
        .body("details[0].message", containsString("taken"));
  }

  @Test
  void apply_poolThatDoesNotExist_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(List.of(pod(tp[0], "a", Map.of("ipPool", unique("nopool")))), 422)
        .body("details[0].field", equalTo("items[0].spec.ipPool"));
  }

  @Test
  void apply_vmidOutsideClientRange_answers422() {
    String[] tp = tenantWithPool(null);
    for (int vmid : List.of(100, 250, 499, 9000, 8999, 500)) {
      rejected(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "vmid", vmid))), 422)
          .body("details[0].field", equalTo("items[0].spec.vmid"));
    }
  }

  @Test
  void apply_vmidTakenByAnotherPod_answers422() {
    String[] tp = tenantWithPool(null);
    String[] other = tenantWithPool(null);
    int vmid = uniqueVmid();
    applyAsAdmin(pod(other[0], "a", Map.of("ipPool", other[1], "vmid", vmid)));
    rejected(List.of(pod(tp[0], "b", Map.of("ipPool", tp[1], "vmid", vmid))), 422)
        .body("details[0].field", equalTo("items[0].spec.vmid"));
  }

  @Test
  void apply_duplicateObjectsInOneBatch_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(
            List.of(
                pod(tp[0], "twin", Map.of("ipPool", tp[1])),
                pod(tp[0], "twin", Map.of("ipPool", tp[1], "cores", 4))),
            422)
        .body("details[0].field", equalTo("items[1].metadata.name"))
        .body("details[0].message", containsString("duplicate"));
  }

  @Test
  void apply_sameIpTwiceInOneBatch_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(
            List.of(
                pod(tp[0], "x", Map.of("ipPool", tp[1], "ip", "10.1.10.66")),
                pod(tp[0], "y", Map.of("ipPool", tp[1], "ip", "10.1.10.66"))),
            422)
        .body("details[0].field", equalTo("items[1].spec.ip"));
  }

  @Test
  void apply_oversizedBody_answers413() {
    long before = totalRows();
    String big = "# " + "x".repeat(1_100_000) + "\n";
    admin()
        .contentType("application/yaml")
        .body(big.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then()
        .statusCode(413)
        .body("code", equalTo(413));
    assertThat(totalRows()).isEqualTo(before);
  }

  @Test
  void apply_textThatCouldSmuggleProxmoxKeys_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(
            List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "storage", "clients-main,size=999"))),
            422)
        .body("details.field", hasItem("items[0].spec.storage"));
    rejected(
            List.of(
                pod(
                    tp[0],
                    "a",
                    Map.of("ipPool", tp[1], "storage", "clients-main\nnet1: bridge=vmbr9"))),
            422)
        .body("details.field", hasItem("items[0].spec.storage"));
    Map<String, Object> labelled = pod(tp[0], "a", Map.of("ipPool", tp[1]));
    labelled.put("metadata", Map.of("name", "a", "tenant", tp[0], "labels", Map.of("app", "x=y")));
    rejected(List.of(labelled), 422).body("details.field", hasItem("items[0].metadata.labels.app"));
    Map<String, Object> t = io.cloudpods.testsupport.TestApi.tenant(unique("t"), null);
    t.put("spec", Map.of("displayName", "Acme\nhookscript: local:snippets/evil.sh"));
    rejected(List.of(t), 422).body("details.field", hasItem("items[0].spec.displayName"));
  }

  @Test
  void apply_documentWithoutKind_answers422AndStoresNothingOfTheBatch() {
    rejected(
            List.of(
                io.cloudpods.testsupport.TestApi.tenant(unique("t"), null),
                Map.of("metadata", Map.of("name", "x"))),
            422)
        .body("details[0].field", equalTo("items[1].kind"));
  }

  @Test
  void apply_podSetTemplateWithFixedVmid_answers422() {
    String[] tp = tenantWithPool(null);
    rejected(List.of(podSet(tp[0], "set", 2, Map.of("ipPool", tp[1], "vmid", uniqueVmid()))), 422)
        .body("details[0].field", equalTo("items[0].spec.template.spec.vmid"));
  }

  @Inject ExampleManifests examples;

  @Test
  void exampleManifests_coverTheDirectoryAndApplyCleanlyTwice() throws Exception {
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("config/examples"))) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(n -> n.endsWith(".yaml"))
                  .sorted()
                  .toList())
          .isEqualTo(ExampleManifests.FILES);
    }
    // the second region's cluster, which 'serve --embedded' writes before the examples
    admin()
        .body(
            object(
                "ProxmoxCluster",
                Map.of("name", "west"),
                Map.of(
                    "region", "migra-us-west-1",
                    "url", "http://127.0.0.1:9/api2/json",
                    "tokenId", "cloudpods@pve!west",
                    "tokenSecretEnv", "CLOUDPODS_WEST_TOKEN_SECRET")))
        .put("/api/v1/proxmoxclusters/west")
        .then()
        .statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    examples.apply();
    assertThat(examples.apply()).extracting(r -> r.result().name()).containsOnly("unchanged");
    admin().get("/api/v1/tenants/tenant-123").then().body("status.usage.pods", equalTo(6));
    admin()
        .get("/api/v1/tenants/tenant-123/cloudpods/web-west-1")
        .then()
        .statusCode(200)
        .body("spec.region", equalTo("migra-us-west-1"));
    admin()
        .get("/api/v1/tenants/tenant-123/cloudpods/cloudpod-9101")
        .then()
        .statusCode(200)
        .body("spec.vmid", equalTo(9101));
    admin()
        .get("/api/v1/tenants/tenant-123/podsets/workers")
        .then()
        .statusCode(200)
        .body("spec.replicas", equalTo(3));
  }

  @Test
  void apply_objectsInAnyOrder_areAdmittedOwnersFirst() {
    String t = unique("t");
    String p = unique("p");
    admin()
        .body(
            List.of(
                pod(t, "a", Map.of("ipPool", p, "ip", "10.1.10.51")),
                io.cloudpods.testsupport.TestApi.pool(p),
                io.cloudpods.testsupport.TestApi.tenant(t, null, List.of(p))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200)
        .body("items.kind", contains("CloudPod", "IpPool", "Tenant"))
        .body("items.result", contains("created", "created", "created"));
  }
}
