package io.cloudpods.cloudpod.plan;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What Proxmox reports of a pod container's firewall ({@code <vmid>.fw}): its options and the
 * {@value PodFirewall#IPSET} set, read only for a container that carries the pod's marker.
 *
 * @param options the options that are set ({@code enable}, {@code ipfilter}, {@code policy_in},
 *     ...), booleans as {@code 0|1}
 * @param optionsDigest the digest of the options, to guard a change computed from them
 * @param ipfilter the entries of {@value PodFirewall#IPSET} as Proxmox stores them (address to
 *     whether it is a {@code nomatch} entry), empty when the set does not exist
 */
public record ObservedFirewall(
    Map<String, String> options, String optionsDigest, Optional<Map<String, Boolean>> ipfilter) {

  public ObservedFirewall {
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    ipfilter = ipfilter.map(m -> java.util.Collections.unmodifiableMap(new TreeMap<>(m)));
  }
}
