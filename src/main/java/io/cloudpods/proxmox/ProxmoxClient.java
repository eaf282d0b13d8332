package io.cloudpods.proxmox;

import java.util.List;
import java.util.Optional;

/**
 * Access to one Proxmox VE cluster through its REST API ({@code /api2/json}), speaking our own
 * records. Every method either returns the server's answer or throws a {@link ProxmoxException}
 * subclass (never a raw I/O or JSON exception), carrying method, path, HTTP status and whether a
 * retry can help ({@link ProxmoxException#isRetryable()}).
 *
 * <p>Asynchronous operations return the {@link Upid} of the task the server forked; the call
 * returning means only that the task was <em>started</em>. Follow it with {@link #taskStatus(Upid)}
 * and classify a failure with {@link TaskStatus#failure()}. Some checks happen before the task is
 * forked (synchronous errors, thrown here), others only inside the task (its exit status): e.g. a
 * second clone of a source being cloned fails here with {@link ProxmoxLockedException}, while a
 * clone onto a storage without container support fails in the task.
 *
 * <p>Implementations are thread-safe. Calls are not retried by the client: non-idempotent
 * operations (clone, create) must not run twice by accident, so retry policy belongs to the caller.
 */
public interface ProxmoxClient {

  // ---- cluster and nodes ------------------------------------------------------------------------

  /**
   * This client asking {@code fence} before every change it makes (see {@link MutationFence}). A
   * client that cannot fence (a test double) answers itself.
   */
  default ProxmoxClient fencedBy(MutationFence fence) {
    return this;
  }

  /** {@code GET /version}. Cached by implementations after the first successful call. */
  VersionInfo version();

  /** {@code GET /nodes}. */
  List<NodeInfo> nodes();

  /**
   * {@code GET /cluster/resources}: every entry of a known type (guests, nodes, storages, pools,
   * SDN).
   */
  List<ClusterResource> clusterResources();

  /** {@code GET /cluster/resources?type=}: only entries of one type. */
  List<ClusterResource> clusterResources(ResourceType type);

  /** Convenience: the LXC guests of {@code clusterResources(VM)}. */
  default List<ClusterResource.Guest> clusterContainers() {
    return clusterResources(ResourceType.VM).stream()
        .filter(ClusterResource.Guest.class::isInstance)
        .map(ClusterResource.Guest.class::cast)
        .filter(g -> g.type() == ClusterResource.GuestType.LXC)
        .toList();
  }

  /** {@code GET /nodes/{node}/status}: CPU, memory, swap and root filesystem of the node. */
  NodeStatus nodeStatus(String node);

  /** {@code GET /nodes/{node}/storage}: storages enabled on the node with their usage. */
  List<NodeStorage> nodeStorages(String node);

  /**
   * {@code GET /cluster/nextid}: the lowest unused vmid. Reserves nothing: a concurrent caller can
   * get the same id, and the loser's create/clone fails with {@link ProxmoxAlreadyExistsException}.
   */
  int nextId();

  /**
   * {@code GET /cluster/nextid?vmid=N}: whether {@code vmid} is unused cluster-wide (any guest
   * type).
   */
  boolean isVmidFree(int vmid);

  // ---- tasks ------------------------------------------------------------------------------------

  /**
   * {@code GET /nodes/{upid.node}/tasks/{upid}/status}. A task unknown to the server raises {@link
   * ProxmoxNotFoundException}.
   */
  TaskStatus taskStatus(Upid upid);

  /** {@code GET /nodes/{upid.node}/tasks/{upid}/log?start=&limit=}; {@code start} is 0-based. */
  TaskLog taskLog(Upid upid, int start, int limit);

  // ---- containers -------------------------------------------------------------------------------

  /**
   * {@code GET /nodes/{node}/lxc}: containers whose config lives on {@code node}, in server order.
   */
  List<LxcStatus> listContainers(String node);

  /** {@code POST /nodes/{node}/lxc} (task {@code vzcreate}). */
  Upid createContainer(String node, CreateContainerRequest request);

  /**
   * {@code POST /nodes/{node}/lxc/{sourceVmid}/clone} (task {@code vzclone}; its UPID id is the
   * <em>source</em> vmid). The source is locked ({@code disk}) for the whole copy, so concurrent
   * clones of one source fail with {@link ProxmoxLockedException}.
   */
  Upid cloneContainer(String node, int sourceVmid, CloneRequest request);

