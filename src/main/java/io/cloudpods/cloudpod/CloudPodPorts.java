package io.cloudpods.cloudpod;

import io.cloudpods.events.EventSink;
import io.cloudpods.ipam.AddressProbe;
import io.cloudpods.store.AllocationLedger;
import io.cloudpods.store.CloudPodRecords;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.PoolSpecs;

/**
 * What a CloudPod reconcile needs besides Proxmox: the pod's row, the allocation ledger, pool
 * specs, spec defaults, the event sink and the address probe. The JPA stores in production,
 * in-memory ones in unit tests.
 */
public record CloudPodPorts(
    CloudPodRecords pods,
    AllocationLedger ledger,
    PoolSpecs pools,
    Defaults defaults,
    EventSink events,
    AddressProbe probe) {}
