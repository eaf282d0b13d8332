package io.cloudpods.ipam;

import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.store.Ipv4;

/**
 * Which addresses of a pool may be given to a pod, the same rules for an address chosen by the
 * controller and for one named in {@code spec.ip}: inside the pool's range, not the network or
 * broadcast address of its CIDR, not the gateway, not reserved. Whether another pod, a foreign
 * guest or the network already uses it is asked elsewhere (the ledger, the cluster view, the
 * probe).
 */
public final class AddressRules {

  private AddressRules() {}

  /** Why {@code ip} cannot be a pod's address in {@code pool}, or null if it can. */
  public static String problem(String ip, String poolName, IpPoolSpec pool) {
    long a = Ipv4.parse(ip);
    if (a < Ipv4.parse(pool.rangeStart()) || a > Ipv4.parse(pool.rangeEnd())) {
      return ip
          + " is outside the range "
          + pool.rangeStart()
          + "-"
          + pool.rangeEnd()
          + " of pool "
          + poolName;
    }
    if (pool.cidr() != null && pool.cidr().contains("/")) {
      String[] parts = pool.cidr().split("/", 2);
      int bits = Integer.parseInt(parts[1].trim());
      if (bits <= 30) {
        long mask = (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        long network = Ipv4.parse(parts[0].trim()) & mask;
        if (a == network) {
          return ip + " is the network address of " + pool.cidr();
        }
        if (a == (network | (~mask & 0xFFFFFFFFL))) {
          return ip + " is the broadcast address of " + pool.cidr();
        }
      }
    }
    if (ip.equals(pool.gateway())) {
      return ip + " is the gateway of pool " + poolName;
    }
    if (pool.reserved() != null && pool.reserved().contains(ip)) {
      return ip + " is reserved in pool " + poolName;
    }
    return null;
  }

  /** Whether {@code ip} may be a pod's address in {@code pool} (see {@link #problem}). */
  public static boolean assignable(String ip, IpPoolSpec pool) {
    return problem(ip, "", pool) == null;
  }
}
