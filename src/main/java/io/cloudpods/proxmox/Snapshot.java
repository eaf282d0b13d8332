package io.cloudpods.proxmox;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A container snapshot. The server's {@code current} pseudo-entry is not returned as a snapshot.
 */
public record Snapshot(
    String name, Optional<String> description, OptionalLong snaptime, Optional<String> parent) {}
