package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.podSet;
import static io.cloudpods.testsupport.TestApi.pods;
import static io.cloudpods.testsupport.TestApi.pool;
import static io.cloudpods.testsupport.TestApi.tenant;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.cloudpods.api.v1alpha1.CloudPodStatus;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resource routes of the REST contract, their status codes and the metadata rules. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ResourceRoutesTest {

  @Inject CloudPodStore pods;
  @Inject PodSetStore podSets;

  @Test
  void tenantRoutes_putGetListDelete_roundTrip() {
    String t = unique("t");
    admin()
        .body(tenant(t, Map.of("maxPods", 5)))
        .put("/api/v1/tenants/" + t)
        .then()
        .statusCode(201)
        .body("metadata.uid", notNullValue())
        .body("metadata.generation", equalTo(1))
        .body("metadata.resourceVersion", equalTo("1"))
        .body("status.usage.pods", equalTo(0))
        .body("status.quota.maxPods", equalTo(5));
    admin()
        .get("/api/v1/tenants/" + t)
        .then()
        .statusCode(200)
        .body("spec.quota.maxPods", equalTo(5));
    admin()
        .get("/api/v1/tenants")
        .then()
        .statusCode(200)
        .body("kind", equalTo("TenantList"))
        .body("items.metadata.name", hasItem(t));
    admin().delete("/api/v1/tenants/" + t).then().statusCode(200);
    admin()
        .get("/api/v1/tenants/" + t)
        .then()
        .statusCode(404)
        .body("code", equalTo(404))
        .body("reason", equalTo("NotFound"));
  }

  @Test
  void ipPoolRoutes_putGetListDelete_roundTripWithDefaultsAndCounts() {
    String p = unique("p");
    admin()
        .body(pool(p))
        .put("/api/v1/ippools/" + p)
        .then()
        .statusCode(201)
        .body("spec.bridge", equalTo("vmbr0"))
        .body("spec.nameservers", equalTo(List.of("1.1.1.1", "8.8.8.8")))
        .body("status.size", equalTo(201))
        .body("status.reserved", equalTo(2))
        .body("status.free", equalTo(199));
    admin().get("/api/v1/ippools/" + p).then().statusCode(200);
    admin().get("/api/v1/ippools").then().statusCode(200).body("items.metadata.name", hasItem(p));
    admin().delete("/api/v1/ippools/" + p).then().statusCode(200);
    admin().get("/api/v1/ippools/" + p).then().statusCode(404);
  }

  @Test
  void ipPoolPut_rangeOutsideCidr_answers422() {
    String p = unique("p");
    Map<String, Object> bad = pool(p);
    bad.put(
        "spec",
        Map.of(
            "cidr",
            "10.1.10.0/24",
            "gateway",
            "10.1.10.1",
            "rangeStart",
            "10.1.10.50",
            "rangeEnd",
            "10.1.11.20"));
    admin()
        .body(bad)
        .put("/api/v1/ippools/" + p)
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("spec.rangeEnd"));
    admin().get("/api/v1/ippools/" + p).then().statusCode(404);
  }

  @Test
  void ipPoolUpdate_excludingAnAddressInUse_answers422() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "web", Map.of("ipPool", tp[1], "ip", "10.1.10.240")));
    Map<String, Object> shrunk = pool(tp[1]);
    shrunk.put(
        "spec",
        Map.of(
            "cidr",
            "10.1.10.0/24",
            "gateway",
            "10.1.10.1",
            "rangeStart",
            "10.1.10.50",
            "rangeEnd",
            "10.1.10.200"));
    admin()
        .body(shrunk)
        .put("/api/v1/ippools/" + tp[1])
        .then()
        .statusCode(422)
        .body("message", org.hamcrest.Matchers.containsString("10.1.10.240"));
    admin().get("/api/v1/ippools/" + tp[1]).then().body("spec.rangeEnd", equalTo("10.1.10.250"));
  }

  @Test
  void cloudPodRoutes_putGetListDelete_roundTrip() {
    String[] tp = tenantWithPool(null);
    String base = "/api/v1/tenants/" + tp[0] + "/cloudpods/";
    admin()
        .body(pod(tp[0], "web", Map.of("ipPool", tp[1])))
        .put(base + "web")
        .then()
        .statusCode(201)
        .body("spec.cores", equalTo(2));
    admin().get(base + "web").then().statusCode(200).body("metadata.tenant", equalTo(tp[0]));
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods")
        .then()
        .statusCode(200)
        .body("items.metadata.name", equalTo(List.of("web")));
    admin()
        .get("/api/v1/cloudpods")
        .then()
        .statusCode(200)
        .body("items.metadata.name", hasItem("web"));
    admin().get(base + "missing").then().statusCode(404);
  }

  @Test
  void put_bodyWithoutKindNameOrTenant_takesThemFromThePath() {
    String[] tp = tenantWithPool(null);
    admin()
        .body(Map.of("spec", Map.of("ipPool", tp[1], "cores", 3)))
        .put("/api/v1/tenants/" + tp[0] + "/cloudpods/bare")
        .then()
        .statusCode(201)
        .body("kind", equalTo("CloudPod"))
        .body("metadata.name", equalTo("bare"))
        .body("metadata.tenant", equalTo(tp[0]));
  }

  @Test
  void put_nameDifferentFromPath_answers422() {
    String[] tp = tenantWithPool(null);
    admin()
        .body(pod(tp[0], "other", Map.of("ipPool", tp[1])))
        .put("/api/v1/tenants/" + tp[0] + "/cloudpods/this")
        .then()
        .statusCode(422)
        .body("details[0].field", equalTo("metadata.name"));
    assertThat(pods(tp[0])).isZero();
  }

  @Test
  void put_malformedJson_answers400() {
    String[] tp = tenantWithPool(null);
    admin()
        .body("{\"spec\": ")
        .put("/api/v1/tenants/" + tp[0] + "/cloudpods/x")
        .then()
        .statusCode(400)
        .body("code", equalTo(400));
  }

  @Test
  void put_staleResourceVersion_answers409AndKeepsStoredSpec() {
    String[] tp = tenantWithPool(null);
    String url = "/api/v1/tenants/" + tp[0] + "/cloudpods/web";
    admin()
        .body(pod(tp[0], "web", Map.of("ipPool", tp[1], "cores", 1)))
        .put(url)
        .then()
        .statusCode(201);
    String rv = admin().get(url).then().extract().path("metadata.resourceVersion");
    admin()
        .body(withVersion(pod(tp[0], "web", Map.of("ipPool", tp[1], "cores", 2)), rv))
        .put(url)
        .then()
        .statusCode(200);
    // a second writer still holding the old version loses
    admin()
        .body(withVersion(pod(tp[0], "web", Map.of("ipPool", tp[1], "cores", 3)), rv))
        .put(url)
        .then()
        .statusCode(409)
        .body("reason", equalTo("Conflict"))
        .body("details[0].field", equalTo("metadata.resourceVersion"));
    admin().get(url).then().body("spec.cores", equalTo(2));
  }

  @Test
  void put_currentResourceVersion_succeeds() {
    String[] tp = tenantWithPool(null);
    String url = "/api/v1/tenants/" + tp[0] + "/cloudpods/web";
    admin().body(pod(tp[0], "web", Map.of("ipPool", tp[1]))).put(url).then().statusCode(201);
    String rv = admin().get(url).then().extract().path("metadata.resourceVersion");
    admin()
        .body(withVersion(pod(tp[0], "web", Map.of("ipPool", tp[1], "cores", 4)), rv))
        .put(url)
        .then()
        .statusCode(200)
        .body("metadata.generation", equalTo(2));
  }

  @Test
  void specChange_raisesGenerationAndVersion_statusWriteRaisesOnlyVersion() {
    String[] tp = tenantWithPool(null);
    String url = "/api/v1/tenants/" + tp[0] + "/cloudpods/web";
    admin().body(pod(tp[0], "web", Map.of("ipPool", tp[1]))).put(url).then().statusCode(201);
    long rv1 = Long.parseLong(admin().get(url).then().extract().path("metadata.resourceVersion"));
    admin()
        .body(pod(tp[0], "web", Map.of("ipPool", tp[1], "cores", 5)))
        .put(url)
        .then()
        .statusCode(200);
    long rv2 =
        Long.parseLong(
            admin()
                .get(url)
                .then()
                .body("metadata.generation", equalTo(2))
                .extract()
                .path("metadata.resourceVersion"));
    assertThat(rv2).isGreaterThan(rv1);

    CloudPodStatus status =
        new CloudPodStatus(
            "Running",
            9555,
            "pve",
            "10.1.10.55",
            2L,
            List.of(new Condition("Ready", "True", "Running", "", Instant.now(), 2L)),
            null,
            null,
            0,
            null);
    assertThat(pods.updateStatus(ResourceKey.of(tp[0], "web"), status)).isTrue();
    long rv3 =
        Long.parseLong(
            admin()
                .get(url)
                .then()
                .body("metadata.generation", equalTo(2))
                .body("spec.cores", equalTo(5))
                .body("status.phase", equalTo("Running"))
                .body("status.conditions[0].type", equalTo("Ready"))
                .extract()
                .path("metadata.resourceVersion"));
    assertThat(rv3).isGreaterThan(rv2);
    // a later spec write keeps the controller's status
    admin()
        .body(pod(tp[0], "web", Map.of("ipPool", tp[1], "cores", 6)))
        .put(url)
        .then()
        .statusCode(200)
        .body("status.phase", equalTo("Running"));
  }

  @Test
  void deleteCloudPod_marksDeletingUntilFinalized() {
    String[] tp = tenantWithPool(null);
    String url = "/api/v1/tenants/" + tp[0] + "/cloudpods/web";
    admin().body(pod(tp[0], "web", Map.of("ipPool", tp[1]))).put(url).then().statusCode(201);
    admin()
        .delete(url)
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue())
        .body("status.phase", equalTo("Deleting"));
    admin().get(url).then().statusCode(200).body("status.phase", equalTo("Deleting"));
    // writes to an object being deleted are refused
    admin()
        .body(pod(tp[0], "web", Map.of("ipPool", tp[1], "cores", 4)))
        .put(url)
        .then()
        .statusCode(409);
    assertThat(pods.finalizeDeletion(ResourceKey.of(tp[0], "web"))).isTrue();
    admin().get(url).then().statusCode(404);
  }

  @Test
  void finalizeDeletion_ofPodNotMarked_doesNothing() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "web", Map.of("ipPool", tp[1])));
    assertThat(pods.finalizeDeletion(ResourceKey.of(tp[0], "web"))).isFalse();
    assertThat(pods(tp[0])).isEqualTo(1);
  }

  @Test
  void deleteTenant_withPods_marksItAndItsPods_untilTheControllerRemovesThem() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "web", Map.of("ipPool", tp[1])));
    admin()
        .delete("/api/v1/tenants/" + tp[0])
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue())
        .body("status.phase", equalTo("Deleting"));
    admin().get("/api/v1/tenants/" + tp[0]).then().statusCode(200);
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods/web")
        .then()
        .body("metadata.deletionTimestamp", notNullValue())
        .body("status.phase", equalTo("Deleting"));
  }

  @Test
  void deleteIpPool_inUse_answers409() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "web", Map.of("ipPool", tp[1])));
    admin().delete("/api/v1/ippools/" + tp[1]).then().statusCode(409);
  }

  @Test
  void podSetRoutes_putGetListDelete_markTheSetAndItsPods() {
    String[] tp = tenantWithPool(null);
    String url = "/api/v1/tenants/" + tp[0] + "/podsets/workers";
    admin()
        .body(podSet(tp[0], "workers", 2, Map.of("ipPool", tp[1], "cores", 1)))
        .put(url)
        .then()
        .statusCode(201)
        .body("spec.template.spec.memoryMb", equalTo(2048));
    admin().get(url).then().statusCode(200).body("spec.replicas", equalTo(2));
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/podsets")
        .then()
        .statusCode(200)
        .body("items.metadata.name", equalTo(List.of("workers")));

    // the controller creates the owned pods
    var set = podSets.get(ResourceKey.of(tp[0], "workers")).orElseThrow();
    java.util.UUID uid = java.util.UUID.fromString(set.metadata().uid());
    for (int i = 0; i < 2; i++) {
      pods.upsertOwned(
          ResourceKey.of(tp[0], "workers"),
          uid,
          i,
          set.spec().template().spec(),
          Map.of("app", "worker"));
    }
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods/workers-1")
        .then()
        .statusCode(200)
        .body("metadata.ownerReference.kind", equalTo("PodSet"))
        .body("metadata.ownerReference.name", equalTo("workers"))
        .body("metadata.labels.app", equalTo("worker"));
    // users change owned pods through their PodSet only
    admin()
        .body(pod(tp[0], "workers-1", Map.of("ipPool", tp[1], "cores", 8)))
        .put("/api/v1/tenants/" + tp[0] + "/cloudpods/workers-1")
        .then()
        .statusCode(409);
    // owned pods are counted through the set, not twice
    admin()
        .get("/api/v1/tenants/" + tp[0])
        .then()
        .body("status.usage.pods", equalTo(2))
        .body("status.usage.cores", equalTo(2));

    admin().delete(url).then().statusCode(200).body("metadata.deletionTimestamp", notNullValue());
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods/workers-0")
        .then()
        .body("status.phase", equalTo("Deleting"));
    admin()
        .get("/api/v1/tenants/" + tp[0] + "/cloudpods/workers-1")
        .then()
        .body("metadata.deletionTimestamp", notNullValue());
  }

  @Test
  void unknownRoute_answersErrorBody() {
    admin()
        .get("/api/v1/nothing-here")
        .then()
        .statusCode(404)
        .body("code", equalTo(404))
        .body("details", notNullValue());
  }

  @Test
  void openApi_isServed() {
    admin()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body(org.hamcrest.Matchers.containsString("/api/v1/apply"))
        .body(org.hamcrest.Matchers.containsString("/internal/cloudpods/create"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withVersion(Map<String, Object> o, String rv) {
    Map<String, Object> meta = new HashMap<>((Map<String, Object>) o.get("metadata"));
    meta.put("resourceVersion", rv);
    o.put("metadata", meta);
    return o;
  }
}
