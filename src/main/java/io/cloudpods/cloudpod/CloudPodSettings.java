package io.cloudpods.cloudpod;

import java.time.Duration;

/**
 * The settings a CloudPod reconcile uses, taken from {@link ReconcileConfig} (plain values, so unit
 * tests need no config).
 *
 * @param clientPool the Proxmox pool every pod is cloned into
 * @param resyncInterval a snapshot older than this is read again before a VMID or address is handed
 *     out
 */
public record CloudPodSettings(
    String clientPool,
    Duration resyncInterval,
    Duration deepVerifyInterval,
    Duration taskPollInitial,
    Duration taskPollInterval,
    Duration lockedRecheck,
    Duration capacityRecheck,
    int shutdownTimeoutSeconds) {

  public static CloudPodSettings from(ReconcileConfig config, String clientPool) {
    return new CloudPodSettings(
        clientPool,
        config.resync().interval(),
        config.resync().deepVerifyInterval(),
        config.tasks().pollInitial(),
        config.tasks().pollInterval(),
        config.tasks().lockedRecheck(),
        config.tasks().capacityRecheck(),
        config.tasks().shutdownTimeoutSeconds());
  }
}
