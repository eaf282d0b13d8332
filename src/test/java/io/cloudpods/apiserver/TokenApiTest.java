package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.as;
import static io.cloudpods.testsupport.TestApi.count;
import static io.cloudpods.testsupport.TestApi.jdbc;
import static io.cloudpods.testsupport.TestApi.tenant;
import static io.cloudpods.testsupport.TestApi.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.cloudpods.auth.AuthConfig;
import io.cloudpods.auth.TokenStore;
import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/tokens}: tokens made, listed and revoked through the API. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class TokenApiTest {

  @Inject TokenStore tokens;
  @Inject AuthConfig authConfig;

  static Map<String, Object> body(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Creates a token through the API and returns its secret. */
  static String create(Object... kv) {
    return admin()
        .body(body(kv))
        .post("/api/v1/tokens")
        .then()
        .statusCode(201)
        .extract()
        .path("token");
  }

  static void sql(String statement, Object... params) throws Exception {
    try (Connection c = jdbc();
        PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  static String newTenant() {
    String t = unique("t");
    applyAsAdmin(tenant(t, null));
    return t;
  }

  @Test
  void create_answersTheSecretOnce_andTheTokenWorks() {
    String t = newTenant();
    String name = unique("tok");
    Response r =
        admin()
            .body(body("name", name, "role", "tenant", "tenant", t))
            .post("/api/v1/tokens")
            .then()
            .statusCode(201)
            .header("Location", containsString("/api/v1/tokens/" + name))
            .body("name", equalTo(name))
            .body("role", equalTo("tenant"))
            .body("tenant", equalTo(t))
            .body("createdBy", equalTo(authConfig.bootstrapTokenName()))
            .body("token", startsWith("cp_"))
            .extract()
            .response();
    String secret = r.path("token");

    as(secret).get("/api/v1/tenants/" + t).then().statusCode(200);
    assertThat(count("SELECT count(*) FROM api_token WHERE token_hash = ?", secret)).isZero();
    String one = admin().get("/api/v1/tokens/" + name).then().statusCode(200).extract().asString();
    String all = admin().get("/api/v1/tokens").then().statusCode(200).extract().asString();
    for (String answer : new String[] {one, all}) {
      assertThat(answer)
          .contains(name)
          .doesNotContain(secret)
          .doesNotContain(TokenStore.sha256(secret))
          .doesNotContain("\"token\"")
          .doesNotContain("hash");
    }
    admin()
        .get("/api/v1/tokens")
        .then()
        .body("kind", equalTo("TokenList"))
        .body("items.name", hasItem(name));
  }

  @Test
  void create_acceptsReadDashOnly_andStoresReadonly() {
    String name = unique("ro");
    String secret = create("name", name, "role", "read-only");
    admin().get("/api/v1/tokens/" + name).then().body("role", equalTo("readonly"));
    as(secret).get("/api/v1/tenants").then().statusCode(200);
    as(secret)
        .body(tenant(unique("t"), null))
        .put("/api/v1/tenants/" + unique("t"))
        .then()
        .statusCode(403);
  }

  private void refused(int status, String field, Map<String, Object> body) {
    Object name = body.get("name");
    admin()
        .body(body)
        .post("/api/v1/tokens")
        .then()
        .statusCode(status)
        .body("details.field", hasItem(field));
    if (name instanceof String n) {
      admin().get("/api/v1/tokens/" + n).then().statusCode(404);
    }
  }

  @Test
  void create_badFields_areRefusedNamingTheField_andNothingIsStored() {
    String t = newTenant();
    refused(422, "name", body("name", "Not_A_Label", "role", "admin"));
    refused(422, "name", body("role", "admin"));
    refused(422, "role", body("name", unique("x"), "role", "boss"));
    refused(422, "role", body("name", unique("x")));
    refused(422, "tenant", body("name", unique("x"), "role", "tenant"));
    refused(422, "tenant", body("name", unique("x"), "role", "admin", "tenant", t));
    refused(422, "tenant", body("name", unique("x"), "role", "tenant", "tenant", unique("none")));
    refused(422, "expiresAt", body("name", unique("x"), "role", "admin", "expiresAt", "tomorrow"));
    refused(
        422,
        "expiresAt",
        body("name", unique("x"), "role", "admin", "expiresAt", "2001-01-01T00:00:00Z"));
    refused(422, "secret", body("name", unique("x"), "role", "admin", "secret", "mine"));
    admin()
        .body("not json")
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .body("details[0].field", equalTo("body"));
  }

  @Test
  void create_duplicateName_answers409_andKeepsTheFirst() {
    String name = unique("dup");
    String first = create("name", name, "role", "readonly");
    admin()
        .body(body("name", name, "role", "admin"))
        .post("/api/v1/tokens")
        .then()
        .statusCode(409)
        .body("details[0].field", equalTo("name"));
    admin().get("/api/v1/tokens/" + name).then().body("role", equalTo("readonly"));
    as(first).get("/api/v1/tenants").then().statusCode(200);
  }

  @Test
  void nonAdminTokens_cannotManageTokens() {
    String t = newTenant();
    String tenantToken = create("name", unique("tt"), "role", "tenant", "tenant", t);
    String readonly = create("name", unique("ro"), "role", "readonly");
    for (String token : new String[] {tenantToken, readonly}) {
      as(token)
          .body(body("name", unique("x"), "role", "admin"))
          .post("/api/v1/tokens")
          .then()
          .statusCode(403)
          .body("reason", equalTo("Forbidden"));
      as(token).get("/api/v1/tokens").then().statusCode(403);
      as(token).get("/api/v1/tokens/" + authConfig.bootstrapTokenName()).then().statusCode(403);
      as(token).delete("/api/v1/tokens/" + authConfig.bootstrapTokenName()).then().statusCode(403);
    }
  }

  @Test
  void delete_revokesAtOnce() {
    String name = unique("gone");
    String secret = create("name", name, "role", "admin");
    as(secret).get("/api/v1/tenants").then().statusCode(200); // cached now

    admin().delete("/api/v1/tokens/" + name).then().statusCode(200).body("name", equalTo(name));

    as(secret).get("/api/v1/tenants").then().statusCode(401);
    admin().get("/api/v1/tokens/" + name).then().statusCode(404);
    admin().delete("/api/v1/tokens/" + name).then().statusCode(404);
  }

  @Test
  void revocationBySql_takesEffectWithinTheCacheTtl() throws Exception {
    String name = unique("sql");
    String secret = create("name", name, "role", "readonly");
    as(secret).get("/api/v1/tenants").then().statusCode(200);

    sql("DELETE FROM api_token WHERE name = ?", name);

    await()
        .atMost(authConfig.cacheTtl().plusSeconds(3))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> as(secret).get("/api/v1/tenants").statusCode() == 401);
  }

  @Test
  void expiredToken_answers401SayingExpired() {
    String name = unique("exp");
    String secret =
        create(
            "name", name, "role", "readonly", "expiresAt", Instant.now().plusSeconds(2).toString());
    as(secret).get("/api/v1/tenants").then().statusCode(200);

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> as(secret).get("/api/v1/tenants").statusCode() == 401);
    as(secret)
        .get("/api/v1/tenants")
        .then()
        .statusCode(401)
        .body("message", containsString("expired"))
        .body("message", containsString(name));
  }

  @Test
  void tenantToken_diesWithItsTenant_andARecreatedNameDoesNotReviveIt() throws Exception {
    String t = newTenant();
    String name = unique("bound");
    String secret = create("name", name, "role", "tenant", "tenant", t);

    sql("DELETE FROM tenant WHERE name = ?", t);
    assertThat(count("SELECT count(*) FROM api_token WHERE name = ?", name)).isZero();
    applyAsAdmin(tenant(t, null));

    as(secret).get("/api/v1/tenants/" + t).then().statusCode(401);
  }

  @Test
  void tenantToken_authenticatesForTheTenantOfItsUid_notOfTheNameItsRowShows() throws Exception {
    String bound = newTenant();
    String other = newTenant();
    String name = unique("uid");
    String secret = create("name", name, "role", "tenant", "tenant", bound);
    sql("UPDATE api_token SET tenant = ? WHERE name = ?", other, name);

    as(secret).get("/api/v1/tenants/" + bound).then().statusCode(200);
    as(secret).get("/api/v1/tenants/" + other).then().statusCode(403);
  }

  @Test
  void lastUsedAt_isWrittenOnFirstUse_notOnEveryRequest() {
    String name = unique("used");
    String secret = create("name", name, "role", "readonly");
    admin().get("/api/v1/tokens/" + name).then().body("lastUsedAt", nullValue());

    as(secret).get("/api/v1/tenants").then().statusCode(200);
    String first = admin().get("/api/v1/tokens/" + name).then().extract().path("lastUsedAt");
    assertThat(first).isNotNull();
    for (int i = 0; i < 3; i++) {
      as(secret).get("/api/v1/tenants").then().statusCode(200);
    }
    String later = admin().get("/api/v1/tokens/" + name).then().extract().path("lastUsedAt");
    assertThat(later).isEqualTo(first);
  }

  @Test
  void bootstrapToken_isNotStoredWhileAnAdminTokenExists() {
    // the test profile's bootstrap token is an admin token, so a different one is not stored
    assertThat(io.cloudpods.auth.AuthBootstrapAccess.store(authConfig, tokens, "another-bootstrap"))
        .isFalse();
    assertThat(tokens.lookup("another-bootstrap")).isEmpty();
    // the one already stored is kept as is (a restart of the embedded mode)
    assertThat(io.cloudpods.auth.AuthBootstrapAccess.store(authConfig, tokens, "test-admin-token"))
        .isFalse();
    assertThat(tokens.lookup("test-admin-token")).isPresent();
  }

  @Test
  void quarkusEndpoints_onlyHealthIsOpen() {
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/health").then().statusCode(200);
    given()
        .get("/q/openapi")
        .then()
        .statusCode(401)
        .body("reason", equalTo("Unauthorized"))
        .header("WWW-Authenticate", startsWith("Bearer"));
    given().get("/q/healthx").then().statusCode(401);
    given().get("/q/health/../openapi").then().statusCode(401);
    as("not-a-token").get("/q/openapi").then().statusCode(401);
    String readonly = create("name", unique("doc"), "role", "readonly");
    as(readonly).get("/q/openapi").then().statusCode(200);
  }
}
