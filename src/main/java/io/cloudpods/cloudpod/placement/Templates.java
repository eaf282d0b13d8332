package io.cloudpods.cloudpod.placement;

import io.cloudpods.cloudpod.observe.ClusterSnapshot;
import io.cloudpods.proxmox.ClusterResource.Guest;
import java.util.Optional;
import java.util.OptionalInt;

/** Where a pod's golden template is, by the cluster snapshot. */
public final class Templates {

  private Templates() {}

  /**
   * The template's name (a node without VMID {@code templateVmid} may hold a copy of that name).
   */
  public static Optional<String> name(ClusterSnapshot snap, int templateVmid) {
    return snap.guest(templateVmid).flatMap(Guest::name);
  }

  /**
   * The golden template on {@code node}: the spec's VMID there, else a template of the same name.
   */
  public static OptionalInt on(
      ClusterSnapshot snap, String node, int templateVmid, Optional<String> templateName) {
    Optional<Guest> direct =
        snap.guest(templateVmid).filter(g -> g.node().equals(node) && g.template());
    if (direct.isPresent()) {
      return OptionalInt.of(templateVmid);
    }
    if (templateName.isEmpty()) {
      return OptionalInt.empty();
    }
    return snap.guests().values().stream()
        .filter(g -> g.template() && g.node().equals(node) && g.name().equals(templateName))
        .mapToInt(Guest::vmid)
        .sorted()
        .findFirst();
  }

  /** {@link #on} with the template's name looked up in the same snapshot. */
  public static OptionalInt on(ClusterSnapshot snap, String node, int templateVmid) {
    return on(snap, node, templateVmid, name(snap, templateVmid));
  }
}
