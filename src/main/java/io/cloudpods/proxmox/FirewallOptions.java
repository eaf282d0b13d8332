package io.cloudpods.proxmox;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code GET /nodes/{node}/lxc/{vmid}/firewall/options}: the options set in the guest's {@code
 * <vmid>.fw} (booleans as {@code 0|1}, the rest as text) and the digest over them. Options that are
 * not set are absent: the server does not fill in defaults ({@code enable} 0, {@code macfilter} 1,
 * {@code ndp} 1; {@code policy_in} is DROP once the firewall is enabled).
 */
public record FirewallOptions(Map<String, String> options, String digest) {

  public FirewallOptions {
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(options.get(key));
  }
}
