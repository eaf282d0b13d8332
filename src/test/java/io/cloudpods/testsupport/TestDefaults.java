package io.cloudpods.testsupport;

import io.cloudpods.store.Defaults;
import io.cloudpods.store.PodsConfig;
import io.cloudpods.store.PoolsConfig;
import java.util.List;

/**
 * {@link Defaults} with the values {@code cloudpods.pods.*} and {@code cloudpods.pools.*} default
 * to.
 */
public final class TestDefaults {

  private TestDefaults() {}

  record Pods(
      int templateVmid,
      String storage,
      int cores,
      int memoryMb,
      int swapMb,
      int diskGb,
      String ipPool,
      String powerState,
      String cloneMode,
      int vmidRangeStart,
      int vmidRangeEnd,
      int infraVmidStart,
      int infraVmidEnd)
      implements PodsConfig {}

  record Pools(String bridge, List<String> nameservers) implements PoolsConfig {}

  public static Defaults defaults() {
    return new Defaults(
        new Pods(
            9000,
            "clients-main",
            2,
            2048,
            512,
            8,
            "default",
            "Running",
            "full",
            9001,
            999999999,
            100,
            499),
        new Pools("vmbr0", List.of("1.1.1.1", "8.8.8.8")));
  }
}
