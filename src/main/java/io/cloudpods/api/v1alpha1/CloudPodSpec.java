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
 * @param adopt the pod takes over an existing container without our marker at {@code vmid}, and
 *     only when its VMID, hostname and address match this spec and it is not infrastructure
 *     (absent: false; a pod that is not adopted is never matched against a foreign container)
 * @param network who owns the container's network config: {@code Managed} (absent: the controller
 *     writes {@code net0} and {@code nameserver} from the pool) or {@code Guest} (the address lives
 *     inside the guest, as the seed scripts' netplan has it; {@code net0 ip=manual} and no
 *     nameserver are kept as they are)
 * @param region the region, and with it the Proxmox cluster, the pod lives in (admission fills it:
 *     the tenant's {@code defaultRegion}, else the region of the configured cluster {@code
 *     default}); immutable
 * @param zone the zone of that cluster (a set of its nodes) the pod is placed in; absent: any node
 *     of the cluster; immutable
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
    String restoreFrom,
    Boolean adopt,
    String network,
    String region,
    String zone) {

  /** {@code spec.network} value: the controller writes the container's network config. */
  public static final String NETWORK_MANAGED = "Managed";

  /** {@code spec.network} value: the guest owns its address (netplan); net0 is left as it is. */
  public static final String NETWORK_GUEST = "Guest";

  /** A spec without placement ({@code region} filled at admission, any zone). */
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
      Boolean allowRestart,
      Boolean finalBackup,
      String restoreFrom,
      Boolean adopt,
      String network) {
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
        finalBackup,
        restoreFrom,
        adopt,
        network,
        null,
        null);
  }

  /** A spec without the adoption fields (not adopted, network {@code Managed}). */
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
      Boolean allowRestart,
      Boolean finalBackup,
      String restoreFrom) {
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
        finalBackup,
        restoreFrom,
        null,
        null);
  }

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
        null,
        null,
        null);
  }

  /** Does the pod take over an existing unmarked container? (default false) */
  public boolean adopts() {
    return Boolean.TRUE.equals(adopt);
  }

  /** Does the guest own its network config ({@code network: Guest})? (default Managed) */
  public boolean guestNetwork() {
    return NETWORK_GUEST.equals(network);
  }

  /** The same spec with {@code network} set ({@code Managed} or {@code Guest}). */
  public CloudPodSpec withNetwork(String newNetwork) {
    return new CloudPodSpec(
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
        finalBackup,
        restoreFrom,
        adopt,
        newNetwork,
        region,
        zone);
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
        restoreFrom,
        adopt,
        network,
        region,
        zone);
  }

  /** The same spec with {@code region} set (admission's default). */
  public CloudPodSpec withRegion(String newRegion) {
    return new CloudPodSpec(
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
        finalBackup,
        restoreFrom,
        adopt,
        network,
        newRegion,
        zone);
  }

  /** The same spec with {@code zone} set. */
  public CloudPodSpec withZone(String newZone) {
    return new CloudPodSpec(
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
        finalBackup,
        restoreFrom,
        adopt,
        network,
        region,
        newZone);
  }

  /** The same spec with {@code template} and {@code storage} set. */
  public CloudPodSpec withTemplateAndStorage(Integer newTemplate, String newStorage) {
    return new CloudPodSpec(
        cores,
        memoryMb,
        swapMb,
        diskGb,
        newTemplate,
        newStorage,
        ipPool,
        ip,
        vmid,
        node,
        powerState,
        cloneMode,
        allowRestart,
        finalBackup,
        restoreFrom,
        adopt,
        network,
        region,
        zone);
  }
}
