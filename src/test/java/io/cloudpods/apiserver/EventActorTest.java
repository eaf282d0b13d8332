package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.as;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.pods;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.unique;
import static io.cloudpods.testsupport.TestApi.uniqueVmid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.auth.Role;
import io.cloudpods.auth.TokenStore;
import io.cloudpods.testsupport.PostgresResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every write through the API records an event that names the token that made it. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class EventActorTest {

  @Inject TokenStore tokens;

  private static List<Map<String, Object>> events(String tenant) {
    return JsonPath.from(
            TestApi.admin()
                .get("/api/v1/events?limit=1000&tenant=" + tenant)
                .then()
                .statusCode(200)
                .extract()
                .asString())
        .getList("$");
  }

  private static Map<String, Object> last(String tenant, String reason, String name) {
    List<Map<String, Object>> found =
        events(tenant).stream()
            .filter(e -> reason.equals(e.get("reason")) && name.equals(e.get("name")))
            .toList();
    assertThat(found).as(reason + " event of " + name).isNotEmpty();
    return found.get(found.size() - 1);
  }

  @Test
  void apiWriteEventNamesTheToken_forApplyPutAndDelete() {
    String[] tp = tenantWithPool(null);
    String name = unique("ops");
    String secret = tokens.create(name, Role.admin, null);

    as(secret)
        .body(List.of(pod(tp[0], "web", Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    assertThat(last(tp[0], "Created", "web"))
        .containsEntry("actor", name)
        .containsEntry("count", 1);

    as(secret)
        .body(pod(tp[0], "web", Map.of("ipPool", tp[1], "cores", 3)))
        .put("/api/v1/tenants/" + tp[0] + "/cloudpods/web")
        .then()
        .statusCode(200);
    assertThat(last(tp[0], "Configured", "web")).containsEntry("actor", name);

    as(secret).delete("/api/v1/tenants/" + tp[0] + "/cloudpods/web").then().statusCode(200);
    assertThat(last(tp[0], "Deleting", "web")).containsEntry("actor", name);
  }

  @Test
  void apiWriteEventNamesTheTenantToken() {
    String[] tp = tenantWithPool(null);
    String name = unique("tenant-tok");
    String secret = tokens.create(name, Role.tenant, tp[0]);

    as(secret)
        .body(List.of(pod(tp[0], "app", Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);

    assertThat(last(tp[0], "Created", "app")).containsEntry("actor", name);
  }

  @Test
  void refusedAdmissionIsRecordedWithTheActor_andNothingOfItIsStored() {
    String[] tp = tenantWithPool(Map.of("maxPods", 1));
    String name = unique("ci");
    String secret = tokens.create(name, Role.admin, null);
    TestApi.applyAsAdmin(pod(tp[0], "one", Map.of("ipPool", tp[1])));

    for (int i = 0; i < 2; i++) {
      as(secret)
          .body(List.of(pod(tp[0], "two", Map.of("ipPool", tp[1]))))
          .post("/api/v1/apply")
          .then()
          .statusCode(403);
    }

    assertThat(pods(tp[0])).isEqualTo(1);
    assertThat(last(tp[0], "QuotaExceeded", "two"))
        .containsEntry("actor", name)
        .containsEntry("level", "warn")
        .containsEntry("count", 2);
    assertThat(events(tp[0]))
        .as("the refused write's own Created event was rolled back")
        .noneMatch(e -> "Created".equals(e.get("reason")) && "two".equals(e.get("name")));
  }

  @Test
  void dryRunRefusalRecordsNothing() {
    String[] tp = tenantWithPool(Map.of("maxPods", 0));

    TestApi.admin()
        .body(List.of(pod(tp[0], "dry", Map.of("ipPool", tp[1]))))
        .post("/api/v1/apply?dryRun=true")
        .then()
        .statusCode(403);

    assertThat(events(tp[0])).noneMatch(e -> "dry".equals(e.get("name")));
  }

  @Test
  void seedDestroyEventNamesTheToken() {
    String[] tp = tenantWithPool(null);
    String name = unique("seed");
    String secret = tokens.create(name, Role.admin, null);
    int vmid = uniqueVmid();
    TestApi.applyAsAdmin(pod(tp[0], "legacy", Map.of("ipPool", tp[1], "vmid", vmid)));

    as(secret)
        .body(Map.of("tenantId", tp[0], "vmid", vmid))
        .post("/internal/cloudpods/destroy")
        .then()
        .statusCode(202);

    assertThat(last(tp[0], "DestroyRequested", "legacy")).containsEntry("actor", name);
  }
}
