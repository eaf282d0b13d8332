package io.cloudpods.proxmox;

import java.util.List;

/**
 * {@code GET /nodes/{node}/status}: what capacity decisions need. Memory values are bytes, {@code
 * cpu} is a fraction 0..1 of all {@code cpus}. {@code memoryAvailable} is reported by PVE 8+ only
 * and falls back to {@code memoryFree} on older servers.
 */
public record NodeStatus(
    String pveVersion,
    String kernelVersion,
    long uptime,
    double cpu,
    int cpus,
    int cores,
    int sockets,
    String cpuModel,
    List<Double> loadAverage,
    long memoryTotal,
    long memoryUsed,
    long memoryFree,
    long memoryAvailable,
    long swapTotal,
    long swapUsed,
    long rootfsTotal,
    long rootfsUsed,
    long rootfsAvail) {

  public NodeStatus {
    loadAverage = List.copyOf(loadAverage);
  }
}
