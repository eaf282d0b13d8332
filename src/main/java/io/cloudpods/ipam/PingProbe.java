package io.cloudpods.ipam;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Probes an address with {@link InetAddress#isReachable} (ICMP echo when the process may send it,
 * else a TCP connection attempt to port 7), with a short timeout. A probe that cannot run at all
 * counts as "not in use" and is logged: the database and Proxmox configs stay the authority.
 */
public final class PingProbe implements AddressProbe {

  private static final Logger LOG = Logger.getLogger(PingProbe.class);

  private final Duration timeout;

  public PingProbe(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public boolean inUse(String ipv4) {
    try {
      return InetAddress.getByName(ipv4).isReachable((int) Math.max(1, timeout.toMillis()));
    } catch (IOException e) {
      LOG.warnf(
          "address probe of %s failed (%s); relying on database and Proxmox configs",
          ipv4, e.getMessage());
      return false;
    }
  }
}
