package io.cloudpods.cloudpod.observe;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.CONFIG_SYNCED;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.cloudpod.plan.ObservedContainer;
import io.cloudpods.cloudpod.plan.ObservedContainer.ObservedConfig;
import io.cloudpods.cloudpod.plan.ObservedFirewall;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.cloudpod.plan.PodFirewall;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ClusterResource.Guest;
import io.cloudpods.proxmox.FirewallOptions;
import io.cloudpods.proxmox.IpSetEntry;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.LxcStatus;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxPermissionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The observe step: what the pod's container looks like. A pod that a full read showed converged at
 * its generation is checked against the cluster snapshot only; anything else, or a snapshot that
 * shows a difference, is read in full ({@code GET …/config} and {@code …/status/current}, and for a
 * container with the pod's marker its firewall options and {@code ipfilter-net0} set).
 */
public final class ContainerObserver {

  private final ProxmoxClient client;
  private final ClusterObserver cluster;
  private final ConvergenceCache cache;
  private final Clock clock;

  public ContainerObserver(
      ProxmoxClient client, ClusterObserver cluster, ConvergenceCache cache, Clock clock) {
    this.client = client;
    this.cluster = cluster;
    this.cache = cache;
    this.clock = clock;
  }

  /**
   * The container at {@code vmid}: from the cluster snapshot when the pod was verified converged by
   * a full read and the snapshot, newer than that, still shows it so; otherwise read in full.
   */
  public Optional<ObservedContainer> observe(Pass p, int vmid, String node) {
    ClusterSnapshot snap = cluster.current();
    Optional<ConvergenceCache.Verified> v = cache.current(p.key, p.generation, now());
    if (v.isPresent()) {
      if (!snap.takenAt().isAfter(v.get().at())) {
        return Optional.of(fromGuestOrAssumeConverged(snap, vmid, node, p));
      }
      Optional<Guest> g = snap.guest(vmid);
      if (g.isPresent()
          && ConvergenceCache.looksConverged(
              p.spec, p.key, p.pod.metadata().uid(), p.ownerPodSet(), g.get())) {
        return Optional.of(fromGuest(g.get()));
      }
    }
    return read(p, vmid, node, true);
  }

  /**
   * Reads the container's config and status from Proxmox (two calls); empty if it does not exist.
   * The firewall is not read (deletion has no use for it).
   */
  public Optional<ObservedContainer> observeFresh(Pass p, int vmid, String nodeHint) {
    return read(p, vmid, nodeHint, false);
  }

  private Optional<ObservedContainer> read(
      Pass p, int vmid, String nodeHint, boolean withFirewall) {
    ClusterSnapshot snap = cluster.current();
    Optional<Guest> listed = snap.guest(vmid);
    if (listed.isPresent() && listed.get().type() != ClusterResource.GuestType.LXC) {
      return Optional.of(fromGuest(listed.get()));
    }
    String node = listed.map(Guest::node).orElse(nodeHint);
    LxcConfig config;
    LxcStatus status;
    try {
      config = client.getConfig(node, vmid);
      status = client.status(node, vmid);
    } catch (ProxmoxNotFoundException e) {
      return Optional.empty();
    } catch (ProxmoxPermissionException e) {
      // A least-privilege token may not read an ID that is in no pool (VM.Audit comes from
      // /pool/ClientPods): not yet cloned or already destroyed (a lagging snapshot may still list
      // it). Free means absent; taken by a guest we cannot see, the refusal stands.
      if (client.isVmidFree(vmid)) {
        return Optional.empty();
      }
      throw e;
    }
    Optional<Integer> rootGb = config.rootfsSize().flatMap(ContainerObserver::sizeToGb);
    ObservedConfig oc =
        new ObservedConfig(
            config.hostname(),
            boxed(config.cores()),
            boxed(config.memory()),
            boxed(config.swap()),
            rootGb,
            Optional.ofNullable(config.nets().get(0)),
            config.nameserver(),
            Optional.ofNullable(config.digest()),
            config.description());
    clearRestartPendingIfRestarted(p, status);
    ObservedContainer o =
        new ObservedContainer(
            vmid,
            node,
            "lxc",
            status.status().name().toLowerCase(Locale.ROOT),
            config.lock(),
            config.template(),
            Set.copyOf(config.tags()),
            Optional.of(oc),
            Optional.empty(),
            listed.flatMap(Guest::pool));
    // the firewall of a container without this pod's marker is never read, let alone changed
    if (withFirewall && o.ownedBy(p.pod.metadata().uid()) && o.lock().isEmpty() && !o.template()) {
      o =
          new ObservedContainer(
              o.vmid(),
              o.node(),
              o.type(),
              o.status(),
              o.lock(),
              o.template(),
              o.tags(),
              o.config(),
              Optional.of(firewall(node, vmid)),
              o.pool());
    }
    return Optional.of(o);
  }

  /** Two calls: the options, and the {@value PodFirewall#IPSET} set (absent: not created yet). */
  private ObservedFirewall firewall(String node, int vmid) {
    FirewallOptions options = client.firewallOptions(node, vmid);
    Optional<Map<String, Boolean>> set;
    try {
      Map<String, Boolean> entries = new LinkedHashMap<>();
      for (IpSetEntry e : client.ipSetEntries(node, vmid, PodFirewall.IPSET)) {
        entries.put(e.cidr(), e.nomatch());
      }
      set = Optional.of(entries);
    } catch (ProxmoxNotFoundException e) {
      set = Optional.empty();
    }
    return new ObservedFirewall(options.options(), options.digest(), set);
  }

  /**
   * The container as the full read that verified it found it: a snapshot taken before that read is
   * older news (it may even predate the marker written right after the clone), so only its node is
   * used.
   */
  private ObservedContainer fromGuestOrAssumeConverged(
      ClusterSnapshot snap, int vmid, String node, Pass p) {
    Optional<Guest> listed = snap.guest(vmid);
    if (listed.isPresent()
        && ConvergenceCache.looksConverged(
            p.spec, p.key, p.pod.metadata().uid(), p.ownerPodSet(), listed.get())) {
      return fromGuest(listed.get());
    }
    return new ObservedContainer(
        vmid,
        listed.map(Guest::node).orElse(node),
        "lxc",
        p.wantsRunning() ? "running" : "stopped",
        Optional.empty(),
        false,
        Ownership.tagsFor(p.pod.metadata().uid(), p.key.tenant(), p.ownerPodSet()),
        Optional.empty());
  }

  private static ObservedContainer fromGuest(Guest g) {
    return new ObservedContainer(
        g.vmid(),
        g.node(),
        g.type().name().toLowerCase(Locale.ROOT),
        g.status().name().toLowerCase(Locale.ROOT),
        g.lock(),
        g.template(),
        Set.copyOf(g.tags()),
        Optional.empty(),
        Optional.empty(),
        g.pool());
  }

  /** A restart-only change is applied once the container has been down since it was written. */
  private void clearRestartPendingIfRestarted(Pass p, LxcStatus status) {
    Conditions.find(p.status.conditions(), CONFIG_SYNCED)
        .filter(
            c ->
                CloudPodConditions.RESTART_REQUIRED.equals(c.reason())
                    && c.lastTransitionTime() != null)
        .ifPresent(
            c -> {
              long since = Duration.between(c.lastTransitionTime(), now()).toSeconds();
              if (!status.isRunning() || status.uptime() < since) {
                p.status.condition(
                    CONFIG_SYNCED,
                    true,
                    CloudPodConditions.CONVERGED,
                    "restarted with the new config");
              }
            });
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static Optional<Integer> boxed(OptionalInt v) {
    return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
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
