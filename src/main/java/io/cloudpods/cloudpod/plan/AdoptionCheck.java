package io.cloudpods.cloudpod.plan;

import java.util.Map;
import java.util.Optional;

/**
 * Whether a container without this pod's marker may become the pod's ({@code spec.adopt: true}):
 * pure, one answer naming the first field that does not match. The VMID matches by construction
 * (the container is the one at the pod's VMID); hostname and address must be the spec's; and
 * infrastructure (pool {@value #INFRA_POOL}, VMIDs {@value #INFRA_VMID_START}–{@value
 * #INFRA_VMID_END}, a template) is never taken, whatever the spec says. Under {@code network:
 * Guest} a {@code net0} of {@code ip=manual} matches: the scripts write the address only inside the
 * guest.
 */
public final class AdoptionCheck {

  /** The infrastructure pool of the seed layout; its guests are never adopted. */
  public static final String INFRA_POOL = "MigraTeck_Production";

  public static final int INFRA_VMID_START = 100;
  public static final int INFRA_VMID_END = 499;

  private AdoptionCheck() {}

  /**
   * Why {@code o} cannot be adopted by {@code d}, as {@code field: reason}; empty when it can. The
   * container's config must have been read.
   */
  public static Optional<String> mismatch(DesiredPod d, ObservedContainer o) {
    if (o.template() || !"lxc".equals(o.type())) {
      return Optional.of(
          "vmid: VMID " + o.vmid() + " is a " + (o.template() ? "template" : o.type()));
    }
    if (o.pool().map(INFRA_POOL::equals).orElse(false)) {
      return Optional.of(
          "vmid: CT " + o.vmid() + " is infrastructure (pool " + INFRA_POOL + "); never adopted");
    }
    if (o.vmid() >= INFRA_VMID_START && o.vmid() <= INFRA_VMID_END) {
      return Optional.of(
          "vmid: CT "
              + o.vmid()
              + " is infrastructure (VMIDs "
              + INFRA_VMID_START
              + "-"
              + INFRA_VMID_END
              + "); never adopted");
    }
    Optional<String> owner = Ownership.ownerUid(o.tags());
    if (owner.isPresent() && !d.adoption().flatMap(DesiredPod.Adoption::orphanUid).equals(owner)) {
      return Optional.of(
          "tags: CT "
              + o.vmid()
              + " carries the marker of another CloudPod (uid "
              + owner.get()
              + ")");
    }
    ObservedContainer.ObservedConfig c = o.config().orElseThrow();
    String host = c.hostname().orElse("");
    if (!host.equals(d.hostname())) {
      return Optional.of(
          "hostname: CT "
              + o.vmid()
              + " has hostname '"
              + host
              + "', the pod is '"
              + d.hostname()
              + "'");
    }
    Map<String, String> net = NetConfig.parse(c.net0().orElse(""));
    String ip = net.get("ip");
    String want = d.network().ip();
    if ("manual".equals(ip)) {
      if (!d.guestNetwork()) {
        return Optional.of(
            "net0: CT "
                + o.vmid()
                + " has ip=manual (its address is set inside the guest); adopt it with"
                + " spec.network: Guest");
      }
      return Optional.empty();
    }
    Optional<String> have = NetConfig.ipv4(c.net0().orElse(""));
    if (have.isEmpty()) {
      return Optional.of(
          "net0: CT "
              + o.vmid()
              + " has "
              + (ip == null ? "no address" : "ip=" + ip)
              + "; spec.ip is "
              + want);
    }
    if (!have.get().equals(want)) {
      return Optional.of(
          "spec.ip: CT " + o.vmid() + " has address " + have.get() + ", spec.ip is " + want);
    }
    return Optional.empty();
  }
}
