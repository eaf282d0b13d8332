package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An IPv4 range inside {@code cidr}; {@code rangeStart..rangeEnd} minus {@code reserved} and the
 * gateway is handed out.
 *
 * @param cluster the Proxmox cluster whose network the addresses are on; only pods of that cluster
 *     take addresses from the pool (absent: {@code default})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpPoolSpec(
    String cidr,
    String gateway,
    String rangeStart,
    String rangeEnd,
    String bridge,
    List<String> nameservers,
    List<String> reserved,
    String cluster) {

  public IpPoolSpec(
      String cidr,
      String gateway,
      String rangeStart,
      String rangeEnd,
      String bridge,
      List<String> nameservers,
      List<String> reserved) {
    this(cidr, gateway, rangeStart, rangeEnd, bridge, nameservers, reserved, null);
  }

  /** The cluster whose network the pool's addresses are on ({@code default} when absent). */
  public String clusterOrDefault() {
    return cluster == null ? ProxmoxCluster.DEFAULT : cluster;
  }
}
