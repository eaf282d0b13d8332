package io.cloudpods.store;

import java.time.Instant;

/** What the controller last reported about itself; all null until it has run. */
public record ControllerState(
    Instant lastFullResync, Boolean proxmoxReachable, Instant proxmoxCheckedAt, String message) {}
