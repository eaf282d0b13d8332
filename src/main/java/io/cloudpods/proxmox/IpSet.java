package io.cloudpods.proxmox;

import java.util.Optional;

/**
 * One IP set of a guest's firewall ({@code GET .../firewall/ipset}): its name as Proxmox stores it
 * (lower case) and the digest of the whole list (the same on every entry).
 */
public record IpSet(String name, Optional<String> comment, String digest) {}
