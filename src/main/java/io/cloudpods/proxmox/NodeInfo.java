package io.cloudpods.proxmox;

/**
 * An entry of {@code GET /nodes}. Statistics are 0 when the token lacks Sys.Audit on the node (the
 * server omits them then).
 */
public record NodeInfo(
    String node,
    String status,
    String sslFingerprint,
    long uptime,
    double cpu,
    int maxCpu,
    long mem,
    long maxMem,
    long disk,
    long maxDisk) {

  public boolean isOnline() {
    return "online".equals(status);
  }
}
