package io.cloudpods.proxmox.http;

import java.util.List;
import java.util.Map;

/**
 * The route of a Proxmox API path: the segment after a collection name that takes an id is replaced
 * by that id's parameter name, as in the Proxmox API description ({@code
 * /nodes/{node}/lxc/{vmid}/snapshot/{snapname}}). Segments the client writes literally stay.
 */
final class RouteTemplate {

  /** Collection segment → the name of the id that follows it. */
  private static final Map<String, String> IDS =
      Map.ofEntries(
          Map.entry("nodes", "{node}"),
          Map.entry("lxc", "{vmid}"),
          Map.entry("qemu", "{vmid}"),
          Map.entry("tasks", "{upid}"),
          Map.entry("storage", "{storage}"),
          Map.entry("snapshot", "{snapname}"),
          Map.entry("pools", "{poolid}"),
          Map.entry("ipset", "{name}"),
          Map.entry("rules", "{pos}"),
          Map.entry("aliases", "{name}"),
          Map.entry("content", "{volume}"));

  private RouteTemplate() {}

  static String of(List<String> segments) {
    StringBuilder out = new StringBuilder();
    String id = null;
    for (int i = 0; i < segments.size(); i++) {
      String s = segments.get(i);
      out.append('/');
      if (id != null) {
        out.append(id);
        // an ipset's entries: /ipset/{name}/{cidr}
        id = segments.get(i - 1).equals("ipset") ? "{cidr}" : null;
        continue;
      }
      out.append(s);
      id = IDS.get(s);
    }
    return out.toString();
  }
}
