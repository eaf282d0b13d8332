package io.cloudpods.cloudpod.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Proxmox {@code netN} property strings: {@code name=eth0,bridge=vmbr0,ip=10.1.10.91/24,...}. */
public final class NetConfig {

  private NetConfig() {}

  /** Parses a property string into its keys in order; a malformed part is kept under "". */
  public static Map<String, String> parse(String value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    for (String part : value.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        out.merge("", part, (a, b) -> a + "," + b);
      } else {
        out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    return out;
  }

  /** The {@code net0} keys the controller sets; every other key is kept as Proxmox has it. */
  public static final java.util.Set<String> MANAGED_KEYS =
      java.util.Set.of("name", "bridge", "ip", "gw", "firewall");

  /**
   * The {@code net0} we want: our keys ({@code name=eth0}, bridge, address, gateway, {@code
   * firewall=1}) over the observed value, whose other keys ({@code hwaddr}, {@code tag}, {@code
   * rate}, {@code mtu}, {@code trunks}, {@code link_down}, {@code ip6}, {@code type}, ...) are kept
   * verbatim; {@code type=veth} when there is none. Printed as Proxmox stores it: {@code name}
   * first, the other keys sorted, so a written value reads back equal. A malformed part of the
   * observed value is dropped.
   */
  public static String desired(DesiredPod.Network n, Optional<String> observed) {
    Map<String, String> keys =
        new java.util.TreeMap<>(observed.map(NetConfig::parse).orElse(Map.of()));
    keys.remove("");
    keys.remove("name");
    keys.put("bridge", n.bridge());
    keys.put("gw", n.gateway());
    keys.put("ip", n.ip() + "/" + n.prefixLength());
    keys.put("firewall", "1");
    keys.putIfAbsent("type", "veth");
    StringBuilder b = new StringBuilder("name=eth0");
    keys.forEach((k, v) -> b.append(',').append(k).append('=').append(v));
    return b.toString();
  }

  /**
   * True when the observed {@code net0} has the name, bridge, address, gateway and {@code
   * firewall=1} we want (other keys are not ours to compare).
   */
  public static boolean matches(DesiredPod.Network n, String observed) {
    Map<String, String> m = parse(observed);
    return "eth0".equals(m.get("name"))
        && n.bridge().equals(m.get("bridge"))
        && (n.ip() + "/" + n.prefixLength()).equals(m.get("ip"))
        && n.gateway().equals(m.get("gw"))
        && "1".equals(m.get("firewall"))
        && !m.containsKey("");
  }

  /** The IPv4 address (without prefix) of a {@code netN} value, if it has a static one. */
  public static Optional<String> ipv4(String value) {
    String ip = parse(value).get("ip");
    if (ip == null || ip.equals("dhcp") || ip.equals("manual")) {
      return Optional.empty();
    }
    int slash = ip.indexOf('/');
    return Optional.of(slash < 0 ? ip : ip.substring(0, slash));
  }
}
