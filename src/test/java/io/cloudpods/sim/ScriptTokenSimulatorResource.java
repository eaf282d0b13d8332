package io.cloudpods.sim;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * Starts the simulator (seed layout, plain HTTP on loopback), runs {@code
 * config/proxmox-token-setup.sh} against it as root, and points {@code cloudpods.proxmox.*} at the
 * token the script made, so the controller runs with exactly the script's privileges.
 */
public class ScriptTokenSimulatorResource implements QuarkusTestResourceLifecycleManager {
  private static final String ROOT_ID = "root@pam!setup";
  private static final String ROOT_SECRET = "7c1f0e2a-9d4b-4f3a-8e61-0b5d2c9a7f13";

  private static volatile ProxmoxSimulator simulator;
  private static volatile SetupScript.Token token;

  public static ProxmoxSimulator simulator() {
    return simulator;
  }

  /** The token the setup script made. */
  public static SetupScript.Token token() {
    return token;
  }

  /** {@code Authorization} header of the root token the script was applied with. */
  public static String rootAuthorization() {
    return "PVEAPIToken=" + ROOT_ID + "=" + ROOT_SECRET;
  }

  @Override
  public Map<String, String> start() {
    simulator =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(ROOT_ID, ROOT_SECRET)
                .timeScale(0.02)
                .resourcesLag(Duration.ofSeconds(10))
                .authFailureDelay(Duration.ZERO)
                .build());
    token = SetupScript.apply(simulator.baseUrl(), rootAuthorization());
    return Map.of(
        "cloudpods.proxmox.url",
        simulator.baseUrl(),
        "cloudpods.proxmox.token-id",
        token.id(),
        "cloudpods.proxmox.token-secret",
        token.secret(),
        "cloudpods.proxmox.verify-tls",
        "false");
  }

  @Override
  public void stop() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }
}
