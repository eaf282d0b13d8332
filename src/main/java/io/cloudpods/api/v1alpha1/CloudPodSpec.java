package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Desired container. After admission every field except {@code ip}, {@code vmid} and {@code node}
 * is filled (defaults from {@code cloudpods.pods.*}); those three are allocated by the controller
 * when absent.
 *
 * @param finalBackup deleting the pod first takes a protected {@code Final} backup (default true)
 * @param restoreFrom the pod is provisioned from this Backup's archive instead of the template
 *     (immutable; the Backup must be Completed when the pod is created)
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
    Boolean allowRestart,
    Boolean finalBackup,
    String restoreFrom) {

  /** A spec without the backup fields ({@code finalBackup} defaulted, no {@code restoreFrom}). */
  public CloudPodSpec(
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
    this(
        cores,
        memoryMb,
        swapMb,
        diskGb,
        template,
        storage,
        ipPool,
        ip,
        vmid,
        node,
        powerState,
        cloneMode,
        allowRestart,
        null,
        null);
  }

  /** Does deleting this pod first take a protected {@code Final} backup? (default true) */
  public boolean takesFinalBackup() {
    return !Boolean.FALSE.equals(finalBackup);
  }

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
        allowRestart,
        finalBackup,
        restoreFrom);
  }
}
