package io.cloudpods.cloudpod.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the planner needs to know about what a pod should be, already resolved: the VMID, node
 * and IP are the ones persisted in PostgreSQL before any Proxmox call, and the source template is
 * the one on the chosen node.
 *
 * @param deleting the pod is marked for deletion: converge to "no container"
 * @param forceStopNext a graceful shutdown was already tried and did not stop the container
 * @param restartPending config that only takes effect on restart was written to the running
 *     container earlier and it has not restarted since
 * @param restoreVolid the backup archive a missing container is restored from ({@code
 *     spec.restoreFrom}, resolved to its volume) instead of being cloned from the template
 * @param adoption present when the pod takes over an existing container ({@code spec.adopt}): it is
 *     never cloned, and a container without our marker becomes its own only when it matches
 * @param guestNetwork the guest owns its network config ({@code spec.network: Guest}): {@code
 *     net0}, {@code nameserver} and the firewall are never written
 */
public record DesiredPod(
    String uid,
    String tenant,
    String name,
    Optional<String> podSet,
    int vmid,
    String node,
    String hostname,
    int cores,
    int memoryMb,
    int swapMb,
    int diskGb,
    int templateVmid,
    String storage,
    boolean fullClone,
    String pool,
    Network network,
    List<String> nameservers,
    boolean running,
    boolean allowRestart,
    int shutdownTimeoutSeconds,
    boolean deleting,
    boolean forceStopNext,
    boolean restartPending,
    Optional<String> restoreVolid,
    Optional<Adoption> adoption,
    boolean guestNetwork) {

  public DesiredPod {
    restoreVolid = restoreVolid == null ? Optional.empty() : restoreVolid;
    adoption = adoption == null ? Optional.empty() : adoption;
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(podSet, "podSet");
    nameservers = List.copyOf(nameservers);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.uid = uid;
    b.tenant = tenant;
    b.name = name;
    b.podSet = podSet;
    b.vmid = vmid;
    b.node = node;
    b.hostname = hostname;
    b.cores = cores;
    b.memoryMb = memoryMb;
    b.swapMb = swapMb;
    b.diskGb = diskGb;
    b.templateVmid = templateVmid;
    b.storage = storage;
    b.fullClone = fullClone;
    b.pool = pool;
    b.network = network;
    b.nameservers = nameservers;
    b.running = running;
    b.allowRestart = allowRestart;
    b.shutdownTimeoutSeconds = shutdownTimeoutSeconds;
    b.deleting = deleting;
    b.forceStopNext = forceStopNext;
    b.restartPending = restartPending;
    b.restoreVolid = restoreVolid;
    b.adoption = adoption;
    b.guestNetwork = guestNetwork;
    return b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for tests and for the reconciler's mapping code. */
  public static final class Builder {
    private String uid;
    private String tenant;
    private String name;
    private Optional<String> podSet = Optional.empty();
    private int vmid;
    private String node;
    private String hostname;
    private int cores;
    private int memoryMb;
    private int swapMb;
    private int diskGb;
    private int templateVmid;
    private String storage;
    private boolean fullClone;
    private String pool;
    private Network network;
    private List<String> nameservers = List.of();
    private boolean running;
    private boolean allowRestart;
    private int shutdownTimeoutSeconds;
    private boolean deleting;
    private boolean forceStopNext;
    private boolean restartPending;
    private Optional<String> restoreVolid = Optional.empty();
    private Optional<Adoption> adoption = Optional.empty();
    private boolean guestNetwork;

    public Builder adoption(Optional<Adoption> adoption) {
      this.adoption = adoption;
      return this;
    }

    public Builder guestNetwork(boolean guestNetwork) {
      this.guestNetwork = guestNetwork;
      return this;
    }

    public Builder uid(String uid) {
      this.uid = uid;
      return this;
    }

    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder podSet(Optional<String> podSet) {
      this.podSet = podSet;
      return this;
    }

    public Builder vmid(int vmid) {
      this.vmid = vmid;
      return this;
    }

    public Builder node(String node) {
      this.node = node;
      return this;
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder cores(int cores) {
      this.cores = cores;
      return this;
    }

    public Builder memoryMb(int memoryMb) {
      this.memoryMb = memoryMb;
      return this;
    }

    public Builder swapMb(int swapMb) {
      this.swapMb = swapMb;
      return this;
    }

    public Builder diskGb(int diskGb) {
      this.diskGb = diskGb;
      return this;
    }

    public Builder templateVmid(int templateVmid) {
      this.templateVmid = templateVmid;
      return this;
    }

    public Builder storage(String storage) {
      this.storage = storage;
      return this;
    }

    public Builder fullClone(boolean fullClone) {
      this.fullClone = fullClone;
      return this;
    }

    public Builder pool(String pool) {
      this.pool = pool;
      return this;
    }

    public Builder network(Network network) {
      this.network = network;
      return this;
    }

    public Builder nameservers(List<String> nameservers) {
      this.nameservers = nameservers;
      return this;
    }

    public Builder running(boolean running) {
      this.running = running;
      return this;
    }

    public Builder allowRestart(boolean allowRestart) {
      this.allowRestart = allowRestart;
      return this;
    }

    public Builder shutdownTimeoutSeconds(int shutdownTimeoutSeconds) {
      this.shutdownTimeoutSeconds = shutdownTimeoutSeconds;
      return this;
    }

    public Builder deleting(boolean deleting) {
      this.deleting = deleting;
      return this;
    }

    public Builder forceStopNext(boolean forceStopNext) {
      this.forceStopNext = forceStopNext;
      return this;
    }

    public Builder restartPending(boolean restartPending) {
      this.restartPending = restartPending;
      return this;
    }

    public Builder restoreVolid(Optional<String> restoreVolid) {
      this.restoreVolid = restoreVolid;
      return this;
    }

    public DesiredPod build() {
      return new DesiredPod(
          uid,
          tenant,
          name,
          podSet,
          vmid,
          node,
          hostname,
          cores,
          memoryMb,
          swapMb,
          diskGb,
          templateVmid,
          storage,
          fullClone,
          pool,
          network,
          nameservers,
          running,
          allowRestart,
          shutdownTimeoutSeconds,
          deleting,
          forceStopNext,
          restartPending,
          restoreVolid,
          adoption,
          guestNetwork);
    }
  }

  /**
   * What an adopting pod may take over besides a container without any marker.
   *
   * @param orphanUid the uid in the marker of an orphan ({@code cloudpods orphans adopt}): a
   *     container carrying exactly that marker, whose pod is not stored, may be taken over too
   */
  public record Adoption(Optional<String> orphanUid) {
    public static Adoption unmarked() {
      return new Adoption(Optional.empty());
    }
  }

  /** The pod's interface: {@code name=eth0,bridge=<bridge>,ip=<ip>/<prefix>,gw=<gateway>}. */
  public record Network(String bridge, String ip, int prefixLength, String gateway) {}
}
