package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.as;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.podSet;
import static io.cloudpods.testsupport.TestApi.pool;
import static io.cloudpods.testsupport.TestApi.tenant;
import static io.cloudpods.testsupport.TestApi.tenantToken;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.totalRows;
import static io.cloudpods.testsupport.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.cloudpods.auth.TokenStore;
import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Tenant.spec.allowed}, node pinning and swap in the memory quota: each refusal names the
 * field, and nothing of a refused request is stored.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class TenantAllowedTest {

  @Inject TokenStore tokens;

  @Test
  void tenantWithoutAllowed_takesOnlyTheDefaults_evenFromAnAdmin() {
    String t = unique("t");
    String other = unique("p");
    applyAsAdmin(tenant(t, null), pool(other), pool("default"));
    long before = totalRows();

    admin()
        .body(List.of(pod(t, "a", Map.of("ipPool", other))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("reason", equalTo("Forbidden"))
        .body("details.field", hasItem("items[0].spec.ipPool"));
    admin()
        .body(List.of(pod(t, "b", Map.of("storage", "local-lvm"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("details.field", hasItem("items[0].spec.storage"));
    admin()
        .body(List.of(pod(t, "c", Map.of("template", 9100))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("details.field", hasItem("items[0].spec.template"));

    assertThat(totalRows()).isEqualTo(before);
    admin().get("/api/v1/tenants/" + t + "/cloudpods/a").then().statusCode(404);
    // the defaults themselves are fine
    admin().body(List.of(pod(t, "d", Map.of()))).post("/api/v1/apply").then().statusCode(200);
  }

  @Test
  void podSetTemplate_outsideTheAllowedList_isRefusedNamingTheTemplateField() {
    String[] tp = tenantWithPool(null);
    long before = totalRows();

    admin()
        .body(List.of(podSet(tp[0], "web", 2, Map.of("ipPool", tp[1], "storage", "fast-ssd"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("details[0].field", equalTo("items[0].spec.template.spec.storage"));

    assertThat(totalRows()).isEqualTo(before);
  }

  @Test
  void anAdminWidensTheList_byEditingTheTenant() {
    String[] tp = tenantWithPool(null);
    admin()
        .body(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "storage", "fast-ssd"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403);

    Map<String, Object> widened = tenant(tp[0], null);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) widened.get("spec");
    spec.put(
        "allowed",
        Map.of(
            "ipPools",
            List.of(tp[1]),
            "storages",
            List.of("clients-main", "fast-ssd"),
            "templates",
            List.of(9000, 9100),
            "regions",
            List.of("eu-west")));
    applyAsAdmin(widened);

    admin()
        .body(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1], "storage", "fast-ssd"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    admin()
        .get("/api/v1/tenants/" + tp[0])
        .then()
        .body("spec.allowed.regions", equalTo(List.of("eu-west")))
        .body("spec.allowed.templates", equalTo(List.of(9000, 9100)));
  }

  @Test
  void narrowingTheList_keepsExistingPodsAppliable_butRefusesChangingToAValueOutsideIt() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1])));
    Map<String, Object> narrowed = tenant(tp[0], null);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) narrowed.get("spec");
    spec.put("allowed", Map.of("ipPools", List.of()));
    applyAsAdmin(narrowed);

    // the same manifest again: unchanged, allowed
    admin()
        .body(List.of(pod(tp[0], "a", Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    admin()
        .body(List.of(pod(tp[0], "b", Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("details[0].field", equalTo("items[0].spec.ipPool"));
  }

  @Test
  void allowedLists_areValidatedByTheSchema() {
    Map<String, Object> bad = tenant(unique("t"), null);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) bad.get("spec");
    spec.put("allowed", Map.of("regions", List.of("Not A Name"), "templates", List.of("x")));

    admin()
        .body(List.of(bad))
        .post("/api/v1/apply")
        .then()
        .statusCode(422)
        .body("details.field", hasItem("items[0].spec.allowed.regions[0]"))
        .body("details.field", hasItem("items[0].spec.allowed.templates[0]"));
  }

  // ---- node pinning ---------------------------------------------------------------------------

  @Test
  void tenantToken_settingANode_isRefusedNamingSpecNode_andNothingIsStored() {
    String[] tp = tenantWithPool(null);
    String token = tenantToken(tokens, tp[0]);
    long before = totalRows();

    as(token)
        .body(pod(tp[0], "pinned", Map.of("ipPool", tp[1], "node", "pve")))
        .put("/api/v1/tenants/" + tp[0] + "/cloudpods/pinned")
        .then()
        .statusCode(403)
        .body("reason", equalTo("Forbidden"))
        .body("details[0].field", equalTo("spec.node"));
    as(token)
        .body(List.of(podSet(tp[0], "web", 1, Map.of("ipPool", tp[1], "node", "pve"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("details[0].field", equalTo("items[0].spec.template.spec.node"));

    assertThat(totalRows()).isEqualTo(before);
    admin().get("/api/v1/tenants/" + tp[0] + "/cloudpods/pinned").then().statusCode(404);
  }

  @Test
  void admin_mayPin_andTheTenantMayReapplyThePinnedPodUnchanged() {
    String[] tp = tenantWithPool(null);
    String token = tenantToken(tokens, tp[0]);
    applyAsAdmin(pod(tp[0], "pinned", Map.of("ipPool", tp[1], "node", "pve")));

    as(token)
        .body(List.of(pod(tp[0], "pinned", Map.of("ipPool", tp[1], "node", "pve", "cores", 1))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    as(token)
        .body(List.of(pod(tp[0], "pinned", Map.of("ipPool", tp[1], "node", "pve-02"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("details[0].field", equalTo("items[0].spec.node"));
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods/pinned")
        .then()
        .body("spec.node", equalTo("pve"))
        .body("spec.cores", equalTo(1));
  }

  // ---- swap in the memory quota ---------------------------------------------------------------

  @Test
  void swap_countsAgainstTheMemoryQuota() {
    String[] tp = tenantWithPool(Map.of("maxMemoryMb", 2048));
    long before = totalRows();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("ipPool", tp[1]);
    spec.put("memoryMb", 2048);
    spec.put("swapMb", 512);

    admin()
        .body(List.of(pod(tp[0], "a", spec)))
        .post("/api/v1/apply")
        .then()
        .statusCode(403)
        .body("reason", equalTo("QuotaExceeded"))
        .body("details[0].field", equalTo("items[0].quota.maxMemoryMb"))
        .body(
            "details[0].message",
            org.hamcrest.Matchers.containsString("would be 2560, now 0); memory counts with swap"));
    assertThat(totalRows()).isEqualTo(before);

    spec.put("swapMb", 0);
    admin().body(List.of(pod(tp[0], "a", spec))).post("/api/v1/apply").then().statusCode(200);
  }

  @Test
  void usage_showsMemoryWithSwap_andTheSwapPart() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "a", Map.of("ipPool", tp[1], "memoryMb", 1024, "swapMb", 256)),
        podSet(tp[0], "web", 2, Map.of("ipPool", tp[1], "memoryMb", 512, "swapMb", 128)));

    admin()
        .get("/api/v1/tenants/" + tp[0])
        .then()
        .body("status.usage.memoryMb", equalTo(1024 + 256 + 2 * (512 + 128)))
        .body("status.usage.swapMb", equalTo(256 + 2 * 128))
        .body("status.phase", equalTo("Active"));
  }
}
