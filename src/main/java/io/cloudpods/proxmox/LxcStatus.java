package io.cloudpods.proxmox;

import java.util.List;
import java.util.Optional;

/**
 * A container's runtime view: an entry of {@code GET /nodes/{node}/lxc} or the result of {@code GET
 * .../status/current}. {@code vmid} is read from a string (PVE before 8.2) or a number. {@code
 * template} is false and {@code lock} empty when the server omits them (it does when unset). Memory
 * and disk figures are bytes.
 */
public record LxcStatus(
    int vmid,
    String name,
    PowerState status,
    boolean template,
    Optional<String> lock,
    List<String> tags,
    int cpus,
    double cpu,
    long mem,
    long maxMem,
    long swap,
    long maxSwap,
    long disk,
    long maxDisk,
    long uptime,
    boolean haManaged) {

  public LxcStatus {
    tags = List.copyOf(tags);
  }

  public boolean isRunning() {
    return status == PowerState.RUNNING;
  }
}
