package io.cloudpods.cloudpod.plan;

import io.cloudpods.cloudpod.plan.Action.BlockReason;
import io.cloudpods.cloudpod.plan.Action.WaitReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The heart of the reconciler: a pure function from (desired pod, observed container) to the
 * ordered actions that move the container towards the pod. No I/O, no clock, no logging. An empty
 * plan means converged.
 *
 * <p>A field appears in a config update only when desired and observed differ. Config is compared
 * only when the observed container comes with its config; without it, the plan covers what list
 * calls show (existence, ownership, locks, tags, power state). The firewall ({@link PodFirewall})
 * is planned when it was read too, after the config update and before any task, so a new container
 * is never started unfiltered.
 */
public final class CloudPodPlanner {

  /** Config keys that a running container only picks up when it restarts. */
  public static final Set<String> RESTART_KEYS = Set.of("hostname", "nameserver");

  private CloudPodPlanner() {}

  public static List<Action> plan(DesiredPod desired, Optional<ObservedContainer> observed) {
    return desired.deleting() ? planDeletion(desired, observed) : planPresence(desired, observed);
  }

  private static List<Action> planDeletion(DesiredPod d, Optional<ObservedContainer> observed) {
    if (observed.isEmpty()) {
      return List.of();
    }
    ObservedContainer o = observed.get();
    if (!o.ownedBy(d.uid())) {
      // Not ours (or no longer ours): deletion of the pod never touches it.
      return List.of();
    }
    if (o.lock().isPresent()) {
      return List.of(locked(o));
    }
    if (o.running()) {
      return List.of(
          d.forceStopNext()
              ? new Action.Stop(o.node(), o.vmid())
              : new Action.Shutdown(o.node(), o.vmid(), d.shutdownTimeoutSeconds(), true));
    }
    if (!o.stopped()) {
      return List.of(unknownState(o));
    }
    return List.of(new Action.Destroy(o.node(), o.vmid()));
  }

