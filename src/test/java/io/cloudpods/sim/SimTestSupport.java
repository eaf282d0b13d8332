package io.cloudpods.sim;

import java.time.Duration;

/** Starts fast, plain-HTTP simulators on free loopback ports for tests. */
final class SimTestSupport {
  static final String TOKEN_ID = "ctl@pve!ci";
  static final String SECRET = "5e0c3a52-1f3e-4b7c-9d51-2a6f0c2a9b11";

  private SimTestSupport() {}

  static SimulatorOptions.Builder fast() {
    return SimulatorOptions.builder()
        .port(0)
        .http(true)
        .token(TOKEN_ID, SECRET)
        .timeScale(0.01)
        .authFailureDelay(Duration.ZERO);
  }

  static ProxmoxSimulator start() {
    return ProxmoxSimulator.start(fast().build());
  }
}
