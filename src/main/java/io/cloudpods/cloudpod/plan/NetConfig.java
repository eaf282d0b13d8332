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

  /** The {@code net0} we want: only the keys we manage, Proxmox fills in hwaddr and type. */
  public static String desired(DesiredPod.Network n, Optional<String> keepHwaddrFrom) {
    StringBuilder b = new StringBuilder("name=eth0,bridge=").append(n.bridge());
    b.append(",gw=").append(n.gateway());
    keepHwaddrFrom
        .map(NetConfig::parse)
        .map(m -> m.get("hwaddr"))
        .ifPresent(hw -> b.append(",hwaddr=").append(hw));
    b.append(",ip=").append(n.ip()).append('/').append(n.prefixLength());
    b.append(",type=veth");
    return b.toString();
  }

  /** True when the observed {@code net0} has the name, bridge, address and gateway we want. */
  public static boolean matches(DesiredPod.Network n, String observed) {
    Map<String, String> m = parse(observed);
    return "eth0".equals(m.get("name"))
        && n.bridge().equals(m.get("bridge"))
        && (n.ip() + "/" + n.prefixLength()).equals(m.get("ip"))
        && n.gateway().equals(m.get("gw"))
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