  private static List<Action> planPresence(DesiredPod d, Optional<ObservedContainer> observed) {
    if (observed.isEmpty() && d.restoreVolid().isPresent()) {
      return List.of(restore(d, d.restoreVolid().get()));
    }
    if (observed.isEmpty() && d.adoption().isPresent()) {
      // an adopting pod takes over what exists; it never creates a container of its own
      return List.of(
          new Action.Blocked(
              BlockReason.ADOPTION_MISMATCH,
              "vmid: no container at VMID " + d.vmid() + " to adopt; nothing is created"));
    }
    if (observed.isEmpty()) {
      return List.of(
          new Action.CloneContainer(
              d.node(),
              d.templateVmid(),
              d.vmid(),
              d.hostname(),
              d.pool(),
              d.fullClone(),
              d.fullClone() ? Optional.of(d.storage()) : Optional.empty(),
              Ownership.description(d.uid(), d.tenant(), d.name())));
    }
    ObservedContainer o = observed.get();
    if (!"lxc".equals(o.type()) || o.template()) {
      return List.of(
          new Action.Blocked(
              BlockReason.NOT_A_CONTAINER,
              "VMID "
                  + o.vmid()
                  + " is a "
                  + (o.template() ? "template" : o.type())
                  + ", not a container of this pod"));
    }
    if (!o.ownedBy(d.uid()) && d.adoption().isPresent()) {
      if (o.lock().isPresent()) {
        return List.of(locked(o));
      }
      if (o.config().isEmpty()) {
        return List.of(
            new Action.Wait(
                WaitReason.STATE_UNKNOWN, "CT " + o.vmid() + " is read in full before adoption"));
      }
      Optional<String> mismatch = AdoptionCheck.mismatch(d, o);
      if (mismatch.isPresent()) {
        return List.of(new Action.Blocked(BlockReason.ADOPTION_MISMATCH, mismatch.get()));
      }
      // it matches: from here on it is planned like the pod's own container, starting with the
      // marker (the tags below), and nothing else unless the spec differs
    } else if (!o.ownedBy(d.uid())) {
      String owner =
          Ownership.ownerUid(o.tags())
              .map(u -> "another CloudPod (uid " + u + ")")
              .orElse("a guest without the CloudPods marker");
      return List.of(
          new Action.Blocked(
              BlockReason.FOREIGN_CONTAINER,
              "VMID "
                  + o.vmid()
                  + " on node "
                  + o.node()
                  + " belongs to "
                  + owner
                  + "; it is never modified"));
    }
    if (o.lock().isPresent()) {
      return List.of(locked(o));
    }

    List<Action> plan = new ArrayList<>();
    Map<String, String> set = new LinkedHashMap<>();
    List<String> restartRequired = new ArrayList<>();

    Set<String> wantTags = Ownership.tagsFor(d.uid(), d.tenant(), d.podSet());
    if (!wantTags.equals(o.tags())) {
      set.put("tags", String.join(";", wantTags));
    }

    Optional<Integer> shrinkFrom = Optional.empty();
    boolean grow = false;
    boolean networkSwitch = false;
    if (o.config().isPresent()) {
      ObservedContainer.ObservedConfig c = o.config().get();
      differs(set, "hostname", d.hostname(), c.hostname());
      differs(set, "cores", Integer.toString(d.cores()), c.cores().map(String::valueOf));
      differs(set, "memory", Integer.toString(d.memoryMb()), c.memoryMb().map(String::valueOf));
      differs(set, "swap", Integer.toString(d.swapMb()), c.swapMb().map(String::valueOf));
      if (!d.guestNetwork()) {
        boolean netDiffers = c.net0().map(n -> !NetConfig.matches(d.network(), n)).orElse(true);
        boolean fromGuest =
            c.net0().map(n -> "manual".equals(NetConfig.parse(n).get("ip"))).orElse(false);
        if (netDiffers && fromGuest && o.running()) {
          // Guest -> Managed: a live net0 write would re-address the running guest against its
          // own netplan; the switch is made while it is stopped, i.e. at its next restart
          networkSwitch = true;
        } else {
          if (netDiffers) {
            set.put("net0", NetConfig.desired(d.network(), c.net0()));
          }
          differs(set, "nameserver", String.join(" ", d.nameservers()), c.nameserver());
        }
      }
      if (c.rootfsSizeGb().isPresent()) {
        int have = c.rootfsSizeGb().get();
        grow = have < d.diskGb();
        if (have > d.diskGb()) {
          shrinkFrom = Optional.of(have);
        }
      }
    }
    if (!set.isEmpty()) {
      if (o.running()) {
        RESTART_KEYS.stream().filter(set::containsKey).sorted().forEach(restartRequired::add);
      }
      plan.add(
          new Action.UpdateConfig(
              o.node(),
              o.vmid(),
              set,
              List.of(),
              o.config().flatMap(ObservedContainer.ObservedConfig::digest),
              restartRequired));
    }
    // the firewall comes right after the config, before any task: a new container is filtered
    // before its first start, and a running one gets it live (no restart needed)
    o.firewall()
        .filter(fw -> o.config().isPresent() && !d.guestNetwork())
        .ifPresent(fw -> plan.addAll(PodFirewall.plan(o.node(), o.vmid(), d.network().ip(), fw)));
    shrinkFrom.ifPresent(
        have ->
            plan.add(
                new Action.Blocked(
                    BlockReason.DISK_SHRINK_REFUSED,
                    "root disk is "
                        + have
                        + " GiB, spec asks for "
                        + d.diskGb()
                        + " GiB; disks are never shrunk")));
    if (grow) {
      plan.add(new Action.ResizeDisk(o.node(), o.vmid(), "rootfs", d.diskGb()));
    }
    if (networkSwitch) {
      plan.add(
          new Action.Blocked(
              BlockReason.NETWORK_SWITCH_AT_RESTART,
              "spec.network: Managed takes effect at the next restart (net0 and nameserver are"
                  + " written while the container is stopped); "
                  + (d.allowRestart()
                      ? "restarting it (allowRestart)"
                      : "set spec.allowRestart: true to let the controller restart it")));
    }

    boolean restartNeeded =
        o.running() && (d.restartPending() || !restartRequired.isEmpty() || networkSwitch);
    if (d.running()) {
      if (o.stopped()) {
        plan.add(new Action.Start(o.node(), o.vmid()));
      } else if (restartNeeded && d.allowRestart()) {
        plan.add(new Action.Shutdown(o.node(), o.vmid(), d.shutdownTimeoutSeconds(), true));
      } else if (!o.running()) {
        plan.add(unknownState(o));
      }
    } else {
      if (o.running()) {
        plan.add(
            d.forceStopNext()
                ? new Action.Stop(o.node(), o.vmid())
                : new Action.Shutdown(o.node(), o.vmid(), d.shutdownTimeoutSeconds(), true));
      } else if (!o.stopped()) {
        plan.add(unknownState(o));
      }
    }
    return List.copyOf(plan);
  }

  /**
   * A new container from the archive, with a fresh VMID and MACs. The archive's config is the
   * backed-up pod's; what makes the container this pod's (marker, hostname, address) is set in the
   * restore call itself, the rest (size, nameservers, firewall, power) by the passes after it.
   */
  private static Action.RestoreContainer restore(DesiredPod d, String volid) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("hostname", d.hostname());
    config.put("tags", String.join(";", Ownership.tagsFor(d.uid(), d.tenant(), d.podSet())));
    config.put("description", Ownership.description(d.uid(), d.tenant(), d.name()));
    config.put("net0", NetConfig.desired(d.network(), Optional.empty()));
    return new Action.RestoreContainer(
        d.node(), d.vmid(), volid, d.storage(), Optional.of(d.pool()), config, false, true);
  }

  private static void differs(
      Map<String, String> set, String key, String want, Optional<String> have) {
    if (have.isEmpty() || !have.get().equals(want)) {
      set.put(key, want);
    }
  }

  private static Action locked(ObservedContainer o) {
    return new Action.Wait(
        WaitReason.LOCKED, "CT " + o.vmid() + " is locked (" + o.lock().orElseThrow() + ")");
  }

  private static Action unknownState(ObservedContainer o) {
    return new Action.Wait(
        WaitReason.STATE_UNKNOWN, "Proxmox reports CT " + o.vmid() + " as '" + o.status() + "'");
  }
}
