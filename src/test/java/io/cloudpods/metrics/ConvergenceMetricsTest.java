package io.cloudpods.metrics;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.e2e.ControllerProfile;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.TestApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code cloudpods_convergence_seconds{action}}: a pod's creation and then its resize each give one
 * observation, under {@code create} and {@code resize}, measured from the spec change to Ready.
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class ConvergenceMetricsTest {

  @Inject MeterRegistry registry;
  @Inject ConvergenceMetrics convergence;

  @Test
  void aResize_isObservedOnceUnderResize_fromTheSpecChangeToReady() {
    String tenant = TestApi.unique("conv");
    TestApi.applyAsAdmin(
        TestApi.tenant(tenant, Map.of("maxPods", 5, "maxCores", 20)), TestApi.pool("default"));
    long createdBefore = count("create");
    TestApi.applyAsAdmin(
        TestApi.pod(tenant, "c-a", Map.of("cores", 1, "memoryMb", 512, "diskGb", 8)));
    JsonPath created = readyAt(tenant, "c-a", 1);
    assertThat(count("create") - createdBefore).isEqualTo(1);

    long resizedBefore = count("resize");
    double resizeSecondsBefore = timer("resize").totalTime(java.util.concurrent.TimeUnit.SECONDS);
    long startedAt = System.nanoTime();
    TestApi.applyAsAdmin(
        TestApi.pod(tenant, "c-a", Map.of("cores", 2, "memoryMb", 512, "diskGb", 8)));
    readyAt(tenant, "c-a", 2);
    double tookAtMost = (System.nanoTime() - startedAt) / 1e9;

    assertThat(count("resize") - resizedBefore).isEqualTo(1);
    double observed =
        timer("resize").totalTime(java.util.concurrent.TimeUnit.SECONDS) - resizeSecondsBefore;
    assertThat(observed).isPositive().isLessThanOrEqualTo(tookAtMost + 0.5);

    // Ready written again for the same generation (a later pass, another replica): no new figure
    convergence.ready(UUID.fromString(created.getString("metadata.uid")), 2);
    assertThat(count("resize") - resizedBefore).isEqualTo(1);
  }

  @Test
  void everyAction_hasItsSeriesFromTheStart_withBucketsFromSecondsToHalfAnHour() {
    for (String action : ConvergenceMetrics.ACTIONS) {
      assertThat(timer(action)).as(action).isNotNull();
    }
    String text = admin().get("/q/metrics").then().statusCode(200).extract().asString();

    assertThat(text)
        .contains(
            "cloudpods_convergence_seconds_bucket{action=\"stop\",cluster=\"default\",le=\"1.0\"")
        .contains(
            "cloudpods_convergence_seconds_bucket{action=\"stop\",cluster=\"default\",le=\"1800.0\"");
  }

  private long count(String action) {
    return timer(action).count();
  }

  private Timer timer(String action) {
    return registry.find("cloudpods_convergence").tag("action", action).timer();
  }

  private static JsonPath readyAt(String tenant, String name, long generation) {
    JsonPath[] last = new JsonPath[1];
    await()
        .atMost(Duration.ofSeconds(180))
        .ignoreExceptions()
        .until(
            () -> {
              JsonPath p =
                  admin().get("/api/v1/tenants/" + tenant + "/cloudpods/" + name).jsonPath();
              last[0] = p;
              return p.getLong("status.observedGeneration") == generation
                  && p.getList("status.conditions.findAll { it.type == 'Ready' }.status")
                      .contains("True");
            });
    return last[0];
  }
}
