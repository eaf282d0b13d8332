package io.cloudpods.cloudpod;

import io.cloudpods.cloudpod.backup.PodBackups;
import io.cloudpods.events.EventSink;
import io.cloudpods.ipam.AddressProbe;
import io.cloudpods.store.AllocationLedger;
import io.cloudpods.store.CloudPodRecords;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.PoolSpecs;

/**
 * What a CloudPod reconcile needs besides Proxmox: the pod's row, the allocation ledger, pool
 * specs, spec defaults, the event sink, the address probe and the pod's Backups and Restores. The
 * JPA stores in production, in-memory ones in unit tests.
 */
public record CloudPodPorts(
    CloudPodRecords pods,
    AllocationLedger ledger,
    PoolSpecs pools,
    Defaults defaults,
    EventSink events,
    AddressProbe probe,
    PodBackups backups) {

  /** Ports without Backups: no pod gets a Final backup or is restored. */
  public CloudPodPorts(
      CloudPodRecords pods,
      AllocationLedger ledger,
      PoolSpecs pools,
      Defaults defaults,
      EventSink events,
      AddressProbe probe) {
    this(pods, ledger, pools, defaults, events, probe, PodBackups.NONE);
  }
}
