package io.cloudpods.cloudpod.plan;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a plan. Each action maps to exactly one Proxmox call in the executor; actions that
 * start a Proxmox task ({@link #startsTask()}) end the pass, because the reconciler never waits for
 * a task inside a reconcile: it records the task and looks again later.
 */
public sealed interface Action {

  /** Whether executing this action starts an asynchronous Proxmox task. */
  boolean startsTask();

  /** Clone the source template into a new container with our marker. */
  record CloneContainer(
      String node,
      int sourceVmid,
      int newVmid,
      String hostname,
      String pool,
      boolean full,
      Optional<String> storage,
      String description)
      implements Action {
    public CloneContainer {
      Objects.requireNonNull(storage, "storage");
      if (storage.isPresent() && !full) {
        throw new IllegalArgumentException("storage is only allowed for full clones");
      }
    }

    @Override
    public boolean startsTask() {
      return true;
    }
  }

  /**
   * Create the container from a vzdump archive ({@code POST /nodes/{node}/lxc} with {@code
   * ostemplate=<volid>&restore=1}, task {@code vzrestore}). {@code config} holds the keys set in
   * the same call, over the archive's own config: the marker tags and description, hostname and
   * network, so that the restored container is ours and never answers at the backed-up pod's
   * address. {@code force} overwrites the existing container at {@code vmid} (an in-place restore,
   * which destroys its volumes first); {@code unique} gives the new interfaces new MAC addresses.
   */
  record RestoreContainer(
      String node,
      int vmid,
      String volid,
      String storage,
      Optional<String> pool,
      Map<String, String> config,
      boolean force,
      boolean unique)
      implements Action {
    public RestoreContainer {
      Objects.requireNonNull(volid, "volid");
      Objects.requireNonNull(storage, "storage");
      Objects.requireNonNull(pool, "pool");
      config = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(config));
    }

    @Override
    public boolean startsTask() {
      return true;
    }
  }

  /**
   * Set (and delete) config keys. Synchronous on Proxmox. {@code restartRequired} lists the keys
   * whose new value only takes effect inside a running container after it restarts.
   */
  record UpdateConfig(
      String node,
      int vmid,
      Map<String, String> set,
      List<String> delete,
      Optional<String> digest,
      List<String> restartRequired)
      implements Action {
    public UpdateConfig {
      set = Map.copyOf(set);
      delete = List.copyOf(delete);
      restartRequired = List.copyOf(restartRequired);
    }

    @Override
    public boolean startsTask() {
      return false;
    }
  }

  /**
   * Set firewall options ({@code PUT .../firewall/options}), guarded by the digest of the options
   * they were computed from. Synchronous; changes are live in Proxmox.
   */
  record UpdateFirewallOptions(
      String node, int vmid, Map<String, String> set, Optional<String> digest) implements Action {
    public UpdateFirewallOptions {
      set = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(set));
    }

    @Override
    public boolean startsTask() {
      return false;
    }
  }

  /** Create an empty firewall IP set ({@code POST .../firewall/ipset}). Synchronous. */
  record CreateIpSet(String node, int vmid, String name) implements Action {
    @Override
    public boolean startsTask() {
      return false;
    }
  }

  /** Add an address to a firewall IP set ({@code POST .../firewall/ipset/{name}}). Synchronous. */
  record AddIpSetEntry(String node, int vmid, String name, String cidr) implements Action {
    @Override
    public boolean startsTask() {
      return false;
    }
  }

  /**
   * Remove an entry from a firewall IP set ({@code DELETE .../firewall/ipset/{name}/{cidr}}), named
   * as Proxmox stores it. Synchronous.
   */
  record RemoveIpSetEntry(String node, int vmid, String name, String cidr) implements Action {
    @Override
    public boolean startsTask() {
      return false;
    }
  }

  /** Grow the root disk to {@code sizeGb} GiB. */
  record ResizeDisk(String node, int vmid, String disk, int sizeGb) implements Action {
    @Override
    public boolean startsTask() {
      return true;
    }
  }

  record Start(String node, int vmid) implements Action {
    @Override
    public boolean startsTask() {
      return true;
    }
  }

  /** Graceful shutdown; with {@code forceStop} Proxmox stops it hard after the timeout. */
  record Shutdown(String node, int vmid, int timeoutSeconds, boolean forceStop) implements Action {
    @Override
    public boolean startsTask() {
      return true;
    }
  }

  /** Hard stop (after a graceful shutdown did not work). */
  record Stop(String node, int vmid) implements Action {
    @Override
    public boolean startsTask() {
      return true;
    }
  }

  /** Destroy a stopped container, with purge and unreferenced disks. */
  record Destroy(String node, int vmid) implements Action {
    @Override
    public boolean startsTask() {
      return true;
    }
  }

  /** Nothing can be done now (a lock, a lagging list); look again after a short wait. */
  record Wait(WaitReason reason, String message) implements Action {
    @Override
    public boolean startsTask() {
      return false;
    }
  }

  /**
   * Something stands in the way that the controller must not touch (a container without our marker
   * at our VMID, a disk larger than the spec): reported on the pod, never "fixed".
   */
  record Blocked(BlockReason reason, String message) implements Action {
    @Override
    public boolean startsTask() {
      return false;
    }
  }

  enum WaitReason {
    /** The container carries a Proxmox lock (create, disk, backup, ...). */
    LOCKED,
    /** Proxmox does not report the container's state yet (status unknown). */
    STATE_UNKNOWN
  }

  enum BlockReason {
    /** The VMID is used by a container that is not ours. */
    FOREIGN_CONTAINER,
    /** The spec asks for a smaller disk than the container has; disks never shrink. */
    DISK_SHRINK_REFUSED,
    /** The VMID holds a template or a non-LXC guest. */
    NOT_A_CONTAINER,
    /**
     * An adopting pod's container does not match its spec (VMID, hostname, address), is
     * infrastructure, or does not exist: nothing is changed.
     */
    ADOPTION_MISMATCH,
    /**
     * {@code spec.network} went from Guest to Managed on a running container: written only while it
     * is stopped, at its next restart (made by the controller only with {@code allowRestart}).
     */
    NETWORK_SWITCH_AT_RESTART
  }
}
