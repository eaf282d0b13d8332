package io.cloudpods.testsupport;

import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * Starts the Proxmox VE API simulator (seed layout, plain HTTP on a free loopback port, a fast time
 * scale) and points {@code cloudpods.proxmox.*} at it. Tests reach the running simulator through
 * {@link #simulator()} to inspect or disturb the cluster.
 */
public class ProxmoxSimulatorResource implements QuarkusTestResourceLifecycleManager {

  public static final String TOKEN_ID = "cloudpods@pve!controller";
  public static final String TOKEN_SECRET = "0d9b6f4e-6a2c-4d8e-9b31-5f0c2a7e8d41";

  private static volatile ProxmoxSimulator simulator;
  private int nodes = 1;

  public static ProxmoxSimulator simulator() {
    return simulator;
  }

  /** Accepts {@code nodes} (default 1) from {@code @WithTestResource(initArgs = ...)}. */
  @Override
  public void init(Map<String, String> initArgs) {
    nodes = Integer.parseInt(initArgs.getOrDefault("nodes", "1"));
  }

  @Override
  public Map<String, String> start() {
    simulator =
        ProxmoxSimulator.start(
            SimulatorOptions.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .http(true)
                .token(TOKEN_ID, TOKEN_SECRET)
                .nodes(nodes)
                .timeScale(0.02)
                .resourcesLag(Duration.ofSeconds(10))
                .authFailureDelay(Duration.ZERO)
                .build());
    return Map.of(
        "cloudpods.proxmox.url",
        simulator.baseUrl(),
        "cloudpods.proxmox.token-id",
        TOKEN_ID,
        "cloudpods.proxmox.token-secret",
        TOKEN_SECRET,
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
