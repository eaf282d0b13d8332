package io.cloudpods.e2e;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The controller running against the simulator, with short intervals so tests converge quickly. */
public class ControllerProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("cloudpods.reconcile.enabled", "true"),
        Map.entry("cloudpods.reconcile.resync.interval", "2s"),
        Map.entry("cloudpods.reconcile.tasks.poll-interval", "100ms"),
        Map.entry("cloudpods.reconcile.tasks.locked-recheck", "200ms"),
        Map.entry("cloudpods.reconcile.tasks.capacity-recheck", "1s"),
        Map.entry("cloudpods.reconcile.backoff.base", "200ms"),
        Map.entry("cloudpods.reconcile.backoff.max", "2s"),
        Map.entry("cloudpods.reconcile.resync.deep-verify-interval", "3s"),
        Map.entry("cloudpods.reconcile.tasks.shutdown-timeout-seconds", "5"),
        Map.entry("cloudpods.reconcile.address-probe", "false"),
        Map.entry("cloudpods.reconcile.workers", "4"));
  }
}
