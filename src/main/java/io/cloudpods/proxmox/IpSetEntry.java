package io.cloudpods.proxmox;

import java.util.Optional;

/**
 * One entry of a guest's IP set ({@code GET .../firewall/ipset/{name}}): the address as Proxmox
 * stores it (a single IPv4 address without {@code /32}, a network as {@code a.b.c.d/len}), whether
 * it is a {@code nomatch} entry, and the digest of the whole set (the same on every entry).
 */
public record IpSetEntry(String cidr, boolean nomatch, Optional<String> comment, String digest) {}
