package io.cloudpods.imports;

import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxPermissionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads the cluster the way the import needs it: every guest of every node ({@code GET
 * /cluster/resources}) and, for each container, its config (one read per container; nothing is
 * written). A config the token may not read (infrastructure outside {@code /pool/ClientPods}) is
 * left unknown; such a guest is skipped or compared by its list entry only.
 */
public final class ClusterGuests {

  private ClusterGuests() {}

  public static List<ClusterGuest> read(ProxmoxClient client) {
    List<ClusterGuest> out = new ArrayList<>();
    for (ClusterResource r : client.clusterResources(io.cloudpods.proxmox.ResourceType.VM)) {
      if (r instanceof Guest g) {
        out.add(of(client, g));
      }
    }
    return out;
  }

  private static ClusterGuest of(ProxmoxClient client, Guest g) {
    String type = g.type().name().toLowerCase(Locale.ROOT);
    String node = g.node() == null || g.node().isBlank() ? null : g.node();
    LxcConfig c = null;
    if (g.type() == ClusterResource.GuestType.LXC && node != null) {
      try {
        c = client.getConfig(node, g.vmid());
      } catch (ProxmoxNotFoundException | ProxmoxPermissionException e) {
        c = null; // gone since the list, or not ours to read
      }
    }
    if (c == null) {
      return new ClusterGuest(
          g.vmid(),
          type,
          node,
          g.template(),
          g.pool().orElse(null),
          Set.copyOf(g.tags()),
          g.name().orElse(null),
          null,
          null,
          null,
          null,
          null,
          null,
          status(g));
    }
    return new ClusterGuest(
        g.vmid(),
        type,
        node,
        g.template() || c.template(),
        g.pool().orElse(null),
        Set.copyOf(c.tags()),
        c.hostname().orElse(null),
        c.nets().get(0),
        boxed(c.cores()),
        boxed(c.memory()),
        boxed(c.swap()),
        c.rootfsSize().flatMap(ClusterGuests::sizeToGb).orElse(null),
        c.digest(),
        status(g));
  }

  private static String status(Guest g) {
    return g.status() == null ? null : g.status().name().toLowerCase(Locale.ROOT);
  }

  private static Integer boxed(OptionalInt v) {
    return v.isPresent() ? v.getAsInt() : null;
  }

  /** {@code 8G}, {@code 512M}, {@code 1T} → whole GiB, rounded up. */
  static Optional<Integer> sizeToGb(String size) {
    if (size == null || size.isEmpty()) {
      return Optional.empty();
    }
    char unit = Character.toUpperCase(size.charAt(size.length() - 1));
    String num = Character.isDigit(unit) ? size : size.substring(0, size.length() - 1);
    double value;
    try {
      value = Double.parseDouble(num);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    double gib =
        switch (unit) {
          case 'T' -> value * 1024;
          case 'G' -> value;
          case 'M' -> value / 1024;
          case 'K' -> value / (1024 * 1024);
          default -> value / (1024d * 1024 * 1024);
        };
    return Optional.of((int) Math.ceil(gib - 1e-9));
  }
}
