package io.cloudpods.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Defaults filled into every CloudPod spec at admission, and the VMID ranges pods may use. */
@ConfigMapping(prefix = "cloudpods.pods")
public interface PodsConfig {
  @WithDefault("9000")
  int templateVmid();

  @WithDefault("clients-main")
  String storage();

  @WithDefault("2")
  int cores();

  @WithDefault("2048")
  int memoryMb();

  @WithDefault("512")
  int swapMb();

  @WithDefault("8")
  int diskGb();

  /** IpPool used when a CloudPod names none. */
  @WithDefault("default")
  String ipPool();

  @WithDefault("Running")
  String powerState();

  @WithDefault("full")
  String cloneMode();

  /** First VMID of the client range; pods get VMIDs in [start, end]. */
  @WithDefault("9001")
  int vmidRangeStart();

  @WithDefault("999999999")
  int vmidRangeEnd();

  /**
   * Infrastructure VMIDs (pool MigraTeck_Production) that a pod may never use, whatever the range
   * says.
   */
  @WithDefault("100")
  int infraVmidStart();

  @WithDefault("499")
  int infraVmidEnd();
}
