package io.cloudpods.cloudpod.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Network isolation of a pod: {@code net0} has {@code firewall=1} (see {@link NetConfig}), the
 * container's firewall has {@code enable=1} and {@code ipfilter=1}, and its IP set {@value #IPSET}
 * holds exactly the pod's address. With that Proxmox drops every packet the container sends from
 * another address (and ARP for other addresses), so a tenant cannot take a neighbour's IP.
 *
 * <p>Only {@code enable} and {@code ipfilter} are managed. Proxmox's default inbound policy of an
 * enabled guest firewall is DROP, which would cut every pod off the moment it is isolated, so a
 * firewall without a {@code policy_in} gets {@code policy_in=ACCEPT} (the pod stays reachable as it
 * was); a policy the operator set, and every other option (log levels, ...), is left as it is.
 * Pure, like the planner that calls it.
 */
public final class PodFirewall {

  /** The set Proxmox's ipfilter reads for {@code net0}. */
  public static final String IPSET = "ipfilter-net0";

  /** The options every pod's firewall has. */
  public static final Map<String, String> OPTIONS = Map.of("enable", "1", "ipfilter", "1");

  /** Options set only while the firewall has no value of its own for them. */
  public static final Map<String, String> DEFAULTS = Map.of("policy_in", "ACCEPT");

  private PodFirewall() {}

  /**
   * The actions that make the observed firewall the pod's: the set first (created, the pod's
   * address added, every other entry removed), then the options. Empty when converged.
   *
   * @param address the pod's IPv4 address, stored by Proxmox without {@code /32}
   */
  public static List<Action> plan(String node, int vmid, String address, ObservedFirewall fw) {
    List<Action> out = new ArrayList<>();
    Map<String, Boolean> have = fw.ipfilter().orElse(Map.of());
    if (fw.ipfilter().isEmpty()) {
      out.add(new Action.CreateIpSet(node, vmid, IPSET));
    }
    Boolean nomatch = have.get(address);
    if (nomatch == null || nomatch) {
      if (nomatch != null) {
        out.add(new Action.RemoveIpSetEntry(node, vmid, IPSET, address));
      }
      out.add(new Action.AddIpSetEntry(node, vmid, IPSET, address));
    }
    have.keySet().stream()
        .filter(c -> !c.equals(address))
        .sorted()
        .forEach(c -> out.add(new Action.RemoveIpSetEntry(node, vmid, IPSET, c)));
    Map<String, String> set = new TreeMap<>();
    OPTIONS.forEach(
        (k, v) -> {
          if (!v.equals(fw.options().get(k))) {
            set.put(k, v);
          }
        });
    DEFAULTS.forEach(
        (k, v) -> {
          if (!fw.options().containsKey(k)) {
            set.put(k, v);
          }
        });
    if (!set.isEmpty()) {
      out.add(new Action.UpdateFirewallOptions(node, vmid, set, Optional.of(fw.optionsDigest())));
    }
    return out;
  }
}
