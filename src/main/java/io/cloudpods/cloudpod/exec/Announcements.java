package io.cloudpods.cloudpod.exec;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.cloudpod.plan.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The event recorded before a mutating Proxmox call (write-ahead, like the scripts' "Cloning
 * template"): a kill or a lost answer after the call still leaves its trace. The outcome (task
 * succeeded or failed, the config written) is recorded after, as it becomes known.
 */
final class Announcements {

  private Announcements() {}

  static Event of(Pass p, Action action) {
    if (action instanceof Action.CloneContainer c) {
      return p.event(
          "info",
          "Cloning",
          (c.full() ? "full" : "linked")
              + " clone of template "
              + c.sourceVmid()
              + " to CT "
              + c.newVmid()
              + " on "
              + c.node());
    }
    if (action instanceof Action.RestoreContainer r) {
      return p.event(
          "info",
          "Restoring",
          (r.force() ? "in-place restore of CT " : "restore to CT ")
              + r.vmid()
              + " on "
              + r.node()
              + " from "
              + r.volid());
    }
    if (action instanceof Action.UpdateConfig u) {
      return p.event(
          "info",
          "UpdatingConfig",
          "CT "
              + u.vmid()
              + ": set "
              + describe(u.set())
              + (u.delete().isEmpty() ? "" : "; delete " + String.join(", ", u.delete())));
    }
    if (isFirewall(action)) {
      return p.event("info", "UpdatingFirewall", "CT " + vmidOf(action) + ": " + firewall(action));
    }
    if (action instanceof Action.ResizeDisk r) {
      return p.event(
          "info",
          "DiskResizing",
          "growing rootfs of CT " + r.vmid() + " to " + r.sizeGb() + " GiB");
    }
    if (action instanceof Action.Start s) {
      return p.event("info", "Starting", "starting CT " + s.vmid());
    }
    if (action instanceof Action.Shutdown s) {
      return p.event("info", "ShuttingDown", "graceful shutdown of CT " + s.vmid());
    }
    if (action instanceof Action.Stop s) {
      return p.event("info", "Stopping", "hard stop of CT " + s.vmid());
    }
    if (action instanceof Action.Destroy d) {
      return p.event("info", "Destroying", "destroying CT " + d.vmid());
    }
    throw new IllegalArgumentException("not a Proxmox mutation: " + action);
  }

  static boolean isFirewall(Action a) {
    return a instanceof Action.UpdateFirewallOptions
        || a instanceof Action.CreateIpSet
        || a instanceof Action.AddIpSetEntry
        || a instanceof Action.RemoveIpSetEntry;
  }

  /** What a firewall action changes, e.g. {@code ipset ipfilter-net0: add 10.1.10.50}. */
  static String firewall(Action a) {
    if (a instanceof Action.UpdateFirewallOptions f) {
      return "firewall options " + describe(f.set());
    }
    if (a instanceof Action.CreateIpSet c) {
      return "create ipset " + c.name();
    }
    if (a instanceof Action.AddIpSetEntry e) {
      return "ipset " + e.name() + ": add " + e.cidr();
    }
    if (a instanceof Action.RemoveIpSetEntry r) {
      return "ipset " + r.name() + ": remove " + r.cidr();
    }
    throw new IllegalArgumentException("not a firewall action: " + a);
  }

  private static int vmidOf(Action a) {
    if (a instanceof Action.UpdateFirewallOptions f) {
      return f.vmid();
    }
    if (a instanceof Action.CreateIpSet c) {
      return c.vmid();
    }
    if (a instanceof Action.AddIpSetEntry e) {
      return e.vmid();
    }
    return ((Action.RemoveIpSetEntry) a).vmid();
  }

  /** {@code key=value, key=value}, in the map's order. */
  static String describe(Map<String, String> set) {
    List<String> parts = new ArrayList<>();
    set.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }
}
