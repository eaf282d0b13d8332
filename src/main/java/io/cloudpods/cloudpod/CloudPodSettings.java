package io.cloudpods.cloudpod;

import io.cloudpods.cloudpod.placement.ClusterIdentity;
import java.time.Duration;

/**
 * The settings a CloudPod reconcile uses, taken from {@link ReconcileConfig} (plain values, so unit
 * tests need no config).
 *
 * @param clientPool the Proxmox pool every pod is cloned into
 * @param resyncInterval a snapshot older than this is read again before a VMID or address is handed
 *     out
 * @param cluster the cluster the pods reconciled with these settings live in
 */
public record CloudPodSettings(
    String clientPool,
    Duration resyncInterval,
    Duration deepVerifyInterval,
    Duration taskPollInitial,
    Duration taskPollInterval,
    Duration lockedRecheck,
    Duration capacityRecheck,
    int shutdownTimeoutSeconds,
    ClusterIdentity cluster) {

  /** Settings for the cluster {@code default} in region {@code default}. */
  public CloudPodSettings(
      String clientPool,
      Duration resyncInterval,
      Duration deepVerifyInterval,
      Duration taskPollInitial,
      Duration taskPollInterval,
      Duration lockedRecheck,
      Duration capacityRecheck,
      int shutdownTimeoutSeconds) {
    this(
        clientPool,
        resyncInterval,
        deepVerifyInterval,
        taskPollInitial,
        taskPollInterval,
        lockedRecheck,
        capacityRecheck,
        shutdownTimeoutSeconds,
        ClusterIdentity.DEFAULT);
  }

  public static CloudPodSettings from(
      ReconcileConfig config, String clientPool, ClusterIdentity cluster) {
    return new CloudPodSettings(
        clientPool,
        config.resync().interval(),
        config.resync().deepVerifyInterval(),
        config.tasks().pollInitial(),
        config.tasks().pollInterval(),
        config.tasks().lockedRecheck(),
        config.tasks().capacityRecheck(),
        config.tasks().shutdownTimeoutSeconds(),
        cluster);
  }
}
