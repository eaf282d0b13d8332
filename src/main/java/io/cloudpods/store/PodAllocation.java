package io.cloudpods.store;

import java.time.Instant;
import java.util.UUID;

/** The controller's persisted intent for one pod: what it reserved before calling Proxmox. */
public record PodAllocation(
    UUID podUid,
    Integer vmid,
    String node,
    String pool,
    String ip,
    String taskUpid,
    Instant updatedAt) {}