  /**
   * {@code GET /nodes/{node}/lxc/{vmid}/config} (pending values merged, as the server does by
   * default).
   */
  LxcConfig getConfig(String node, int vmid);

  /**
   * {@code PUT /nodes/{node}/lxc/{vmid}/config}: synchronous, returns nothing. Fails with {@link
   * ProxmoxLockedException} if the container is locked, {@link ProxmoxDigestConflictException} if a
   * digest was given and the config changed.
   */
  void updateConfig(String node, int vmid, ConfigUpdate update);

  /** {@code GET /nodes/{node}/lxc/{vmid}/status/current}. */
  LxcStatus status(String node, int vmid);

  /**
   * {@code POST .../status/start} (task {@code vzstart}). Already running: {@link
   * ProxmoxPowerStateException}.
   */
  Upid start(String node, int vmid);

  /**
   * {@code POST .../status/stop} (task {@code vzstop}): immediate stop. Not running: {@link
   * ProxmoxPowerStateException}.
   */
  Upid stop(String node, int vmid);

  /**
   * {@code POST .../status/shutdown} (task {@code vzshutdown}): clean shutdown, waiting up to
   * {@code timeoutSeconds}; with {@code forceStop} the container is stopped when the wait runs out,
   * otherwise the task fails with {@code container did not stop}.
   */
  Upid shutdown(String node, int vmid, int timeoutSeconds, boolean forceStop);

  /**
   * {@code DELETE /nodes/{node}/lxc/{vmid}} (task {@code vzdestroy}; options go in the query
   * string). A running container without {@code force} fails with {@link
   * ProxmoxPowerStateException}.
   */
  Upid delete(String node, int vmid, DeleteOptions options);

  /**
   * {@code POST .../template}: converts a stopped container to a template. The server returns no
   * task id (it runs a hidden {@code vztemplate} task); completion shows as {@code template = true}
   * in the config.
   */
  void convertToTemplate(String node, int vmid);

  /**
   * {@code PUT .../resize} (task {@code resize}). {@code size} is absolute ({@code 16G}) or a
   * growth ({@code +4G}); shrinking is refused.
   */
  Upid resize(String node, int vmid, String disk, String size);

  // ---- snapshots --------------------------------------------------------------------------------

  /** {@code GET .../snapshot}: the snapshots, without the server's {@code current} pseudo-entry. */
  List<Snapshot> listSnapshots(String node, int vmid);

  /** {@code POST .../snapshot} (task {@code vzsnapshot}). */
  Upid createSnapshot(String node, int vmid, String snapname, Optional<String> description);

  /**
   * {@code POST .../snapshot/{snapname}/rollback} (task {@code vzrollback}); optionally start
   * afterwards.
   */
  Upid rollbackSnapshot(String node, int vmid, String snapname, boolean start);

  /** {@code DELETE .../snapshot/{snapname}} (task {@code vzdelsnapshot}). */
  Upid deleteSnapshot(String node, int vmid, String snapname, boolean force);

  // ---- backup and storage -----------------------------------------------------------------------

  /** {@code POST /nodes/{node}/vzdump} (task {@code vzdump}), or nothing to do. */
  VzdumpResult vzdump(String node, VzdumpRequest request);

  /**
   * {@code GET /nodes/{node}/storage/{storage}/content}, optionally filtered by content type
   * ({@code backup}, {@code vztmpl}, {@code rootdir}, ...) and owner vmid.
   */
  List<StorageContent> storageContent(
      String node, String storage, Optional<String> content, Optional<Integer> vmid);

  /**
   * {@code DELETE /nodes/{node}/storage/{storage}/content/{volume}} (task {@code imgdel}). The call
   * itself is accepted for a protected volume too: it is the task that fails ({@code cannot remove
   * protected volume ...}), and a volume already gone ends the task OK with a warning. Read the
   * task's outcome, not the answer, to know whether the archive went.
   */
  Upid deleteVolume(String node, String storage, String volid);

  /**
   * {@code PUT /nodes/{node}/storage/{storage}/content/{volume}}: sets a backup's {@code notes}
   * and/or {@code protected} flag; absent values are left as they are.
   */
  void updateVolume(
      String node, String storage, String volid, Optional<String> notes, Optional<Boolean> protect);

