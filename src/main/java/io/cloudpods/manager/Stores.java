package io.cloudpods.manager;

import io.cloudpods.backup.BackupConfig;
import io.cloudpods.events.EventRecorder;
import io.cloudpods.store.AllocationStore;
import io.cloudpods.store.BackupPolicyStore;
import io.cloudpods.store.BackupStore;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ControllerStateStore;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.OrphanStore;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.RestoreStore;
import io.cloudpods.store.TenantStore;

/** The CDI beans a controller is built from: the stores and the event recorder. */
record Stores(
    CloudPodStore pods,
    PodSetStore sets,
    AllocationStore allocations,
    IpPoolStore pools,
    Defaults defaults,
    EventRecorder events,
    ControllerStateStore controllerState,
    OrphanStore orphans,
    TenantStore tenants,
    BackupStore backups,
    RestoreStore restores,
    BackupPolicyStore policies,
    BackupConfig backupConfig) {}
