package io.cloudpods.ipam;

/**
 * A last check before an address is handed to a new pod: does something on the network already
 * answer at it? (The original scripts refused an IP that "responds to ping".) The database and
 * Proxmox's container configs are the primary truth; this only catches hosts we cannot see.
 */
@FunctionalInterface
public interface AddressProbe {

  /** True when {@code ipv4} answers on the network, so it must not be handed out. */
  boolean inUse(String ipv4);

  /** The probe used when probing is off (always with the simulator, whose addresses are data). */
  static AddressProbe disabled() {
    return ip -> false;
  }
}
