package io.cloudpods.auth;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.as;
import static io.cloudpods.testsupport.TestApi.object;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.podSet;
import static io.cloudpods.testsupport.TestApi.tenant;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.unique;
import static io.cloudpods.testsupport.TestApi.uniqueVmid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant A's token against tenant B's objects on every route the server has (found by reflection
 * over the JAX-RS {@code @Path} classes, so a new route fails this test until it is covered), with
 * tokens made through {@code POST /api/v1/tokens}. A foreign tenant's path answers 403 whether or
 * not the object exists (the decision is made on the path's tenant, before any lookup); no answer
 * to A carries a name or uid of B. A read-only token cannot write anything.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class CrossTenantIsolationTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  String a;
  String aPool;
  String b;
  String bPool;
  String aToken;
  String readonlyToken;
  int bVmid;
  List<String> bSecrets;

  static String token(Map<String, Object> body) {
    return admin().body(body).post("/api/v1/tokens").then().statusCode(201).extract().path("token");
  }

  @BeforeEach
  void twoTenants() {
    String[] ta = tenantWithPool(null);
    String[] tb = tenantWithPool(null);
    a = ta[0];
    aPool = ta[1];
    b = tb[0];
    bPool = tb[1];
    bVmid = uniqueVmid();
    applyAsAdmin(
        pod(a, "a-pod", Map.of("ipPool", aPool)),
        pod(b, "b-secret-pod", Map.of("ipPool", bPool, "vmid", bVmid)),
        podSet(b, "b-secret-set", 1, Map.of("ipPool", bPool)));
    applyAsAdmin(
        object(
            "Backup",
            Map.of("name", "b-secret-backup", "tenant", b),
            Map.of("pod", "b-secret-pod")),
        object(
            "BackupPolicy",
            Map.of("name", "b-secret-policy", "tenant", b),
            Map.of("schedule", "0 2 * * *")));
    aToken = token(Map.of("name", unique("a"), "role", "tenant", "tenant", a));
    readonlyToken = token(Map.of("name", unique("ro"), "role", "readonly"));
    bSecrets =
        new ArrayList<>(
            List.of(b, "b-secret-pod", "b-secret-set", "b-secret-backup", "b-secret-policy"));
    for (String path :
        List.of(
            "/api/v1/tenants/" + b,
            "/api/v1/tenants/" + b + "/cloudpods/b-secret-pod",
            "/api/v1/tenants/" + b + "/podsets/b-secret-set",
            "/api/v1/tenants/" + b + "/backups/b-secret-backup",
            "/api/v1/tenants/" + b + "/backuppolicies/b-secret-policy")) {
      bSecrets.add(admin().get(path).then().statusCode(200).extract().path("metadata.uid"));
    }
  }

  /** Every JAX-RS route as "METHOD /template", found in the compiled classes. */
  static TreeSet<String> routes() throws Exception {
    java.nio.file.Path root =
        java.nio.file.Path.of(
            io.cloudpods.apiserver.TokenResource.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    TreeSet<String> out = new TreeSet<>();
    List<java.nio.file.Path> files;
    try (Stream<java.nio.file.Path> walk = Files.walk(root.resolve("io/cloudpods"))) {
      files = walk.filter(p -> p.toString().endsWith(".class")).toList();
    }
    for (java.nio.file.Path f : files) {
      String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
      Class<?> c;
      try {
        c = Class.forName(name, false, CrossTenantIsolationTest.class.getClassLoader());
      } catch (Throwable e) {
        continue;
      }
      Path base = c.getAnnotation(Path.class);
      if (base == null
          || c.isInterface()
          || java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
        continue;
      }
      for (Method m : c.getMethods()) {
        if (m.isBridge() || m.isSynthetic()) {
          continue;
        }
        String verb =
            m.isAnnotationPresent(GET.class)
                ? "GET"
                : m.isAnnotationPresent(PUT.class)
                    ? "PUT"
                    : m.isAnnotationPresent(POST.class)
                        ? "POST"
                        : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
        if (verb == null) {
          continue;
        }
        Path sub = m.getAnnotation(Path.class);
        String p =
            base.value()
                + (sub == null ? "" : (sub.value().startsWith("/") ? "" : "/") + sub.value());
        out.add(verb + " " + p);
      }
    }
    return out;
  }

  /** The calls tenant A's token makes on each route, and the statuses that are no leak. */
  record Probe(String method, String path, Object body, List<Integer> allowed) {}

  List<Probe> probes(String route) {
    String bPod = "b-secret-pod";
    Object bPodBody = pod(b, bPod, Map.of("ipPool", bPool, "cores", 4));
    Object bSetBody = podSet(b, "b-secret-set", 3, Map.of("ipPool", bPool));
    List<Integer> forbidden = List.of(403);
    List<Integer> notThere = List.of(404);
    return switch (route) {
      case "GET /api/v1/cloudpods",
          "GET /api/v1/tenants",
          "GET /api/v1/status",
          "GET /api/v1/orphans",
          "GET /api/v1/events",
          "GET /api/v1/ippools" ->
          List.of(new Probe("GET", route.substring(4), null, List.of(200)));
      case "GET /api/v1/tenants/{name}", "DELETE /api/v1/tenants/{name}" ->
          List.of(
              new Probe(route.split(" ")[0], "/api/v1/tenants/" + b, null, forbidden),
              new Probe(route.split(" ")[0], "/api/v1/tenants/" + unique("none"), null, forbidden));
      case "PUT /api/v1/tenants/{name}" ->
          List.of(
              new Probe("PUT", "/api/v1/tenants/" + b, tenant(b, Map.of("maxPods", 0)), forbidden));
      case "GET /api/v1/proxmoxclusters" ->
          // listed, but a tenant token sees no cluster
          List.of(new Probe("GET", "/api/v1/proxmoxclusters", null, List.of(200)));
      case "GET /api/v1/proxmoxclusters/{name}", "DELETE /api/v1/proxmoxclusters/{name}" ->
          List.of(
              new Probe(route.split(" ")[0], "/api/v1/proxmoxclusters/default", null, forbidden));
      case "PUT /api/v1/proxmoxclusters/{name}" ->
          List.of(
              new Probe(
                  "PUT",
                  "/api/v1/proxmoxclusters/west",
                  Map.of(
                      "spec",
                      Map.of(
                          "region", "west",
                          "url", "https://127.0.0.1:1/api2/json",
                          "tokenId", "a@pve!b",
                          "tokenSecretEnv", "X")),
                  forbidden));
      case "GET /api/v1/ippools/{name}" ->
          // IP pools are shared infrastructure, readable by every tenant (counts only)
          List.of(new Probe("GET", "/api/v1/ippools/" + bPool, null, List.of(200)));
      case "PUT /api/v1/ippools/{name}" ->
          List.of(
              new Probe(
                  "PUT",
                  "/api/v1/ippools/" + bPool,
                  io.cloudpods.testsupport.TestApi.pool(bPool),
                  forbidden));
      case "DELETE /api/v1/ippools/{name}" ->
          List.of(new Probe("DELETE", "/api/v1/ippools/" + bPool, null, forbidden));
      case "GET /api/v1/tenants/{tenant}/cloudpods", "GET /api/v1/tenants/{tenant}/podsets" ->
          List.of(
              new Probe("GET", route.substring(4).replace("{tenant}", b), null, forbidden),
              new Probe("GET", route.substring(4).replace("{tenant}", a), null, List.of(200)));
      case "GET /api/v1/tenants/{tenant}/cloudpods/{name}",
          "DELETE /api/v1/tenants/{tenant}/cloudpods/{name}" ->
          List.of(
              new Probe(
                  route.split(" ")[0],
                  "/api/v1/tenants/" + b + "/cloudpods/" + bPod,
                  null,
                  forbidden),
              new Probe(
                  route.split(" ")[0],
                  "/api/v1/tenants/" + a + "/cloudpods/" + bPod,
                  null,
                  notThere));
      case "GET /api/v1/tenants/{tenant}/podsets/{name}",
          "DELETE /api/v1/tenants/{tenant}/podsets/{name}" ->
          List.of(
              new Probe(
                  route.split(" ")[0],
                  "/api/v1/tenants/" + b + "/podsets/b-secret-set",
                  null,
                  forbidden),
              new Probe(
                  route.split(" ")[0],
                  "/api/v1/tenants/" + a + "/podsets/b-secret-set",
                  null,
                  notThere));
      case "PUT /api/v1/tenants/{tenant}/cloudpods/{name}" ->
          List.of(
              new Probe("PUT", "/api/v1/tenants/" + b + "/cloudpods/" + bPod, bPodBody, forbidden));
      case "PUT /api/v1/tenants/{tenant}/podsets/{name}" ->
          List.of(
              new Probe(
                  "PUT", "/api/v1/tenants/" + b + "/podsets/b-secret-set", bSetBody, forbidden));
      case "GET /api/v1/tenants/{tenant}/backups",
          "GET /api/v1/tenants/{tenant}/backuppolicies",
          "GET /api/v1/tenants/{tenant}/restores" ->
          List.of(
              new Probe("GET", route.substring(4).replace("{tenant}", b), null, forbidden),
              new Probe("GET", route.substring(4).replace("{tenant}", a), null, List.of(200)));
      case "GET /api/v1/tenants/{tenant}/backups/{name}",
          "DELETE /api/v1/tenants/{tenant}/backups/{name}",
          "GET /api/v1/tenants/{tenant}/backuppolicies/{name}",
          "DELETE /api/v1/tenants/{tenant}/backuppolicies/{name}",
          "GET /api/v1/tenants/{tenant}/restores/{name}",
          "DELETE /api/v1/tenants/{tenant}/restores/{name}" -> {
        String verb = route.split(" ")[0];
        String collection = route.split("/")[5];
        String name =
            switch (collection) {
              case "backups" -> "b-secret-backup";
              case "backuppolicies" -> "b-secret-policy";
              default -> "b-secret-restore"; // none exists: the path's tenant decides first
            };
        yield List.of(
            new Probe(
                verb, "/api/v1/tenants/" + b + "/" + collection + "/" + name, null, forbidden),
            new Probe(
                verb, "/api/v1/tenants/" + a + "/" + collection + "/" + name, null, notThere));
      }
      case "PUT /api/v1/tenants/{tenant}/backups/{name}" ->
          List.of(
              new Probe(
                  "PUT",
                  "/api/v1/tenants/" + b + "/backups/b-secret-backup",
                  object(
                      "Backup",
                      Map.of("name", "b-secret-backup", "tenant", b),
                      Map.of("pod", "b-secret-pod", "protected", true)),
                  forbidden));
      case "PUT /api/v1/tenants/{tenant}/backuppolicies/{name}" ->
          List.of(
              new Probe(
                  "PUT",
                  "/api/v1/tenants/" + b + "/backuppolicies/b-secret-policy",
                  object(
                      "BackupPolicy",
                      Map.of("name", "b-secret-policy", "tenant", b),
                      Map.of("schedule", "* * * * *", "suspend", true)),
                  forbidden));
      case "PUT /api/v1/tenants/{tenant}/restores/{name}" ->
          List.of(
              new Probe(
                  "PUT",
                  "/api/v1/tenants/" + b + "/restores/b-secret-restore",
                  object(
                      "Restore",
                      Map.of("name", "b-secret-restore", "tenant", b),
                      Map.of("backup", "b-secret-backup", "target", Map.of("inPlace", true))),
                  forbidden));
      case "POST /api/v1/apply" ->
          List.of(
              new Probe("POST", "/api/v1/apply", List.of(bPodBody), forbidden),
              new Probe(
                  "POST",
                  "/api/v1/apply",
                  List.of(pod(a, "a-new", Map.of("ipPool", aPool)), bSetBody),
                  forbidden));
      case "POST /api/v1/tokens" ->
          List.of(
              new Probe(
                  "POST",
                  "/api/v1/tokens",
                  Map.of("name", unique("x"), "role", "tenant", "tenant", b),
                  forbidden));
      case "GET /api/v1/tokens" -> List.of(new Probe("GET", "/api/v1/tokens", null, forbidden));
      case "GET /api/v1/tokens/{name}", "DELETE /api/v1/tokens/{name}" ->
          List.of(
              new Probe(route.split(" ")[0], "/api/v1/tokens/bootstrap-admin", null, forbidden));
      case "POST /api/v1/imports/seed" ->
          List.of(
              new Probe(
                  "POST",
                  "/api/v1/imports/seed",
                  Map.of("ipam", List.of(), "log", List.of(), "tenantDefault", b),
                  forbidden),
              new Probe(
                  "POST",
                  "/api/v1/imports/seed?dryRun=true",
                  Map.of("ipam", List.of(), "log", List.of(), "tenantDefault", a),
                  forbidden));
      case "POST /api/v1/orphans/{name}/adopt" ->
          List.of(
              new Probe(
                  "POST", "/api/v1/orphans/" + bVmid + "/adopt", Map.of("tenant", a), forbidden),
              new Probe(
                  "POST", "/api/v1/orphans/b-secret-pod/adopt", Map.of("tenant", b), forbidden));
      case "DELETE /api/v1/orphans/{name}" ->
          List.of(
              new Probe(
                  "DELETE", "/api/v1/orphans/" + bVmid + "?skipFinalBackup=true", null, forbidden));
      case "POST /internal/cloudpods/create" ->
          List.of(
              new Probe(
                  "POST",
                  "/internal/cloudpods/create",
                  Map.of("tenantId", b, "hostname", unique("h"), "cores", 1),
                  forbidden));
      case "POST /internal/cloudpods/destroy" ->
          List.of(
              new Probe(
                  "POST",
                  "/internal/cloudpods/destroy",
                  Map.of("tenantId", b, "vmid", bVmid),
                  forbidden),
              new Probe(
                  "POST",
                  "/internal/cloudpods/destroy",
                  Map.of("tenantId", a, "vmid", bVmid),
                  notThere));
      default -> null;
    };
  }

  Response call(String token, Probe p) {
    var spec = as(token);
    if (p.body() != null) {
      spec = spec.body(p.body());
    }
    return spec.request(p.method(), p.path());
  }

  void assertNoLeak(String what, String answer) {
    assertNoLeak(what, answer, "");
  }

  /** A name the request itself carried may be echoed (e.g. "may not write ... of tenant B"). */
  void assertNoLeak(String what, String answer, String request) {
    for (String secret : bSecrets) {
      if (request.contains(secret)) {
        continue;
      }
      assertThat(answer).as(what + " must not show " + secret).doesNotContain(secret);
    }
  }

  @Test
  void tenantAToken_onEveryRoute_neverSeesOrChangesTenantB() throws Exception {
    TreeSet<String> routes = routes();
    assertThat(routes)
        .contains(
            "GET /api/v1/tenants/{tenant}/cloudpods/{name}",
            "POST /api/v1/tokens",
            "DELETE /api/v1/tenants/{tenant}/backups/{name}",
            "PUT /api/v1/tenants/{tenant}/backuppolicies/{name}",
            "GET /api/v1/tenants/{tenant}/restores");
    List<String> uncovered = routes.stream().filter(r -> probes(r) == null).toList();
    assertThat(uncovered).as("routes without a cross-tenant probe: add them here").isEmpty();
    String bPodVersion =
        admin()
            .get("/api/v1/tenants/" + b + "/cloudpods/b-secret-pod")
            .path("metadata.resourceVersion")
            .toString();
    String bTenantVersion =
        admin().get("/api/v1/tenants/" + b).path("metadata.resourceVersion").toString();

    int calls = 0;
    for (String route : routes) {
      for (Probe p : probes(route)) {
        Response r = call(aToken, p);
        String what = p.method() + " " + p.path();
        assertThat(r.statusCode()).as(what + ": " + r.asString()).isIn(p.allowed());
        assertNoLeak(what, r.asString(), p.path() + " " + p.body());
        calls++;
      }
    }
    assertThat(calls).isGreaterThan(routes.size());

    // lists and the status hold only A's tenant-owned objects
    assertThat(
            as(aToken)
                .get("/api/v1/cloudpods")
                .jsonPath()
                .getList("items.metadata.tenant", String.class))
        .containsOnly(a);
    assertThat(
            as(aToken)
                .get("/api/v1/tenants")
                .jsonPath()
                .getList("items.metadata.name", String.class))
        .containsExactly(a);
    Map<String, Object> byTenant = as(aToken).get("/api/v1/status").jsonPath().getMap("byTenant");
    assertThat(byTenant).containsOnlyKeys(a);
    assertThat(
            as(aToken).get("/api/v1/events?limit=1000").jsonPath().getList("tenant", String.class))
        .containsOnly(a);
    as(aToken).get("/api/v1/events?tenant=" + b).then().statusCode(403);

    // apply naming a B object says which object is refused
    assertThat(
            as(aToken)
                .body(List.of(pod(b, "b-secret-pod", Map.of("ipPool", bPool))))
                .post("/api/v1/apply")
                .asString())
        .contains("items[0]");

    // nothing of B changed
    assertThat(
            admin()
                .get("/api/v1/tenants/" + b + "/cloudpods/b-secret-pod")
                .path("metadata.resourceVersion")
                .toString())
        .isEqualTo(bPodVersion);
    assertThat(admin().get("/api/v1/tenants/" + b).path("metadata.resourceVersion").toString())
        .isEqualTo(bTenantVersion);
    admin()
        .get("/api/v1/tenants/" + b + "/cloudpods/b-secret-pod")
        .then()
        .body("metadata.deletionTimestamp", org.hamcrest.Matchers.nullValue());
    admin().get("/api/v1/tenants/" + b + "/podsets/b-secret-set").then().statusCode(200);
    admin()
        .get("/api/v1/tenants/" + b + "/backups/b-secret-backup")
        .then()
        .statusCode(200)
        .body("spec.protected", org.hamcrest.Matchers.equalTo(false))
        .body("metadata.deletionTimestamp", org.hamcrest.Matchers.nullValue());
    admin()
        .get("/api/v1/tenants/" + b + "/backuppolicies/b-secret-policy")
        .then()
        .statusCode(200)
        .body("spec.suspend", org.hamcrest.Matchers.equalTo(false));
    admin().get("/api/v1/tenants/" + b + "/restores/b-secret-restore").then().statusCode(404);
  }

  @Test
  void tenantAToken_eventStream_carriesOnlyAsEvents() throws Exception {
    HttpResponse<InputStream> forbidden =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://localhost:" + port + "/api/v1/events?watch=true&tenant=" + b))
                    .header("Authorization", "Bearer " + aToken)
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(forbidden.statusCode()).isEqualTo(403);
    forbidden.body().close();

    HttpResponse<InputStream> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/events?watch=true"))
                    .header("Authorization", "Bearer " + aToken)
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      CompletableFuture<List<String>> data =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> lines = new ArrayList<>();
                try {
                  String line;
                  while ((line = reader.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                      lines.add(line);
                      if (line.contains("a-sentinel")) {
                        return lines;
                      }
                    }
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return lines;
              });
      // B's events first, then A's sentinel: everything before the sentinel was seen by A's stream
      applyAsAdmin(pod(b, "b-secret-later", Map.of("ipPool", bPool)));
      bSecrets.add("b-secret-later");
      applyAsAdmin(pod(a, "a-sentinel", Map.of("ipPool", aPool)));
      List<String> lines = data.get(15, TimeUnit.SECONDS);
      assertThat(lines).isNotEmpty();
      for (String line : lines) {
        assertNoLeak("event stream", line);
      }
    }
  }

  @Test
  void readonlyToken_cannotWriteOnAnyRoute() throws Exception {
    for (String route : routes()) {
      if (route.startsWith("GET ")) {
        continue;
      }
      for (Probe p : probes(route)) {
        Response r = call(readonlyToken, p);
        assertThat(r.statusCode())
            .as(p.method() + " " + p.path() + ": " + r.asString())
            .isIn(403, 404);
      }
    }
    admin()
        .get("/api/v1/tenants/" + b + "/cloudpods/b-secret-pod")
        .then()
        .statusCode(200)
        .body("metadata.deletionTimestamp", org.hamcrest.Matchers.nullValue());
  }
}
