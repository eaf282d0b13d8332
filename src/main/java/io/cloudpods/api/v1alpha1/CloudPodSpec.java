package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Desired container. After admission every field except {@code ip}, {@code vmid} and {@code node}
 * is filled (defaults from {@code cloudpods.pods.*}); those three are allocated by the controller
 * when absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudPodSpec(
    Integer cores,
    Integer memoryMb,
    Integer swapMb,
    Integer diskGb,
    Integer template,
    String storage,
    String ipPool,
    String ip,
    Integer vmid,
    String node,
    String powerState,
    String cloneMode,
    Boolean allowRestart) {

  public CloudPodSpec withIpAndVmid(String newIp, Integer newVmid) {
    return new CloudPodSpec(
        cores,
        memoryMb,
        swapMb,
        diskGb,
        template,
        storage,
        ipPool,
        newIp,
        newVmid,
        node,
        powerState,
        cloneMode,
        allowRestart);
  }
}