  /**
   * {@code GET /nodes/{node}/storage/{storage}/prunebackups}: what Proxmox's prune would keep and
   * remove for {@code pruneBackups} (a {@code prune-backups} property string such as {@code
   * keep-last=7,keep-daily=3}; empty = the storage's own setting), optionally for one guest.
   */
  List<PruneMark> pruneDryRun(
      String node, String storage, Optional<String> pruneBackups, Optional<Integer> vmid);

  /**
   * {@code DELETE /nodes/{node}/storage/{storage}/prunebackups} (task {@code prunebackups}):
   * removes what {@link #pruneDryRun} marks {@code remove}.
   */
  Upid pruneBackups(
      String node, String storage, Optional<String> pruneBackups, Optional<Integer> vmid);

  /** {@code GET /storage}: the cluster's storage definitions. */
  List<StorageConfig> storages();

  // ---- pools ------------------------------------------------------------------------------------

  /** {@code GET /pools}: pools without members. */
  List<Pool> pools();

  /**
   * One pool with its members. PVE 8.1+: {@code GET /pools?poolid=}; older: {@code GET
   * /pools/{poolid}}. A missing pool raises {@link ProxmoxNotFoundException}.
   */
  Pool pool(String poolId);

  /** {@code POST /pools}. An existing pool raises {@link ProxmoxAlreadyExistsException}. */
  void createPool(String poolId, Optional<String> comment);

  /**
   * Adds guests and/or storages to a pool. PVE 8.1+: {@code PUT /pools} with {@code poolid}; older:
   * {@code PUT /pools/{poolid}}. With {@code allowMove}, guests in another pool are moved (PVE 8.1+
   * only; ignored on older servers).
   */
  void addPoolMembers(String poolId, List<Integer> vmids, List<String> storages, boolean allowMove);

  /**
   * Removes guests and/or storages from a pool ({@code delete=1} on the same endpoints as adding).
   */
  void removePoolMembers(String poolId, List<Integer> vmids, List<String> storages);

  // ---- container firewall -----------------------------------------------------------------------
  // pve-firewall API2/Firewall/{VM,IPSet}.pm. Proxmox does not check that the container exists:
  // the calls read and write /etc/pve/firewall/<vmid>.fw, which destroying the container removes.

  /** {@code GET /nodes/{node}/lxc/{vmid}/firewall/options}. */
  FirewallOptions firewallOptions(String node, int vmid);

  /**
   * {@code PUT /nodes/{node}/lxc/{vmid}/firewall/options}: options to set ({@code enable}, {@code
   * ipfilter}, {@code policy_in}, ...), to delete, and an optional digest of the options the change
   * was computed from ({@link ProxmoxDigestConflictException} if they changed meanwhile).
   */
  void updateFirewallOptions(String node, int vmid, ConfigUpdate update);

  /** {@code GET /nodes/{node}/lxc/{vmid}/firewall/ipset}: the IP sets, sorted by name. */
  List<IpSet> ipSets(String node, int vmid);

  /**
   * {@code POST /nodes/{node}/lxc/{vmid}/firewall/ipset}: a new, empty IP set. An existing one
   * raises {@link ProxmoxAlreadyExistsException}.
   */
  void createIpSet(String node, int vmid, String name, Optional<String> comment);

  /**
   * {@code DELETE /nodes/{node}/lxc/{vmid}/firewall/ipset/{name}}; with {@code force} also when it
   * has entries (else {@link ProxmoxRejectedException}).
   */
  void deleteIpSet(String node, int vmid, String name, boolean force);

  /**
   * {@code GET /nodes/{node}/lxc/{vmid}/firewall/ipset/{name}}: the entries, sorted by address. A
   * missing set raises {@link ProxmoxNotFoundException}.
   */
  List<IpSetEntry> ipSetEntries(String node, int vmid, String name);

  /**
   * {@code POST /nodes/{node}/lxc/{vmid}/firewall/ipset/{name}}: adds an address or network ({@code
   * 10.1.10.50}, {@code 10.1.10.50/32} is stored as {@code 10.1.10.50}). An entry already there
   * raises {@link ProxmoxAlreadyExistsException}, a missing set {@link ProxmoxNotFoundException}.
   */
  void addIpSetEntry(String node, int vmid, String name, String cidr, Optional<String> comment);

  /**
   * {@code DELETE /nodes/{node}/lxc/{vmid}/firewall/ipset/{name}/{cidr}}: removes the entry (an
   * absent entry is no error; a missing set raises {@link ProxmoxNotFoundException}).
   */
  void removeIpSetEntry(String node, int vmid, String name, String cidr);
}
