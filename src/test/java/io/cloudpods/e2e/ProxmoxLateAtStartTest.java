package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.manager.ControllerManager;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proxmox is not there when the process starts, then answers with a token it does not know, then
 * properly: the API serves all along, readiness says why the controller is not running, liveness
 * stays UP, and the controller starts by itself once Proxmox answers. Proxmox going away later
 * makes readiness DOWN at the next resync.
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxLateAtStartTest.LateProxmox.class)
class ProxmoxLateAtStartTest {

  private static final String CHECK = "CloudPods controller";

  /** Points the controller at a loopback port where no simulator listens yet. */
  public static class LateProxmox implements QuarkusTestResourceLifecycleManager {
    static final String TOKEN_ID = "cloudpods@pve!controller";
    static final String TOKEN_SECRET = "5b0f3c1e-2d4a-4c6b-8e9f-a1b2c3d4e5f6";
    static volatile int port;
    static volatile ProxmoxSimulator simulator;

    @Override
    public Map<String, String> start() {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of(
          "cloudpods.proxmox.url",
          url(),
          "cloudpods.proxmox.token-id",
          TOKEN_ID,
          "cloudpods.proxmox.token-secret",
          TOKEN_SECRET,
          "cloudpods.proxmox.verify-tls",
          "false",
          "cloudpods.proxmox.connect-timeout",
          "1s");
    }

    static String url() {
      return "http://127.0.0.1:" + port + "/api2/json";
    }

    /** Starts the simulator on the reserved port, knowing {@code secret} for the token. */
    static void startSimulator(String secret) {
      stopSimulator();
      simulator =
          ProxmoxSimulator.start(
              SimulatorOptions.builder()
                  .bindHost("127.0.0.1")
                  .port(port)
                  .http(true)
                  .token(TOKEN_ID, secret)
                  .nodes(1)
                  .timeScale(0.02)
                  .authFailureDelay(Duration.ZERO)
                  .build());
    }

    static void stopSimulator() {
      if (simulator != null) {
        simulator.close();
        simulator = null;
      }
    }

    @Override
    public void stop() {
      stopSimulator();
    }
  }

  @Inject ControllerManager manager;

  @Test
  void proxmoxLate_theApiServes_readinessSaysWhy_andTheControllerStartsWhenProxmoxAnswers() {
    // nothing listens: the API serves, the process is alive, readiness names the problem
    admin().get("/api/v1/tenants").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(notReadyReason())
                    .contains("waiting for Proxmox VE")
                    .contains("cannot reach Proxmox VE at " + LateProxmox.url())
                    .contains("check cloudpods.proxmox.url"));
    assertThat(manager.running()).isFalse();

    // Proxmox answers, but not to this token: still no controller, and readiness says so
    LateProxmox.startSimulator("another-secret");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(notReadyReason())
                    .contains("refused the API token")
                    .contains("token-id/token-secret"));
    given().get("/q/health/live").then().statusCode(200);
    admin().get("/api/v1/tenants").then().statusCode(200);
    assertThat(manager.running()).isFalse();

    // the token is fixed on the Proxmox side: the controller starts by itself and works
    LateProxmox.startSimulator(LateProxmox.TOKEN_SECRET);
    await().atMost(Duration.ofSeconds(20)).until(manager::running);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    String tenant = TestApi.unique("late");
    admin()
        .body(
            List.of(
                TestApi.tenant(
                    tenant,
                    Map.of("maxPods", 5, "maxCores", 20, "maxMemoryMb", 20_000, "maxDiskGb", 100)),
                TestApi.pool("default"),
                TestApi.pod(
                    tenant,
                    "first",
                    Map.of("cores", 1, "memoryMb", 512, "swapMb", 256, "diskGb", 8))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                admin()
                        .get("/api/v1/tenants/" + tenant + "/cloudpods/first")
                        .jsonPath()
                        .get("status.vmid")
                    != null);

    // Proxmox goes away: the next resync makes readiness DOWN, liveness stays UP
    LateProxmox.stopSimulator();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              manager.resync();
              assertThat(notReadyReason()).contains("Proxmox VE did not answer the last resync");
            });
    given().get("/q/health/live").then().statusCode(200);
  }

  /** The controller check's reason on a DOWN readiness (503). */
  private static String notReadyReason() {
    Response r = given().get("/q/health/ready");
    JsonPath body = r.then().extract().jsonPath();
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(503);
    assertThat(body.getString("checks.find { it.name == '" + CHECK + "' }.status"))
        .isEqualTo("DOWN");
    return body.getString("checks.find { it.name == '" + CHECK + "' }.data.reason");
  }
}
