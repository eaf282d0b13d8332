package io.cloudpods.auth;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.as;
import static io.cloudpods.testsupport.TestApi.count;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.podSet;
import static io.cloudpods.testsupport.TestApi.pods;
import static io.cloudpods.testsupport.TestApi.pool;
import static io.cloudpods.testsupport.TestApi.tenant;
import static io.cloudpods.testsupport.TestApi.tenantToken;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.unique;
import static io.cloudpods.testsupport.TestApi.uniqueVmid;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens and roles. Each route is called with a token of tenant "mine" against objects of
 * tenant "theirs": reads are refused (or filtered), writes are refused and change nothing.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AuthorizationTest {

  @Inject TokenStore tokens;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  String mine;
  String minePool;
  String theirs;
  String theirsPool;
  String myToken;
  int theirVmid;

  @BeforeEach
  void twoTenants() {
    String[] a = tenantWithPool(null);
    String[] b = tenantWithPool(null);
    mine = a[0];
    minePool = a[1];
    theirs = b[0];
    theirsPool = b[1];
    theirVmid = uniqueVmid();
    applyAsAdmin(
        pod(theirs, "secret", Map.of("ipPool", theirsPool, "vmid", theirVmid)),
        podSet(theirs, "set", 1, Map.of("ipPool", theirsPool)),
        pod(mine, "own", Map.of("ipPool", minePool)));
    myToken = tenantToken(tokens, mine);
  }

  @Test
  void noToken_answers401WithErrorBody() {
    given()
        .get("/api/v1/tenants")
        .then()
        .statusCode(401)
        .body("code", equalTo(401))
        .body("reason", equalTo("Unauthorized"));
    given().body("{}").post("/internal/cloudpods/create").then().statusCode(401);
  }

  @Test
  void unknownToken_answers401() {
    as("not-a-token").get("/api/v1/cloudpods").then().statusCode(401);
  }

  @Test
  void health_needsNoToken_openApiNeedsOne() {
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/openapi").then().statusCode(401);
    as(myToken).get("/q/openapi").then().statusCode(200);
  }

  @Test
  void tokens_areStoredOnlyAsSha256() {
    assertThat(count("SELECT count(*) FROM api_token WHERE token_hash = ?", myToken)).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM api_token WHERE token_hash = ?", TokenStore.sha256(myToken)))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM api_token WHERE token_hash = ?",
                TokenStore.sha256("test-admin-token")))
        .isEqualTo(1);
  }

  @Test
  void tenantToken_readsAndWritesItsOwnTenant() {
    as(myToken).get("/api/v1/tenants/" + mine).then().statusCode(200);
    as(myToken).get("/api/v1/tenants/" + mine + "/cloudpods/own").then().statusCode(200);
    as(myToken)
        .body(pod(mine, "new", Map.of("ipPool", minePool)))
        .put("/api/v1/tenants/" + mine + "/cloudpods/new")
        .then()
        .statusCode(201);
    as(myToken)
        .body(List.of(pod(mine, "applied", Map.of("ipPool", minePool))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    as(myToken).delete("/api/v1/tenants/" + mine + "/cloudpods/new").then().statusCode(200);
  }

  @Test
  void tenantToken_tenantRoutes_onlyItsOwnTenant() {
    as(myToken)
        .get("/api/v1/tenants")
        .then()
        .statusCode(200)
        .body("items.metadata.name", everyItem(equalTo(mine)));
    as(myToken)
        .get("/api/v1/tenants/" + theirs)
        .then()
        .statusCode(403)
        .body("reason", equalTo("Forbidden"));
    as(myToken)
        .body(tenant(theirs, Map.of("maxPods", 0)))
        .put("/api/v1/tenants/" + theirs)
        .then()
        .statusCode(403);
    // a tenant cannot raise its own quota either
    as(myToken)
        .body(tenant(mine, Map.of("maxPods", 1000)))
        .put("/api/v1/tenants/" + mine)
        .then()
        .statusCode(403);
    as(myToken).delete("/api/v1/tenants/" + theirs).then().statusCode(403);
    admin()
        .get("/api/v1/tenants/" + theirs)
        .then()
        .statusCode(200)
        .body("spec.quota", equalTo(null));
  }

  @Test
  void tenantToken_ipPoolRoutes_readOnly() {
    as(myToken).get("/api/v1/ippools").then().statusCode(200);
    as(myToken).get("/api/v1/ippools/" + theirsPool).then().statusCode(200);
    as(myToken).body(pool(theirsPool)).put("/api/v1/ippools/" + theirsPool).then().statusCode(403);
    as(myToken).delete("/api/v1/ippools/" + theirsPool).then().statusCode(403);
    admin().get("/api/v1/ippools/" + theirsPool).then().statusCode(200);
  }

  @Test
  void tenantToken_cloudPodRoutes_cannotReadOrChangeAnotherTenant() {
    String url = "/api/v1/tenants/" + theirs + "/cloudpods/secret";
    as(myToken).get(url).then().statusCode(403);
    as(myToken).get("/api/v1/tenants/" + theirs + "/cloudpods").then().statusCode(403);
    as(myToken)
        .get("/api/v1/cloudpods")
        .then()
        .statusCode(200)
        .body("items.metadata.tenant", everyItem(equalTo(mine)))
        .body("items.metadata.name", not(hasItem("secret")));
    as(myToken)
        .body(pod(theirs, "secret", Map.of("ipPool", theirsPool, "cores", 8)))
        .put(url)
        .then()
        .statusCode(403);
    as(myToken)
        .body(pod(theirs, "planted", Map.of("ipPool", theirsPool)))
        .put("/api/v1/tenants/" + theirs + "/cloudpods/planted")
        .then()
        .statusCode(403);
    as(myToken).delete(url).then().statusCode(403);
    admin()
        .get(url)
        .then()
        .statusCode(200)
        .body("spec.cores", equalTo(2))
        .body("metadata.deletionTimestamp", equalTo(null));
    assertThat(pods(theirs)).isEqualTo(1);
  }

  @Test
  void tenantToken_podSetRoutes_cannotReadOrChangeAnotherTenant() {
    String url = "/api/v1/tenants/" + theirs + "/podsets/set";
    as(myToken).get(url).then().statusCode(403);
    as(myToken).get("/api/v1/tenants/" + theirs + "/podsets").then().statusCode(403);
    as(myToken)
        .body(podSet(theirs, "set", 5, Map.of("ipPool", theirsPool)))
        .put(url)
        .then()
        .statusCode(403);
    as(myToken).delete(url).then().statusCode(403);
    admin()
        .get(url)
        .then()
        .statusCode(200)
        .body("spec.replicas", equalTo(1))
        .body("metadata.deletionTimestamp", equalTo(null));
  }

  @Test
  void tenantToken_apply_objectOfAnotherTenantRefusesWholeBatch() {
    as(myToken)
        .body(
            List.of(
                pod(mine, "fine", Map.of("ipPool", minePool)),
                pod(theirs, "planted", Map.of("ipPool", theirsPool))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403);
    assertThat(pods(theirs)).isEqualTo(1);
    admin().get("/api/v1/tenants/" + mine + "/cloudpods/fine").then().statusCode(404);
    as(myToken)
        .body(List.of(tenant(unique("t"), null)))
        .post("/api/v1/apply")
        .then()
        .statusCode(403);
  }

  @Test
  void tenantToken_status_showsOnlyItsOwnTenant() {
    as(myToken)
        .get("/api/v1/status")
        .then()
        .statusCode(200)
        .body("byTenant.keySet()", equalTo(java.util.Set.of(mine)))
        .body("notConverged.tenant", everyItem(equalTo(mine)));
  }

  @Test
  void tenantToken_events_onlyItsOwnTenant() throws Exception {
    as(myToken)
        .get("/api/v1/events?since=0&limit=1000")
        .then()
        .statusCode(200)
        .body("tenant", everyItem(equalTo(mine)));
    as(myToken).get("/api/v1/events?tenant=" + theirs).then().statusCode(403);
    HttpResponse<String> watch =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://localhost:"
                                + port
                                + "/api/v1/events?watch=true&tenant="
                                + theirs))
                    .header("Authorization", "Bearer " + myToken)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(watch.statusCode()).isEqualTo(403);
  }

  @Test
  void tenantToken_seedRoutes_cannotCreateOrDestroyInAnotherTenant() {
    as(myToken)
        .body(
            Map.of(
                "tenantId",
                theirs.toUpperCase(),
                "vmid",
                uniqueVmid(),
                "hostname",
                "planted",
                "ip",
                "10.1.10.99"))
        .post("/internal/cloudpods/create")
        .then()
        .statusCode(403);
    as(myToken)
        .body(Map.of("tenantId", theirs, "vmid", theirVmid))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(403);
    // and cannot reach it through its own tenant id either
    as(myToken)
        .body(Map.of("tenantId", mine, "vmid", theirVmid))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(404);
    admin()
        .get("/api/v1/tenants/" + theirs + "/cloudpods/secret")
        .then()
        .body("metadata.deletionTimestamp", equalTo(null));
    assertThat(pods(theirs)).isEqualTo(1);
  }

  @Test
  void readOnlyToken_readsEverythingWritesNothing() {
    String ro = tokens.create(unique("dash"), Role.readonly, null);
    as(ro).get("/api/v1/tenants/" + theirs + "/cloudpods/secret").then().statusCode(200);
    as(ro)
        .get("/api/v1/cloudpods")
        .then()
        .statusCode(200)
        .body("items.metadata.tenant", hasItem(theirs));
    as(ro).get("/api/v1/status").then().statusCode(200);
    as(ro)
        .body(pod(theirs, "x", Map.of("ipPool", theirsPool)))
        .put("/api/v1/tenants/" + theirs + "/cloudpods/x")
        .then()
        .statusCode(403);
    as(ro)
        .body(List.of(pod(theirs, "x", Map.of("ipPool", theirsPool))))
        .post("/api/v1/apply")
        .then()
        .statusCode(403);
    as(ro).delete("/api/v1/tenants/" + theirs + "/cloudpods/secret").then().statusCode(403);
    as(ro)
        .body(Map.of("tenantId", theirs, "vmid", theirVmid))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(403);
    assertThat(pods(theirs)).isEqualTo(1);
  }
}
