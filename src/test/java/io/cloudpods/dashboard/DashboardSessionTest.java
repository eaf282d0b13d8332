package io.cloudpods.dashboard;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.auth.SessionCookie;
import io.cloudpods.testsupport.PostgresResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's session over plain HTTP: signing in sets the cookie, the cookie opens the pages
 * and nothing of the JSON API, a tenant token's pages hold its tenant only, and a revoked token
 * ends the session at the next request. {@code DashboardBrowserTest} drives the same in Chromium.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class DashboardSessionTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  String a;
  String b;

  @BeforeEach
  void twoTenantsWithAPodEach() {
    String[] ta = tenantWithPool(null);
    String[] tb = tenantWithPool(null);
    a = ta[0];
    b = tb[0];
    applyAsAdmin(
        pod(a, "a-web", Map.of("ipPool", ta[1])), pod(b, "b-secret-db", Map.of("ipPool", tb[1])));
  }

  String origin() {
    return io.restassured.RestAssured.baseURI + ":" + port;
  }

  RequestSpecification browser() {
    return given().redirects().follow(false);
  }

  Response signIn(String token) {
    return browser().header("Origin", origin()).formParam("token", token).post("/signin");
  }

  String session(String token) {
    Response r = signIn(token);
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(303);
    return r.getCookie(SessionCookie.NAME);
  }

  static String token(Map<String, Object> body) {
    return admin().body(body).post("/api/v1/tokens").then().statusCode(201).extract().path("token");
  }

  @Test
  void signIn_validToken_setsStrictHttpOnlyCookieAndRedirectsToOverview() {
    Response r = signIn(TestApi.ADMIN);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.header("Location")).endsWith("/");
    String setCookie = r.header("Set-Cookie");
    assertThat(setCookie)
        .startsWith(SessionCookie.NAME + "=")
        .containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/")
        .doesNotContain("Secure"); // plain HTTP here; ServeTls-style TLS sets it
  }

  @Test
  void signIn_unknownToken_answers401WithMessageAndNoCookie() {
    Response r = signIn("not-a-token");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.asString()).contains(DashboardRoutes.BAD_TOKEN);
    assertThat(r.header("Set-Cookie")).isNull();
  }

  @Test
  void signIn_fromAnotherSite_isRefused() {
    Response r =
        browser()
            .header("Origin", "https://evil.example")
            .formParam("token", TestApi.ADMIN)
            .post("/signin");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.header("Set-Cookie")).isNull();
  }

  @Test
  void pages_withoutSession_redirectToSignIn() {
    for (String path : List.of("/", "/tenants", "/pods", "/podsets", "/pods/" + a + "/a-web")) {
      Response r = browser().get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(303);
      assertThat(r.header("Location")).as(path).isEqualTo("/signin");
    }
    Response fragment = browser().header("HX-Request", "true").get("/pods");
    assertThat(fragment.statusCode()).isEqualTo(401);
    assertThat(fragment.header("HX-Redirect")).isEqualTo("/signin");
  }

  @Test
  void cookie_opensPages_butNeverTheJsonApi() {
    String cookie = session(TestApi.ADMIN);
    Response page = browser().cookie(SessionCookie.NAME, cookie).get("/pods?tenant=" + a);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(page.asString()).contains("a-web").contains("bootstrap-admin").contains("admin");

    // reads and writes of the JSON API ignore the cookie: no cross-site request can use it
    browser().cookie(SessionCookie.NAME, cookie).get("/api/v1/cloudpods").then().statusCode(401);
    browser()
        .cookie(SessionCookie.NAME, cookie)
        .header("Origin", origin())
        .contentType("application/json")
        .body(List.of(pod(a, unique("csrf"), Map.of())))
        .post("/api/v1/apply")
        .then()
        .statusCode(401);
    browser()
        .cookie(SessionCookie.NAME, cookie)
        .delete("/api/v1/tenants/" + a + "/cloudpods/a-web")
        .then()
        .statusCode(401);
    admin().get("/api/v1/tenants/" + a + "/cloudpods/a-web").then().statusCode(200);
  }

  @Test
  void fragmentRequest_answersOnlyTheLivePart() {
    String cookie = session(TestApi.ADMIN);
    String html =
        browser()
            .cookie(SessionCookie.NAME, cookie)
            .header("HX-Request", "true")
            .get("/pods?tenant=" + a)
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(html).contains("a-web").doesNotContain("<html").doesNotContain("pod-filter");
  }

  @Test
  void tenantSession_seesOnlyItsTenant_andAnotherTenantsPodIs404() {
    String tenantToken = token(Map.of("name", unique("dash"), "role", "tenant", "tenant", a));
    String cookie = session(tenantToken);
    for (String path :
        List.of("/", "/tenants", "/pods", "/pods?tenant=" + b, "/podsets", "/pods?q=secret")) {
      String html = browser().cookie(SessionCookie.NAME, cookie).get(path).asString();
      assertThat(html).as(path).doesNotContain(b).doesNotContain("b-secret-db");
    }
    assertThat(browser().cookie(SessionCookie.NAME, cookie).get("/pods").asString())
        .contains("a-web")
        .contains("tenant " + a);
    Response foreign =
        browser().cookie(SessionCookie.NAME, cookie).get("/pods/" + b + "/b-secret-db");
    assertThat(foreign.statusCode()).isEqualTo(404);
    Response missing =
        browser().cookie(SessionCookie.NAME, cookie).get("/pods/" + a + "/no-such-pod");
    assertThat(missing.statusCode()).isEqualTo(404);
    browser()
        .cookie(SessionCookie.NAME, cookie)
        .get("/pods/" + a + "/a-web")
        .then()
        .statusCode(200);
  }

  @Test
  void revokedToken_endsSessionAtNextRequest_andClearsCookie() {
    String name = unique("dash");
    String t = token(Map.of("name", name, "role", "readonly"));
    String cookie = session(t);
    browser().cookie(SessionCookie.NAME, cookie).get("/").then().statusCode(200);
    admin().delete("/api/v1/tokens/" + name).then().statusCode(200);
    Response r = browser().cookie(SessionCookie.NAME, cookie).get("/");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.header("Location")).isEqualTo("/signin?ended=1");
    assertThat(r.header("Set-Cookie")).startsWith(SessionCookie.NAME + "=").contains("Max-Age=0");
  }

  @Test
  void expiredToken_cannotSignIn_andTheMessageSaysSo() {
    String name = unique("dash");
    String t =
        token(
            Map.of(
                "name",
                name,
                "role",
                "readonly",
                "expiresAt",
                Instant.now().plusSeconds(2).toString()));
    session(t);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> signIn(t).statusCode() == 401);
    assertThat(signIn(t).asString()).contains("expired");
  }

  @Test
  void signOut_clearsCookie() {
    Response r =
        browser()
            .cookie(SessionCookie.NAME, session(TestApi.ADMIN))
            .header("Origin", origin())
            .post("/signout");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.header("Location")).isEqualTo("/signin?out=1");
    assertThat(r.header("Set-Cookie")).contains("Max-Age=0");
  }
}
