package io.cloudpods.cloudpod.plan;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What Proxmox reports for the guest at a pod's VMID.
 *
 * @param type {@code lxc} or {@code qemu}
 * @param status {@code running}, {@code stopped} or {@code unknown} (a list that has not caught up)
 * @param tags the guest's tags as Proxmox stores them (lower-case)
 * @param config the container's config, when it was read in this pass
 * @param firewall the container's firewall, when it was read in this pass (only for a container
 *     with the pod's marker)
 * @param pool the Proxmox pool the cluster list shows it in, when known
 */
public record ObservedContainer(
    int vmid,
    String node,
    String type,
    String status,
    Optional<String> lock,
    boolean template,
    Set<String> tags,
    Optional<ObservedConfig> config,
    Optional<ObservedFirewall> firewall,
    Optional<String> pool) {

  public ObservedContainer {
    pool = pool == null ? Optional.empty() : pool;
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(firewall, "firewall");
    tags = Set.copyOf(tags);
  }

  /** Without the pool (not listed yet, or not asked for). */
  public ObservedContainer(
      int vmid,
      String node,
      String type,
      String status,
      Optional<String> lock,
      boolean template,
      Set<String> tags,
      Optional<ObservedConfig> config,
      Optional<ObservedFirewall> firewall) {
    this(vmid, node, type, status, lock, template, tags, config, firewall, Optional.empty());
  }

  /** The same observation with the pool the cluster list shows. */
  public ObservedContainer withPool(Optional<String> newPool) {
    return new ObservedContainer(
        vmid, node, type, status, lock, template, tags, config, firewall, newPool);
  }

  /** Without the firewall: not read (a list entry, or a container that is not the pod's). */
  public ObservedContainer(
      int vmid,
      String node,
      String type,
      String status,
      Optional<String> lock,
      boolean template,
      Set<String> tags,
      Optional<ObservedConfig> config) {
    this(
        vmid, node, type, status, lock, template, tags, config, Optional.empty(), Optional.empty());
  }

  public boolean running() {
    return "running".equals(status);
  }

  public boolean stopped() {
    return "stopped".equals(status);
  }

  /**
   * The config keys the planner compares.
   *
   * @param rootfsSizeGb the root disk's size in GiB (rounded up), empty when unknown
   * @param nameserver space-separated, as Proxmox stores it
   */
  public record ObservedConfig(
      Optional<String> hostname,
      Optional<Integer> cores,
      Optional<Integer> memoryMb,
      Optional<Integer> swapMb,
      Optional<Integer> rootfsSizeGb,
      Optional<String> net0,
      Optional<String> nameserver,
      Optional<String> digest,
      Optional<String> description) {

    public ObservedConfig(
        Optional<String> hostname,
        Optional<Integer> cores,
        Optional<Integer> memoryMb,
        Optional<Integer> swapMb,
        Optional<Integer> rootfsSizeGb,
        Optional<String> net0,
        Optional<String> nameserver,
        Optional<String> digest) {
      this(
          hostname,
          cores,
          memoryMb,
          swapMb,
          rootfsSizeGb,
          net0,
          nameserver,
          digest,
          Optional.empty());
    }
  }

  /**
   * Whether this container carries the marker of the pod with {@code uid}: its tags, or (right
   * after a clone, before the tags are set) the description written by the clone.
   */
  public boolean ownedBy(String uid) {
    return Ownership.ownedBy(tags, uid)
        || config
            .flatMap(ObservedConfig::description)
            .map(d -> Ownership.describes(d, uid))
            .orElse(false);
  }
}
