package io.cloudpods.testsupport;

import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.CreateContainerRequest;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.FirewallOptions;
import io.cloudpods.proxmox.IpSet;
import io.cloudpods.proxmox.IpSetEntry;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.LxcStatus;
import io.cloudpods.proxmox.NodeInfo;
import io.cloudpods.proxmox.NodeStatus;
import io.cloudpods.proxmox.NodeStorage;
import io.cloudpods.proxmox.Pool;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxErrorMapper;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ResourceType;
import io.cloudpods.proxmox.Snapshot;
import io.cloudpods.proxmox.StorageConfig;
import io.cloudpods.proxmox.StorageContent;
import io.cloudpods.proxmox.TaskLog;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.VersionInfo;
import io.cloudpods.proxmox.VzdumpRequest;
import io.cloudpods.proxmox.VzdumpResult;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@link ProxmoxClient} that keeps a whole cluster in memory, for plain unit tests of the
 * controller: no HTTP, no Quarkus, no timing. It answers the way {@code io.cloudpods.sim} (and so
 * Proxmox) does where the controller can tell: the same message texts, turned into exceptions by
 * {@link ProxmoxErrorMapper} exactly as {@code HttpProxmoxClient} turns the simulator's HTTP errors
 * into exceptions, so the exception classes, HTTP statuses and {@code isRetryable()} match.
 *
 * <p><b>Tasks</b> never finish by themselves: an asynchronous call returns a real-looking UPID and
 * the task stays {@code running} until the test calls {@link #finishTask}, {@link #failTask} or
 * {@link #finishAllTasks} (or turns on {@link #autoFinishTasks}). The task's effect (container
 * created, started, destroyed, disk grown) happens when it finishes OK, and the checks Proxmox
 * makes inside the worker (template cannot start, lock taken meanwhile, storage full...) are made
 * then too, failing the task with the real exit status. The checks Proxmox makes before forking the
 * worker throw from the call, as they do over HTTP. Like the simulator, a clone writes the new
 * container's config at once with {@code lock: create} and locks the source with {@code disk}; a
 * destroy turns the config into {@code lock: destroyed} until the task ends; start, stop, shutdown,
 * resize and destroy hold the container's config flock while they run, so a synchronous config
 * change meanwhile fails with the flock timeout the real server would answer after waiting ten
 * seconds.
 *
 * <p><b>Faults</b>: {@link #failNext} makes the next call of a method throw without effect; {@link
 * #loseAnswerOfNext} lets the next call take effect and then throws the transient error a dropped
 * answer produces. <b>Journal</b>: {@link #mutations()} lists every accepted mutating call; {@link
 * #calls(String)} counts every call, failed or not. Hand-made changes ({@link #editConfig}, {@link
 * #stopByHand}, ...) model an operator and are not journaled.
 *
 * <p>Thread-safe: every call runs under this object's monitor.
 */
public final class FakeProxmoxClient implements ProxmoxClient {

  public static final long MIB = 1L << 20;
  public static final long GIB = 1L << 30;

  /** The user the UPIDs carry, like an API token's auth id. */
  public static final String DEFAULT_USER = "cloudpods@pve!controller";

  private static final Set<String> METHODS =
      Arrays.stream(ProxmoxClient.class.getMethods())
          .filter(m -> !m.isDefault() && !java.lang.reflect.Modifier.isStatic(m.getModifiers()))
          .map(Method::getName)
          .collect(Collectors.toUnmodifiableSet());

  private static final Set<String> NUMERIC_KEYS =
      Set.of(
          "cores",
          "cpuunits",
          "memory",
          "swap",
          "onboot",
          "protection",
          "unprivileged",
          "template",
          "tty",
          "console",
          "debug");
  private static final Set<String> CONFIG_KEYS =
      Set.of(
          "hostname",
          "cores",
          "cpulimit",
          "cpuunits",
          "memory",
          "swap",
          "nameserver",
          "searchdomain",
          "onboot",
          "protection",
          "unprivileged",
          "template",
          "console",
          "debug",
          "features",
          "tags",
          "description",
          "timezone",
          "arch",
          "ostype",
          "tty",
          "cmode",
          "startup",
          "hookscript",
          "lock",
          "rootfs");
  private static final Pattern FAMILY_KEY = Pattern.compile("(net\\d+|mp\\d+|unused\\d+)");
  private static final Set<String> NOT_CLONED =
      Set.of("rootfs", "template", "lock", "parent", "snapdescription");
  private static final Set<String> REQUIRED_KEYS = Set.of("memory", "rootfs", "ostype", "arch");
  private static final Set<String> READ_ONLY = Set.of("unprivileged");
  private static final Set<String> NET_KEYS =
      Set.of(
          "name",
          "bridge",
          "hwaddr",
          "ip",
          "gw",
          "ip6",
          "gw6",
          "firewall",
          "tag",
          "trunks",
          "rate",
          "mtu",
          "link_down",
          "type",
          "host-managed");
  private static final Pattern TAG =
      Pattern.compile("[a-z0-9_][a-z0-9_\\-+.]*", Pattern.CASE_INSENSITIVE);
  private static final Pattern TAG_SPLIT = Pattern.compile("[;,\\s]+");
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT])?");
  private static final Pattern NET_INDEX = Pattern.compile("net(\\d+)");

  // ---- state
  // --------------------------------------------------------------------------------------

  private final Clock clock;
  private final String user;
  private final Map<String, FNode> nodes = new ConcurrentHashMap<>();
  private final Map<Integer, FGuest> guests = new ConcurrentHashMap<>();
  private final Map<Integer, Deque<String>> backupFaults = new java.util.HashMap<>();
  private final Set<Integer> snapshotUnsupported = new java.util.HashSet<>();
  private final Map<String, FPool> pools = new ConcurrentHashMap<>();

  /** {@code /etc/pve/firewall/<vmid>.fw} by VMID, as the simulator keeps it. */
  private final Map<Integer, FFirewall> firewalls = new ConcurrentHashMap<>();

  private final Map<String, FTask> tasks = new ConcurrentHashMap<>();
  private final List<Mutation> journal = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> callCounts = new ConcurrentHashMap<>();
  private final Map<String, Deque<ProxmoxException>> failures = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> lostAnswers = new ConcurrentHashMap<>();
  private final Set<Integer> ignoringShutdown = ConcurrentHashMap.newKeySet();
  private volatile boolean autoFinish;
  private volatile boolean statsLag;
  private volatile VersionInfo version = new VersionInfo("8.2.4", "8.2", "faf2c9a8b4b5b6b7");
  private int nextPid = 0x2A000;
  private long taskSeq;
  private int macSeq;

  public FakeProxmoxClient() {
    this(Clock.systemUTC());
  }

  public FakeProxmoxClient(Clock clock) {
    this(clock, DEFAULT_USER);
  }

  public FakeProxmoxClient(Clock clock, String user) {
    this.clock = clock;
    this.user = user;
  }

  // ---- records a test sees
  // ------------------------------------------------------------------------

  /**
   * An accepted mutating call: client method, node and vmid it addressed, parameters as sent on the
   * wire.
   */
  public record Mutation(
      String method, String node, int vmid, Map<String, String> params, Optional<Upid> task) {
    public Mutation {
      params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** {@code method vmid}, handy for {@code extracting(Mutation::summary)}. */
    public String summary() {
      return method + " " + vmid;
    }
  }

  /**
   * A guest as the fake holds it (a copy). {@code config} holds the stored values (description
   * without trailing newline).
   */
  public record GuestState(
      int vmid,
      String type,
      String node,
      PowerState status,
      Optional<String> lock,
      Optional<String> pool,
      boolean template,
      Map<String, String> config,
      List<String> snapshots) {

    public Optional<String> get(String key) {
      return Optional.ofNullable(config.get(key));
    }

    public List<String> tags() {
      String t = config.get("tags");
      return t == null || t.isBlank() ? List.of() : List.of(t.split(";"));
    }

    /** The {@code ip=} of {@code net0} without the prefix length. */
    public Optional<String> ip() {
      return Optional.ofNullable(config.get("net0"))
          .map(n -> io.cloudpods.proxmox.PropertyStrings.parse(n, "name").get("ip"))
          .map(ip -> ip.contains("/") ? ip.substring(0, ip.indexOf('/')) : ip);
    }
  }

  // ---- seeding
  // ------------------------------------------------------------------------------------

  /** A node with 32 CPUs and {@code maxMemBytes} of memory, online. */
  public synchronized FakeProxmoxClient addNode(String name, long maxMemBytes) {
    nodes.put(name, new FNode(name, 32, maxMemBytes));
    return this;
  }

  /** A ZFS storage for container disks ({@code rootdir,images}, linked clones possible). */
  public FakeProxmoxClient addStorage(String node, String storage, long totalBytes) {
    return addStorage(node, storage, "zfspool", totalBytes, "rootdir", "images");
  }

  /** A storage of any plugin type ({@code dir}, {@code zfspool}, ...) and content types. */
  public synchronized FakeProxmoxClient addStorage(
      String node, String storage, String pluginType, long totalBytes, String... content) {
    FNode n = requireNode(node);
    n.storages.put(
        storage,
        new FStorage(storage, node, pluginType, totalBytes, new LinkedHashSet<>(List.of(content))));
    return this;
  }

  /**
   * An OS template archive ({@code vztmpl/debian-12-standard_12.7-1_amd64.tar.zst}) on a storage,
   * for createContainer.
   */
  public synchronized FakeProxmoxClient addOsTemplate(String node, String storage, String volname) {
    requireStorage(node, storage).templates.add(volname);
    return this;
  }

  /** A resource pool. */
  public synchronized FakeProxmoxClient addPool(String poolId) {
    pools.putIfAbsent(poolId, new FPool(poolId, null));
    return this;
  }

  /**
   * A golden template CT like the simulator's 9000: 2 cores, 2048 MiB, 8 GiB base volume on the
   * node's first storage that holds container disks, {@code template: 1}, stopped.
   */
  public synchronized FakeProxmoxClient addTemplate(String node, int vmid, String name) {
    FNode n = requireNode(node);
    FStorage st =
        n.storages.values().stream()
            .filter(s -> s.content.contains("rootdir"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "node " + node + " has no storage for container disks"));
    return addTemplate(node, vmid, name, st.id, 8);
  }

  public synchronized FakeProxmoxClient addTemplate(
      String node, int vmid, String name, String storage, int sizeGb) {
    requireFree(vmid);
    FStorage st = requireStorage(node, storage);
    String vol = "basevol-" + vmid + "-disk-0";
    st.volumes.put(vol, new Volume(vol, sizeGb * GIB, vmid, "rootdir"));
    Map<String, String> c = new LinkedHashMap<>();
    c.put("arch", "amd64");
    c.put("cores", "2");
    c.put("description", "CloudPods base template");
    c.put("features", "nesting=1");
    c.put("hostname", name);
    c.put("memory", "2048");
    c.put("net0", "name=eth0,bridge=vmbr0,firewall=1,hwaddr=" + newMac() + ",ip=dhcp,type=veth");
    c.put("ostype", "debian");
    c.put("rootfs", storage + ":" + vol + ",size=" + sizeGb + "G");
    c.put("swap", "512");
    c.put("template", "1");
    c.put("unprivileged", "1");
    FGuest g = new FGuest(vmid, node, "lxc");
    g.config = c;
    guests.put(vmid, g);
    g.sample();
    return this;
  }

  /**
   * A container the controller did not make (no marker), stopped, with the given config keys as
   * wire text (normalised like a config PUT: {@code net0} gets type and MAC, tags are sorted).
   * {@code memory}, {@code rootfs} etc. default like {@code pct create}.
   */
  public FakeProxmoxClient addForeignContainer(String node, int vmid, Map<String, String> config) {
    return addForeignContainer(node, vmid, false, config);
  }

  public synchronized FakeProxmoxClient addForeignContainer(
      String node, int vmid, boolean running, Map<String, String> config) {
    requireNode(node);
    requireFree(vmid);
    FGuest g = new FGuest(vmid, node, "lxc");
    Map<String, String> c = new LinkedHashMap<>();
    c.put("arch", "amd64");
    c.put("hostname", "CT" + vmid);
    c.put("memory", "512");
    c.put("ostype", "debian");
    c.put("swap", "512");
    config.forEach((k, v) -> c.put(k, normalize(k, v)));
    c.putIfAbsent("rootfs", "local:" + vmid + "/vm-" + vmid + "-disk-0.raw,size=4G");
    g.config = c;
    if (running) {
      g.status = PowerState.RUNNING;
      g.startedAt = clock.millis();
    }
    guests.put(vmid, g);
    g.sample();
    return this;
  }

  /**
   * A QEMU VM: visible in lists and taking its VMID, but not a container (LXC calls on it fail as
   * missing).
   */
  public synchronized FakeProxmoxClient addForeignVm(String node, int vmid, String name) {
    requireNode(node);
    requireFree(vmid);
    FGuest g = new FGuest(vmid, node, "qemu");
    g.config.put("name", name);
    g.config.put("memory", "2048");
    g.config.put("cores", "2");
    g.status = PowerState.RUNNING;
    g.startedAt = clock.millis();
    guests.put(vmid, g);
    g.sample();
    return this;
  }

  /** The Proxmox version {@link #version()} answers. */
  public FakeProxmoxClient version(String version, String release) {
    this.version = new VersionInfo(version, release, "faf2c9a8b4b5b6b7");
    return this;
  }

  /**
   * Marks a node offline (as {@code /cluster/resources} and {@code /nodes} show it) or online
   * again.
   */
  public synchronized FakeProxmoxClient setNodeOnline(String node, boolean online) {
    requireNode(node).online = online;
    return this;
  }

  /** Forgets all state, tasks, journal, counters, faults and modes; the clock stays. */
  public synchronized void reset() {
    nodes.clear();
    guests.clear();
    pools.clear();
    firewalls.clear();
    tasks.clear();
    journal.clear();
    callCounts.clear();
    failures.clear();
    lostAnswers.clear();
    ignoringShutdown.clear();
    autoFinish = false;
    statsLag = false;
    taskSeq = 0;
    macSeq = 0;
  }

  // ---- reading and changing state by hand
  // --------------------------------------------------------

  /** The guest as the fake holds it, for assertions. */
  public synchronized Optional<GuestState> guest(int vmid) {
    FGuest g = guests.get(vmid);
    return g == null ? Optional.empty() : Optional.of(g.state());
  }

  /** All guests, by VMID. */
  public synchronized List<GuestState> guests() {
    return sortedGuests().stream().map(FGuest::state).toList();
  }

  /** The stored config of a guest (description without the trailing newline the API adds). */
  public synchronized Map<String, String> config(int vmid) {
    return Map.copyOf(requireGuest(vmid).config);
  }

  /**
   * Sets or (with null) clears the config lock, as {@code pct set --lock} / {@code pct unlock}
   * would.
   */
  public synchronized void setLock(int vmid, String lock) {
    FGuest g = requireGuest(vmid);
    g.setLock(lock);
  }

  /**
   * An operator edits the config (drift): values normalised like a config PUT, no lock or digest
   * checks.
   */
  public synchronized void editConfig(int vmid, Map<String, String> set) {
    FGuest g = requireGuest(vmid);
    set.forEach((k, v) -> g.config.put(k, normalize(k, v)));
    if ("".equals(g.config.get("tags"))) {
      g.config.remove("tags");
    }
  }

  public void editConfig(int vmid, String key, String value) {
    editConfig(vmid, Map.of(key, value));
  }

  /** An operator removes config keys. */
  public synchronized void removeConfigKeys(int vmid, String... keys) {
    FGuest g = requireGuest(vmid);
    for (String k : keys) {
      g.config.remove(k);
    }
  }

  /** An operator stops the container ({@code pct stop}) outside the controller. */
  public synchronized void stopByHand(int vmid) {
    FGuest g = requireGuest(vmid);
    g.status = PowerState.STOPPED;
  }

  /** An operator starts the container outside the controller. */
  public synchronized void startByHand(int vmid) {
    FGuest g = requireGuest(vmid);
    g.status = PowerState.RUNNING;
    g.startedAt = clock.millis();
  }

  /**
   * An operator destroys the container ({@code pct destroy}) outside the controller: config, disks
   * and pool membership go.
   */
  public synchronized void deleteByHand(int vmid) {
    removeGuest(requireGuest(vmid));
  }

  /**
   * An operator moves the guest to another node ({@code pct migrate}, or an HA failover): same
   * VMID, config, power state and pool; its volumes move to the storage of the same name there.
   */
  public synchronized void moveByHand(int vmid, String toNode) {
    FGuest g = requireGuest(vmid);
    FNode target = requireNode(toNode);
    if (!g.flockFree()) {
      throw new IllegalStateException("guest " + vmid + " has a task running");
    }
    FGuest moved = new FGuest(vmid, toNode, g.type);
    moved.config = g.config;
    moved.status = g.status;
    moved.startedAt = g.startedAt;
    moved.pool = g.pool;
    moved.snapshots.putAll(g.snapshots);
    moved.parentSnapshot = g.parentSnapshot;
    moved.lastSample = g.lastSample;
    FNode source = nodes.get(g.node);
    if (source != null) {
      for (FStorage s : source.storages.values()) {
        FStorage to = target.storages.get(s.id);
        s.volumes
            .values()
            .removeIf(
                v -> {
                  if (v.vmid() != vmid) {
                    return false;
                  }
                  if (to != null) {
                    to.volumes.put(v.volname(), v);
                  }
                  return true;
                });
      }
    }
    guests.put(vmid, moved);
  }

  /**
   * The container ignores clean shutdown requests: a shutdown without {@code forceStop} fails with
   * {@code container did not stop}.
   */
  public synchronized void ignoreShutdown(int vmid, boolean ignore) {
    if (ignore) {
      ignoringShutdown.add(vmid);
    } else {
      ignoringShutdown.remove(vmid);
    }
  }

  /**
   * With lag on, {@code /cluster/resources} shows each guest's name, status, template flag and
   * sizes as of the last {@link #refreshStats()} (pvestatd's cache): a guest created since shows
   * status {@code unknown} and no name. Lock, tags and pool are always current. Off by default.
   */
  public synchronized void statsLag(boolean lag) {
    this.statsLag = lag;
  }

  /** pvestatd samples every guest now. */
  public synchronized void refreshStats() {
    guests.values().forEach(FGuest::sample);
  }

  // ---- tasks (test side)
  // -------------------------------------------------------------------------

  /**
   * With auto-finish on, every task is finished (as OK if its checks pass) before the call returns
   * its UPID.
   */
  public void autoFinishTasks(boolean on) {
    this.autoFinish = on;
  }

  /**
   * Ends a running task successfully: its in-worker checks run, then its effect applies (or the
   * task fails with the real exit status).
   */
  public synchronized TaskStatus finishTask(Upid upid) {
    FTask t = requireRunningTask(upid);
    complete(t);
    return t.status();
  }

  /**
   * Ends a running task with {@code exitStatus} (e.g. {@code clone failed: ...}); its partial
   * effect is undone as Proxmox does.
   */
  public synchronized TaskStatus failTask(Upid upid, String exitStatus) {
    FTask t = requireRunningTask(upid);
    fail(t, exitStatus);
    return t.status();
  }

  /** Finishes every running task (oldest first) until none is left; returns how many finished. */
  public synchronized int finishAllTasks() {
    int n = 0;
    while (true) {
      Optional<FTask> next =
          tasks.values().stream().filter(FTask::running).min(Comparator.comparingLong(t -> t.seq));
      if (next.isEmpty()) {
        return n;
      }
      complete(next.get());
      n++;
    }
  }

  /** UPIDs of running tasks, oldest first. */
  public synchronized List<Upid> runningTasks() {
    return tasks.values().stream()
        .filter(FTask::running)
        .sorted(Comparator.comparingLong(t -> t.seq))
        .map(t -> t.upid)
        .toList();
  }

  /** Every task ever started (also those whose answer was lost), oldest first. */
  public synchronized List<TaskStatus> tasks() {
    return tasks.values().stream()
        .sorted(Comparator.comparingLong(t -> t.seq))
        .map(FTask::status)
        .toList();
  }

  /**
   * The newest task of a type ({@code vzclone}, ...), e.g. to find the UPID of a call whose answer
   * was lost.
   */
  public synchronized Optional<Upid> lastTask(String type) {
    return tasks.values().stream()
        .filter(t -> t.upid.type().equals(type))
        .max(Comparator.comparingLong(t -> t.seq))
        .map(t -> t.upid);
  }

  /**
   * Forgets all tasks, as a node restart does: their status then answers "no such task" (HTTP 400).
   */
  public synchronized void forgetTasks() {
    tasks.values().stream()
        .filter(FTask::running)
        .forEach(t -> fail(t, "task aborted (node restarted)"));
    tasks.clear();
  }

  // ---- faults, journal, counts
  // --------------------------------------------------------------------

  /**
   * The next call of {@code method} (a {@link ProxmoxClient} method name) throws {@code e} and does
   * nothing. Queues when repeated.
   */
  public void failNext(String method, ProxmoxException e) {
    failures
        .computeIfAbsent(
            checkMethod(method), k -> new java.util.concurrent.ConcurrentLinkedDeque<>())
        .addLast(e);
  }

  /**
   * The next call of {@code method} takes effect, then its answer is lost: it throws the transient
   * {@code ProxmoxUnavailableException} a timed-out request gives (HTTP 596 "Connection timed
   * out").
   */
  public void loseAnswerOfNext(String method) {
    lostAnswers.computeIfAbsent(checkMethod(method), k -> new AtomicInteger()).incrementAndGet();
  }

  /** Drops faults not yet triggered. */
  public void clearFaults() {
    failures.clear();
    lostAnswers.clear();
  }

  /** Accepted mutating calls, oldest first (a call failing before it took effect is not listed). */
  public List<Mutation> mutations() {
    return List.copyOf(journal);
  }

  public List<Mutation> mutations(String method) {
    return journal.stream().filter(m -> m.method().equals(method)).toList();
  }

  /** Forgets the journal and the call counts (after seeding, say). */
  public void clearJournal() {
    journal.clear();
    callCounts.clear();
  }

  /** How many times {@code method} was called (failed calls included). */
  public int calls(String method) {
    AtomicInteger n = callCounts.get(checkMethod(method));
    return n == null ? 0 : n.get();
  }

  /** Calls per method. */
  public Map<String, Integer> callCounts() {
    Map<String, Integer> out = new TreeMap<>();
    callCounts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /**
   * An error as the server would send it, mapped like the HTTP client maps it (for {@link
   * #failNext}).
   */
  public static ProxmoxException httpError(int status, String message) {
    return ProxmoxErrorMapper.fromHttp(
        "FAKE", "/fake", status, firstLine(message), body(message, Map.of()));
  }

  /** A timed-out request: {@code ProxmoxUnavailableException}, retryable. */
  public static ProxmoxException unavailable() {
    return httpError(596, "Connection timed out");
  }

  // ---- ProxmoxClient: cluster and nodes
  // -----------------------------------------------------------

  @Override
  public synchronized VersionInfo version() {
    enter("version");
    return version;
  }

  @Override
  public synchronized int nextId() {
    enter("nextId");
    int id = 100;
    for (int used : new TreeSet<>(guests.keySet())) {
      if (used == id) {
        id++;
      } else if (used > id) {
        break;
      }
    }
    return id;
  }

  @Override
  public synchronized boolean isVmidFree(int vmid) {
    enter("isVmidFree");
    return !guests.containsKey(vmid);
  }

  @Override
  public synchronized List<NodeInfo> nodes() {
    enter("nodes");
    return sortedNodes().stream()
        .map(
            n ->
                new NodeInfo(
                    n.name,
                    n.online ? "online" : "offline",
                    "AA:BB:CC",
                    86400,
                    nodeCpu(n),
                    n.maxCpu,
                    nodeMemUsed(n),
                    n.maxMem,
                    100 * GIB / 9,
                    100 * GIB))
        .toList();
  }

  @Override
  public synchronized NodeStatus nodeStatus(String node) {
    enter("nodeStatus");
    Ctx c = new Ctx("GET", "/nodes/" + node + "/status");
    FNode n = node(c, node);
    long used = nodeMemUsed(n);
    double load = nodeCpu(n) * n.maxCpu;
    return new NodeStatus(
        "pve-manager/" + version.version() + "/" + version.repoid(),
        "Linux 6.8.12-1-pve",
        86400,
        nodeCpu(n),
        n.maxCpu,
        n.maxCpu / 2,
        1,
        "AMD EPYC 7402P 24-Core Processor",
        List.of(load, load, load),
        n.maxMem,
        used,
        n.maxMem - used,
        n.maxMem - used,
        8 * GIB,
        0,
        100 * GIB,
        100 * GIB / 9,
        100 * GIB - 100 * GIB / 9);
  }

  @Override
  public synchronized List<NodeStorage> nodeStorages(String node) {
    enter("nodeStorages");
    FNode n = node(new Ctx("GET", "/nodes/" + node + "/storage"), node);
    return n.storages.values().stream()
        .map(
            s ->
                new NodeStorage(
                    s.id, s.type, s.content, true, true, false, s.total, s.used(), s.avail()))
        .toList();
  }

  @Override
  public synchronized List<ClusterResource> clusterResources() {
    enter("clusterResources");
    return resources(null);
  }

  @Override
  public synchronized List<ClusterResource> clusterResources(ResourceType type) {
    enter("clusterResources");
    return resources(type);
  }

  // ---- ProxmoxClient: containers
  // ------------------------------------------------------------------

  @Override
  public synchronized List<LxcStatus> listContainers(String node) {
    enter("listContainers");
    node(new Ctx("GET", "/nodes/" + node + "/lxc"), node);
    return sortedGuests().stream()
        .filter(g -> g.node.equals(node) && g.isLxc())
        .map(this::lxcStatus)
        .toList();
  }

  @Override
  public synchronized Upid createContainer(String node, CreateContainerRequest request) {
    enter("createContainer");
    Ctx c = new Ctx("POST", "/nodes/" + node + "/lxc");
    int vmid = request.vmid();
    Map<String, String> p = request.params();
    validateConfigKeys(
        c,
        p,
        Set.of(
            "storage",
            "pool",
            "password",
            "ssh-public-keys",
            "start",
            "force",
            "restore",
            "unique",
            "ignore-unpack-errors",
            "bwlimit",
            "ha-managed"));
    FNode n = node(c, node);
    checkPool(c, p.get("pool"));
    String storageId = p.getOrDefault("storage", "local");
    String rootfsParam = p.getOrDefault("rootfs", storageId + ":4");
    Map<String, String> rootfs = io.cloudpods.proxmox.PropertyStrings.parse(rootfsParam, "volume");
    String volume = rootfs.getOrDefault("volume", "");
    int colon = volume.indexOf(':');
    String sizeText = colon < 0 ? "" : volume.substring(colon + 1);
    if (colon < 0 || !sizeText.matches("\\d+(\\.\\d+)?")) {
      throw param(c, "rootfs", "the simulator only allocates new volumes: use STORAGE:SIZE_IN_GiB");
    }
    String sid = volume.substring(0, colon);
    FStorage st = storage(c, n, sid);
    if (!st.content.contains("rootdir")) {
      throw param(c, "storage", "storage '" + sid + "' does not support container directories");
    }
    String ostemplate = request.ostemplate();
    if (!ostemplate.matches("[a-z][a-z0-9\\-_.]*[a-z0-9]:vztmpl/.+")) {
      throw param(
          c, "ostemplate", "invalid format - unable to parse volume ID '" + ostemplate + "'");
    }
    checkVmidUnused(c, vmid);
    Map<String, String> conf = new LinkedHashMap<>();
    Set<String> notConfig =
        Set.of(
            "storage",
            "rootfs",
            "pool",
            "password",
            "ssh-public-keys",
            "start",
            "force",
            "restore",
            "unique",
            "ignore-unpack-errors",
            "bwlimit",
            "ha-managed");
    p.forEach(
        (k, v) -> {
          if (!notConfig.contains(k)) {
            conf.put(k, normalize(k, v));
          }
        });
    long size = (long) Math.floor(Double.parseDouble(sizeText) * GIB);
    rootfs.remove("volume");
    FGuest g = new FGuest(vmid, node, "lxc");
    g.setLock("create");
    guests.put(vmid, g);
    String pool = p.get("pool");
    boolean start = "1".equals(p.get("start"));
    String prefix = "unable to create CT " + vmid + " - ";
    FTask t = startTask(node, "vzcreate", Integer.toString(vmid));
    t.cleanup = () -> removeGuest(g);
    t.work =
        () -> {
          int tc = ostemplate.indexOf(':');
          FStorage tmpl = n.storages.get(ostemplate.substring(0, tc));
          if (tmpl == null || !tmpl.templates.contains(ostemplate.substring(tc + 1))) {
            return prefix + "volume '" + ostemplate + "' does not exist";
          }
          String volname = st.freeVolname(st.type.equals("dir") ? "vm" : "subvol", vmid);
          if (size > st.avail()) {
            return prefix + outOfSpace(st, volname);
          }
          st.volumes.put(volname, new Volume(volname, size, vmid, "rootdir"));
          conf.putIfAbsent("hostname", "CT" + vmid);
          conf.putIfAbsent("memory", "512");
          conf.putIfAbsent("swap", "512");
          conf.putIfAbsent("arch", "amd64");
          conf.putIfAbsent("ostype", "debian");
          Map<String, String> opts = new LinkedHashMap<>(rootfs);
          opts.put("size", formatSize(size));
          conf.put("rootfs", sid + ":" + volname + formatOptions(opts));
          g.config = new LinkedHashMap<>(conf);
          addToPool(g, pool);
          if (start) {
            t.after = () -> startTask(g);
          }
          return null;
        };
    Map<String, String> wire = new LinkedHashMap<>();
    wire.put("vmid", Integer.toString(vmid));
    wire.put("ostemplate", ostemplate);
    p.forEach((k, v) -> wire.put(k, k.equals("password") ? "***" : v));
    return accepted("createContainer", node, vmid, wire, t, c);
  }

  @Override
  public synchronized Upid cloneContainer(String node, int sourceVmid, CloneRequest r) {
    enter("cloneContainer");
    Ctx c = new Ctx("POST", "/nodes/" + node + "/lxc/" + sourceVmid + "/clone");
    FGuest src = lxc(c, node, sourceVmid);
    FNode n = nodes.get(node);
    int newid = r.newid();
    String pool = r.pool().orElse(null);
    checkPool(c, pool);
    requireConfigFlock(c, src);
    checkLock(c, src);
    checkVmidUnused(c, newid);
    if (r.target().isPresent() && !r.target().get().equals(node)) {
      node(c, r.target().get());
      throw fail(c, "can't clone CT to node '" + r.target().get() + "' (CT uses local storage)");
    }
    String snapname = r.snapname().orElse(null);
    if (snapname != null && !src.snapshots.containsKey(snapname)) {
      throw fail(c, "snapshot '" + snapname + "' does not exist");
    }
    boolean full = r.full().orElse(!src.isTemplate());
    if (r.storage().isPresent() && !full) {
      throw fail(c, "parameter 'storage' not allowed for linked clones");
    }
    Map<String, String> srcConf =
        snapname == null ? src.config : src.snapshots.get(snapname).config();
    Map<String, String> srcRoot =
        io.cloudpods.proxmox.PropertyStrings.parse(srcConf.get("rootfs"), "volume");
    String srcVolume = srcRoot.get("volume");
    FStorage srcStore = storage(c, n, srcVolume.substring(0, srcVolume.indexOf(':')));
    if (!full && (!src.isTemplate() || !srcStore.supportsLinkedClone())) {
      throw fail(c, "Linked clone feature for '" + srcVolume + "' is not available");
    }
    if (full && src.isRunning() && snapname == null) {
      throw fail(c, "Full clone of a running container is only possible from a snapshot");
    }
    FStorage target = full && r.storage().isPresent() ? storage(c, n, r.storage().get()) : srcStore;

    src.setLock("disk");
    FGuest g = new FGuest(newid, node, "lxc");
    Map<String, String> conf = new LinkedHashMap<>();
    srcConf.forEach(
        (k, v) -> {
          if (!NOT_CLONED.contains(k) && !k.matches("(mp|unused)\\d+")) {
            conf.put(k, k.matches("net\\d+") ? withNewMac(v) : v);
          }
        });
    r.hostname().ifPresent(h -> conf.put("hostname", h));
    r.description().ifPresent(d -> conf.put("description", normalize("description", d)));
    conf.put("lock", "create");
    g.config = conf;
    guests.put(newid, g);
    FFirewall srcFw = firewalls.get(sourceVmid);
    if (srcFw == null) {
      firewalls.remove(newid);
    } else {
      firewalls.put(newid, srcFw.copy());
    }

    FTask t = startTask(node, "vzclone", Integer.toString(sourceVmid));
    long size = parseSize(srcRoot.getOrDefault("size", "4G"));
    String srcVolname = srcVolume.substring(srcVolume.indexOf(':') + 1);
    t.cleanup =
        () -> {
          removeGuest(g);
          if ("disk".equals(src.lock())) {
            src.setLock(null);
          }
        };
    t.work =
        () -> {
          String prefix = "clone failed: ";
          if (!target.content.contains("rootdir")) {
            return prefix
                + "content type 'rootdir' is not available or configured on storage '"
                + target.id
                + "'";
          }
          String volname =
              full
                  ? target.freeVolname(target.type.equals("dir") ? "vm" : "subvol", newid)
                  : srcVolname + "/" + srcStore.freeVolname("subvol", newid);
          long allocated = full ? size : 0;
          if (allocated > target.avail()) {
            return prefix + outOfSpace(target, volname);
          }
          target.volumes.put(volname, new Volume(volname, allocated, newid, "rootdir"));
          Map<String, String> opts = new LinkedHashMap<>(srcRoot);
          opts.remove("volume");
          opts.put("size", formatSize(size));
          conf.put("rootfs", target.id + ":" + volname + formatOptions(opts));
          src.setLock(null);
          g.setLock(null);
          addToPool(g, pool);
          return null;
        };
    Map<String, String> wire = new LinkedHashMap<>();
    wire.put("source", Integer.toString(sourceVmid));
    wire.put("newid", Integer.toString(newid));
    r.hostname().ifPresent(v -> wire.put("hostname", v));
    r.description().ifPresent(v -> wire.put("description", v));
    r.pool().ifPresent(v -> wire.put("pool", v));
    r.full().ifPresent(v -> wire.put("full", v ? "1" : "0"));
    r.storage().ifPresent(v -> wire.put("storage", v));
    r.target().ifPresent(v -> wire.put("target", v));
    r.snapname().ifPresent(v -> wire.put("snapname", v));
    return accepted("cloneContainer", node, newid, wire, t, c);
  }

  @Override
  public synchronized LxcConfig getConfig(String node, int vmid) {
    enter("getConfig");
    Ctx c = new Ctx("GET", "/nodes/" + node + "/lxc/" + vmid + "/config");
    FGuest g = lxc(c, node, vmid);
    return lxcConfig(g, g.config);
  }

  @Override
  public synchronized void updateConfig(String node, int vmid, ConfigUpdate update) {
    enter("updateConfig");
    Ctx c = new Ctx("PUT", "/nodes/" + node + "/lxc/" + vmid + "/config");
    validateConfigKeys(c, update.set(), Set.of());
    FGuest g = lxc(c, node, vmid);
    requireConfigFlock(c, g);
    checkLock(c, g);
    if (update.digest().isPresent() && !update.digest().get().equals(g.digest())) {
      throw fail(c, "detected modified configuration - file changed by other user? Try again.");
    }
    for (String k : update.delete()) {
      if (!(CONFIG_KEYS.contains(k) || FAMILY_KEY.matcher(k).matches())) {
        throw param(c, "delete", "unknown option '" + k + "'");
      }
      if (REQUIRED_KEYS.contains(k)) {
        throw fail(c, "unable to delete required option '" + k + "'");
      }
      if (READ_ONLY.contains(k)) {
        throw fail(c, "unable to delete read-only option: '" + k + "'");
      }
    }
    Map<String, String> next = new LinkedHashMap<>(g.config);
    for (Map.Entry<String, String> e : update.set().entrySet()) {
      String k = e.getKey();
      if (READ_ONLY.contains(k)) {
        throw fail(c, "unable to modify read-only option: '" + k + "'");
      }
      if (k.equals("rootfs") || k.matches("mp\\d+")) {
        String current = g.config.get(k);
        String wanted =
            io.cloudpods.proxmox.PropertyStrings.parse(e.getValue(), "volume").get("volume");
        if (current == null
            || !io.cloudpods.proxmox.PropertyStrings.parse(current, "volume")
                .get("volume")
                .equals(wanted)) {
          throw fail(
              c, "the simulator cannot attach or replace volumes via config; use resize for size");
        }
        if ("1".equals(g.config.get("protection"))) {
          throw fail(c, "can't update CT " + vmid + " drive '" + k + "' - protection mode enabled");
        }
      }
      next.put(k, normalize(k, e.getValue()));
    }
    update.delete().forEach(next::remove);
    if ("".equals(next.get("tags"))) {
      next.remove("tags");
    }
    g.config = next;
    Map<String, String> wire = new LinkedHashMap<>(update.set());
    if (!update.delete().isEmpty()) {
      wire.put("delete", String.join(",", update.delete()));
    }
    update.digest().ifPresent(d -> wire.put("digest", d));
    accepted("updateConfig", node, vmid, wire, null, c);
  }

  @Override
  public synchronized LxcStatus status(String node, int vmid) {
    enter("status");
    return lxcStatus(
        lxc(new Ctx("GET", "/nodes/" + node + "/lxc/" + vmid + "/status/current"), node, vmid));
  }

  @Override
  public synchronized Upid start(String node, int vmid) {
    enter("start");
    Ctx c = new Ctx("POST", "/nodes/" + node + "/lxc/" + vmid + "/status/start");
    FGuest g = lxc(c, node, vmid);
    if (g.isRunning()) {
      throw fail(c, "CT " + vmid + " already running");
    }
    return accepted("start", node, vmid, Map.of(), startTask(g), c);
  }

  @Override
  public synchronized Upid stop(String node, int vmid) {
    enter("stop");
    Ctx c = new Ctx("POST", "/nodes/" + node + "/lxc/" + vmid + "/status/stop");
    return accepted("stop", node, vmid, Map.of(), stopTask(c, node, vmid, false, 0, false), c);
  }

  @Override
  public synchronized Upid shutdown(String node, int vmid, int timeoutSeconds, boolean forceStop) {
    enter("shutdown");
    if (timeoutSeconds < 0) {
      throw new IllegalArgumentException("timeoutSeconds must be >= 0");
    }
    Ctx c = new Ctx("POST", "/nodes/" + node + "/lxc/" + vmid + "/status/shutdown");
    FTask t = stopTask(c, node, vmid, true, timeoutSeconds, forceStop);
    return accepted(
        "shutdown",
        node,
        vmid,
        Map.of("timeout", Integer.toString(timeoutSeconds), "forceStop", forceStop ? "1" : "0"),
        t,
        c);
  }

  @Override
  public synchronized Upid delete(String node, int vmid, DeleteOptions options) {
    enter("delete");
    Ctx c = new Ctx("DELETE", "/nodes/" + node + "/lxc/" + vmid);
    FGuest g = lxc(c, node, vmid);
    if ("1".equals(g.config.get("protection"))) {
      throw fail(c, "can't remove CT " + vmid + " - protection mode enabled");
    }
    checkLock(c, g);
    if (g.isRunning() && !options.force()) {
      throw fail(c, "unable to destroy CT " + vmid + " - container is running");
    }
    Map<String, String> original = g.config;
    FTask t = startTask(node, "vzdestroy", Integer.toString(vmid));
    g.config = new LinkedHashMap<>(Map.of("lock", "destroyed"));
    g.flockHolder = t;
    t.cleanup =
        () -> {
          if (guests.get(vmid) == g) {
            g.config = original;
          }
        };
    t.work =
        () -> {
          if (guests.get(vmid) != g) {
            return "Configuration file 'nodes/" + node + "/lxc/" + vmid + ".conf' does not exist";
          }
          if (g.isRunning()) {
            g.status = PowerState.STOPPED;
          }
          String rootfs = original.get("rootfs");
          if (rootfs != null && "1".equals(original.get("template"))) {
            String v = io.cloudpods.proxmox.PropertyStrings.parse(rootfs, "volume").get("volume");
            String base = v.substring(v.indexOf(':') + 1);
            for (FGuest other : guests.values()) {
              String r = other == g ? null : other.config.get("rootfs");
              if (r != null && r.contains(":" + base + "/")) {
                return "base volume '" + base + "' is still in use by linked clones";
              }
            }
          }
          removeGuest(g);
          return null;
        };
    Map<String, String> wire = new LinkedHashMap<>();
    wire.put("purge", options.purge() ? "1" : "0");
    wire.put("force", options.force() ? "1" : "0");
    wire.put("destroy-unreferenced-disks", options.destroyUnreferencedDisks() ? "1" : "0");
    return accepted("delete", node, vmid, wire, t, c);
  }

  @Override
  public synchronized void convertToTemplate(String node, int vmid) {
    enter("convertToTemplate");
    Ctx c = new Ctx("POST", "/nodes/" + node + "/lxc/" + vmid + "/template");
    FGuest g = lxc(c, node, vmid);
    requireConfigFlock(c, g);
    checkLock(c, g);
    if (!g.snapshots.isEmpty()) {
      throw fail(c, "unable to create template, because CT contains snapshots");
    }
    if (g.isTemplate()) {
      throw fail(c, "you can't convert a template to a template");
    }
    if (g.isRunning()) {
      throw fail(c, "you can't convert a CT to template if the CT is running");
    }
    // the server runs a hidden vztemplate task; its end shows only as template=1 in the config
    FTask t = startTask(node, "vztemplate", Integer.toString(vmid));
    t.work =
        () -> {
          if (guests.get(vmid) != g) {
            return "Configuration file 'nodes/" + node + "/lxc/" + vmid + ".conf' does not exist";
          }
          String rootfs = g.config.get("rootfs");
          if (rootfs != null) {
            Map<String, String> m = io.cloudpods.proxmox.PropertyStrings.parse(rootfs, "volume");
            String v = m.remove("volume");
            String sid = v.substring(0, v.indexOf(':'));
            String old = v.substring(v.indexOf(':') + 1);
            int slash = old.lastIndexOf('/');
            String last = old.substring(slash + 1);
            String renamed =
                last.startsWith("subvol-")
                    ? "basevol-" + last.substring(7)
                    : last.startsWith("vm-") ? "base-" + last.substring(3) : last;
            String newName = (slash < 0 ? "" : old.substring(0, slash + 1)) + renamed;
            FStorage st = nodes.get(node).storages.get(sid);
            if (st != null) {
              Volume vol = st.volumes.remove(old);
              if (vol != null) {
                st.volumes.put(newName, new Volume(newName, vol.size(), vol.vmid(), vol.content()));
              }
            }
            g.config.put("rootfs", sid + ":" + newName + formatOptions(m));
          }
          g.config.put("template", "1");
          return null;
        };
    accepted("convertToTemplate", node, vmid, Map.of(), t, c);
  }

  @Override
  public synchronized Upid resize(String node, int vmid, String disk, String size) {
    enter("resize");
    if (!size.matches("\\+?\\d+(\\.\\d+)?[KMGT]?")) {
      throw new IllegalArgumentException("size must look like 16G or +4G, got '" + size + "'");
    }
    Ctx c = new Ctx("PUT", "/nodes/" + node + "/lxc/" + vmid + "/resize");
    if (!disk.equals("rootfs") && !disk.matches("mp\\d+")) {
      throw param(
          c,
          "disk",
          "value '" + disk + "' does not have a value in the enumeration 'rootfs, mp0, mp1, ...'");
    }
    FGuest g = lxc(c, node, vmid);
    requireConfigFlock(c, g);
    checkLock(c, g);
    String current = g.config.get(disk);
    if (current == null) {
      throw fail(c, "disk '" + disk + "' does not exist");
    }
    Map<String, String> m = io.cloudpods.proxmox.PropertyStrings.parse(current, "volume");
    boolean grow = size.startsWith("+");
    long value = parseSize(grow ? size.substring(1) : size);
    long oldSize = parseSize(m.getOrDefault("size", "4G"));
    long newSize = grow ? oldSize + value : value;
    if (newSize < oldSize) {
      throw fail(c, "unable to shrink disk size");
    }
    if (newSize == oldSize) {
      throw fail(c, "disk is already at specified size");
    }
    FTask t = startTask(node, "resize", Integer.toString(vmid));
    g.flockHolder = t;
    String volume = m.get("volume");
    t.work =
        () -> {
          String now = g.config.get(disk);
          if (guests.get(vmid) != g
              || now == null
              || !io.cloudpods.proxmox.PropertyStrings.parse(now, "volume")
                  .get("volume")
                  .equals(volume)) {
            return "disk '" + disk + "' changed during resize";
          }
          FStorage st = nodes.get(node).storages.get(volume.substring(0, volume.indexOf(':')));
          String volname = volume.substring(volume.indexOf(':') + 1);
          if (st != null && newSize - oldSize > st.avail()) {
            return st.type.equals("zfspool")
                ? "zfs error: cannot set property for 'rpool/"
                    + st.id
                    + "/"
                    + volname
                    + "': size is greater than available space"
                : outOfSpace(st, volname);
          }
          Volume v = st == null ? null : st.volumes.get(volname);
          if (v != null && v.size() > 0) {
            st.volumes.put(volname, new Volume(volname, newSize, v.vmid(), v.content()));
          }
          Map<String, String> opts = io.cloudpods.proxmox.PropertyStrings.parse(now, "volume");
          opts.remove("volume");
          opts.put("size", formatSize(newSize));
          g.config.put(disk, volume + formatOptions(opts));
          return null;
        };
    return accepted("resize", node, vmid, Map.of("disk", disk, "size", size), t, c);
  }

  // ---- ProxmoxClient: snapshots
  // --------------------------------------------------------------------

  @Override
  public synchronized List<Snapshot> listSnapshots(String node, int vmid) {
    enter("listSnapshots");
    FGuest g = lxc(new Ctx("GET", "/nodes/" + node + "/lxc/" + vmid + "/snapshot"), node, vmid);
    return g.snapshots.values().stream()
        .map(
            s ->
                new Snapshot(
                    s.name(),
                    Optional.ofNullable(s.description()),
                    OptionalLong.of(s.snaptime()),
                    Optional.ofNullable(s.parent())))
        .toList();
  }

  @Override
  public synchronized Upid createSnapshot(
      String node, int vmid, String snapname, Optional<String> description) {
    enter("createSnapshot");
    Ctx c = new Ctx("POST", "/nodes/" + node + "/lxc/" + vmid + "/snapshot");
    FGuest g = lxc(c, node, vmid);
    if (snapname.equals("current") || snapname.equals("vzdump")) {
      throw fail(c, "unable to use snapshot name '" + snapname + "' (reserved name)");
    }
    FTask t = startTask(node, "vzsnapshot", Integer.toString(vmid));
    t.work =
        () -> {
          if (g.isTemplate()) {
            return "you can't take a snapshot if it's a template";
          }
          if (g.lock() != null) {
            return "CT is locked (" + g.lock() + ")";
          }
          if (g.snapshots.containsKey(snapname)) {
            return "snapshot name '" + snapname + "' already used";
          }
          String rootfs = g.config.get("rootfs");
          FStorage st =
              rootfs == null
                  ? null
                  : nodes.get(node).storages.get(rootfs.substring(0, rootfs.indexOf(':')));
          if (st == null || st.type.equals("dir")) {
            return "snapshot feature is not available";
          }
          g.snapshots.put(
              snapname,
              new FSnapshot(
                  snapname,
                  description.orElse(null),
                  clock.millis() / 1000,
                  g.parentSnapshot,
                  new LinkedHashMap<>(g.config)));
          g.parentSnapshot = snapname;
          return null;
        };
    Map<String, String> wire = new LinkedHashMap<>();
    wire.put("snapname", snapname);
    description.ifPresent(d -> wire.put("description", d));
    return accepted("createSnapshot", node, vmid, wire, t, c);
  }

  @Override
  public synchronized Upid rollbackSnapshot(String node, int vmid, String snapname, boolean start) {
    enter("rollbackSnapshot");
    Ctx c =
        new Ctx("POST", "/nodes/" + node + "/lxc/" + vmid + "/snapshot/" + snapname + "/rollback");
    FGuest g = lxc(c, node, vmid);
    FTask t = startTask(node, "vzrollback", Integer.toString(vmid));
    t.work =
        () -> {
          if (g.isTemplate()) {
            return "you can't rollback if vm is a template";
          }
          FSnapshot s = g.snapshots.get(snapname);
          if (s == null) {
            return "snapshot '" + snapname + "' does not exist";
          }
          if (g.lock() != null) {
            return "CT is locked (" + g.lock() + ")";
          }
          g.status = PowerState.STOPPED;
          g.config = new LinkedHashMap<>(s.config());
          g.parentSnapshot = snapname;
          if (start) {
            t.after = () -> startTask(g);
          }
          return null;
        };
    return accepted("rollbackSnapshot", node, vmid, start ? Map.of("start", "1") : Map.of(), t, c);
  }

  @Override
  public synchronized Upid deleteSnapshot(String node, int vmid, String snapname, boolean force) {
    enter("deleteSnapshot");
    Ctx c = new Ctx("DELETE", "/nodes/" + node + "/lxc/" + vmid + "/snapshot/" + snapname);
    FGuest g = lxc(c, node, vmid);
    FTask t = startTask(node, "vzdelsnapshot", Integer.toString(vmid));
    t.work =
        () -> {
          if (g.isTemplate()) {
            return "you can't delete a snapshot if vm is a template";
          }
          FSnapshot s = g.snapshots.remove(snapname);
          if (s == null) {
            return "snapshot '" + snapname + "' does not exist";
          }
          if (snapname.equals(g.parentSnapshot)) {
            g.parentSnapshot = s.parent();
          }
          return null;
        };
    return accepted("deleteSnapshot", node, vmid, force ? Map.of("force", "1") : Map.of(), t, c);
  }

  // ---- ProxmoxClient: backup and storage
  // ------------------------------------------------------------

  /**
   * One guest per vzdump (the controller's way): a task {@code vzdump} that, when it ends, writes
   * {@code <storage>:backup/vzdump-lxc-<vmid>-<stamp>.tar.zst} with the notes and protection asked,
   * logging as Proxmox does ({@code creating vzdump archive '...'}, {@code ERROR: Backup of VM
   * <vmid> failed - CT is locked (<lock>)}, the snapshot-to-suspend fall-back). Faults: {@link
   * #failNextBackups}, {@link #snapshotUnsupported}; a guest lock is checked when the task runs.
   * Prune inside the job ({@code remove=1}) is not modelled; {@link #pruneBackups} is.
   */
  @Override
  public synchronized VzdumpResult vzdump(String node, VzdumpRequest request) {
    enter("vzdump");
    Ctx c = new Ctx("POST", "/nodes/" + node + "/vzdump");
    FNode n = node(c, node);
    if (request.vmids().size() != 1) {
      throw param(c, "vmid", "FakeProxmoxClient models one guest per vzdump");
    }
    int vmid = request.vmids().get(0);
    String sid = request.storage().orElse("local");
    FStorage st = storage(c, n, sid);
    FGuest g = guests.get(vmid);
    if (g == null || !g.node.equals(node)) {
      return VzdumpResult.nothingToDo();
    }
    String mode = request.mode().orElse("snapshot");
    Map<String, String> extra = request.extra();
    FTask t = startTask(node, "vzdump", Integer.toString(vmid));
    t.work =
        () -> {
          t.log.add("INFO: starting new backup job: vzdump " + vmid + " --storage " + sid);
          t.log.add("INFO: Starting Backup of VM " + vmid + " (lxc)");
          if (guests.get(vmid) != g) {
            t.log.add("ERROR: Backup of VM " + vmid + " failed - guest " + vmid + " is gone");
            return "job errors";
          }
          if (g.lock() != null) {
            t.log.add("ERROR: Backup of VM " + vmid + " failed - CT is locked (" + g.lock() + ")");
            return "job errors";
          }
          Deque<String> faults = backupFaults.get(vmid);
          String fault = faults == null ? null : faults.pollFirst();
          String used = mode;
          if ("snapshot".equals(mode) && snapshotUnsupported.contains(vmid)) {
            t.log.add("INFO: mode failure - some volumes do not support snapshots");
            t.log.add("INFO: trying 'suspend' mode instead");
            used = "suspend";
          }
          t.log.add("INFO: backup mode: " + used);
          String stamp =
              java.time.format.DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss")
                  .format(
                      java.time.Instant.ofEpochMilli(clock.millis())
                          .atZone(java.time.ZoneOffset.UTC));
          String file = "vzdump-lxc-" + vmid + "-" + stamp + ".tar.zst";
          for (int i = 1; st.archives.containsKey(sid + ":backup/" + file); i++) {
            file = "vzdump-lxc-" + vmid + "-" + stamp + "-" + i + ".tar.zst";
          }
          t.log.add("INFO: creating vzdump archive '/var/lib/vz/dump/" + file + "'");
          if (fault != null) {
            t.log.add("ERROR: Backup of VM " + vmid + " failed - " + fault);
            return "job errors";
          }
          String notes = extra.get("notes-template");
          if (notes != null) {
            notes = notes.replace("{{guestname}}", g.config.getOrDefault("hostname", "CT" + vmid));
            t.log.add("INFO: adding notes to backup");
          }
          boolean prot = "1".equals(extra.get("protected"));
          if (prot) {
            t.log.add("INFO: marking backup as protected");
          }
          String volid = sid + ":backup/" + file;
          st.archives.put(
              volid, new FArchive(volid, vmid, clock.millis() / 1000, 300 * MIB, notes, prot));
          t.log.add("INFO: Finished Backup of VM " + vmid + " (00:00:01)");
          t.log.add("INFO: Backup job finished successfully");
          return null;
        };
    Map<String, String> wire = new LinkedHashMap<>(extra);
    wire.put("vmid", Integer.toString(vmid));
    wire.put("storage", sid);
    wire.put("mode", mode);
    return VzdumpResult.started(accepted("vzdump", node, vmid, wire, t, c));
  }

  /** The next {@code count} vzdumps of {@code vmid} fail with {@code message} (0 clears). */
  public synchronized void failNextBackups(int vmid, int count, String message) {
    Deque<String> q = new ArrayDeque<>();
    for (int i = 0; i < count; i++) {
      q.add(message);
    }
    backupFaults.put(vmid, q);
  }

  /** {@code vmid}'s volumes cannot snapshot: snapshot mode falls back to suspend. */
  public synchronized void snapshotUnsupported(int vmid) {
    snapshotUnsupported.add(vmid);
  }

  /** The backup archives on a node's storage, as an operator would list them. */
  public synchronized List<String> archives(String node, String storage) {
    FStorage st = nodes.get(node).storages.get(storage);
    return st == null ? List.of() : List.copyOf(st.archives.keySet());
  }

  /** An operator removes an archive by hand (rm on the storage). */
  public synchronized void removeArchiveByHand(String node, String storage, String volid) {
    nodes.get(node).storages.get(storage).archives.remove(volid);
  }

  @Override
  public synchronized List<StorageContent> storageContent(
      String node, String storage, Optional<String> content, Optional<Integer> vmid) {
    enter("storageContent");
    Ctx c = new Ctx("GET", "/nodes/" + node + "/storage/" + storage + "/content");
    FStorage st = storage(c, node(c, node), storage);
    List<StorageContent> out = new ArrayList<>();
    if (vmid.isEmpty() && content.map("vztmpl"::equals).orElse(true)) {
      for (String t : st.templates) {
        out.add(
            new StorageContent(
                st.id + ":" + t,
                "vztmpl",
                t.endsWith(".tar.zst") ? "tzst" : "tgz",
                220 * MIB,
                0,
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                false));
      }
    }
    for (Volume v : st.volumes.values()) {
      if (content.map(x -> !x.equals(v.content())).orElse(false)
          || vmid.map(x -> x != v.vmid()).orElse(false)) {
        continue;
      }
      out.add(
          new StorageContent(
              st.id + ":" + v.volname(),
              v.content(),
              st.type.equals("dir") ? "raw" : "subvol",
              v.size(),
              0,
              OptionalInt.of(v.vmid()),
              Optional.empty(),
              Optional.empty(),
              false));
    }
    if (content.map("backup"::equals).orElse(true)) {
      for (FArchive a : st.archives.values()) {
        if (vmid.map(x -> x != a.vmid()).orElse(false)) {
          continue;
        }
        out.add(
            new StorageContent(
                a.volid(),
                "backup",
                "tar.zst",
                a.size(),
                a.ctime(),
                OptionalInt.of(a.vmid()),
                Optional.of("lxc"),
                Optional.ofNullable(a.notes()),
                a.isProtected()));
      }
    }
    return out;
  }

  /** Task {@code imgdel}: a protected archive fails the task, a missing one ends OK. */
  @Override
  public synchronized Upid deleteVolume(String node, String storage, String volid) {
    enter("deleteVolume");
    Ctx c = new Ctx("DELETE", "/nodes/" + node + "/storage/" + storage + "/content/" + volid);
    FStorage st = storage(c, node(c, node), storage);
    FArchive owner = st.archives.get(volid);
    // Proxmox's task id: <owner vmid>@<storage>
    FTask t = startTask(node, "imgdel", (owner == null ? "" : owner.vmid() + "@") + storage);
    t.work =
        () -> {
          FArchive a = st.archives.get(volid);
          if (a == null) {
            t.log.add("WARN: volume '" + volid + "' does not exist");
            return null;
          }
          if (a.isProtected()) {
            return "cannot remove protected volume '" + volid + "'";
          }
          st.archives.remove(volid);
          t.log.add("Removed volume '" + volid + "'");
          return null;
        };
    return accepted("deleteVolume", node, 0, Map.of("volume", volid), t, c);
  }

  @Override
  public synchronized void updateVolume(
      String node,
      String storage,
      String volid,
      Optional<String> notes,
      Optional<Boolean> protect) {
    enter("updateVolume");
    Ctx c = new Ctx("PUT", "/nodes/" + node + "/storage/" + storage + "/content/" + volid);
    FStorage st = storage(c, node(c, node), storage);
    FArchive a = st.archives.get(volid);
    if (a == null) {
      throw fail(c, "volume '" + volid + "' does not exist");
    }
    st.archives.put(
        volid,
        new FArchive(
            a.volid(),
            a.vmid(),
            a.ctime(),
            a.size(),
            notes.orElse(a.notes()),
            protect.orElse(a.isProtected())));
    journal.add(
        new Mutation("updateVolume", node, a.vmid(), Map.of("volume", volid), Optional.empty()));
  }

  /**
   * Models {@code keep-last=N} and {@code keep-all=1} only; protected archives are never marked.
   */
  @Override
  public synchronized List<io.cloudpods.proxmox.PruneMark> pruneDryRun(
      String node, String storage, Optional<String> pruneBackups, Optional<Integer> vmid) {
    enter("pruneDryRun");
    Ctx c = new Ctx("GET", "/nodes/" + node + "/storage/" + storage + "/prunebackups");
    return pruneMarks(c, storage(c, node(c, node), storage), pruneBackups, vmid);
  }

  @Override
  public synchronized Upid pruneBackups(
      String node, String storage, Optional<String> pruneBackups, Optional<Integer> vmid) {
    enter("pruneBackups");
    Ctx c = new Ctx("DELETE", "/nodes/" + node + "/storage/" + storage + "/prunebackups");
    FStorage st = storage(c, node(c, node), storage);
    List<io.cloudpods.proxmox.PruneMark> marks = pruneMarks(c, st, pruneBackups, vmid);
    FTask t = startTask(node, "prunebackups", storage);
    t.work =
        () -> {
          for (io.cloudpods.proxmox.PruneMark m : marks) {
            if (m.removed()) {
              st.archives.remove(m.volid());
              t.log.add("removing backup '" + m.volid() + "'");
            }
          }
          return null;
        };
    return accepted("pruneBackups", node, vmid.orElse(0), Map.of(), t, c);
  }

  private List<io.cloudpods.proxmox.PruneMark> pruneMarks(
      Ctx c, FStorage st, Optional<String> pruneBackups, Optional<Integer> vmid) {
    String opts = pruneBackups.orElse("keep-all=1");
    int keepLast = Integer.MAX_VALUE;
    for (String part : opts.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv[0].equals("keep-last")) {
        keepLast = Integer.parseInt(kv[1]);
      } else if (!kv[0].equals("keep-all")) {
        throw param(c, "prune-backups", "FakeProxmoxClient models keep-last and keep-all only");
      }
    }
    Map<Integer, List<FArchive>> byGuest = new LinkedHashMap<>();
    st.archives.values().stream()
        .filter(a -> vmid.map(v -> v == a.vmid()).orElse(true))
        .sorted(java.util.Comparator.comparingLong(FArchive::ctime).reversed())
        .forEach(a -> byGuest.computeIfAbsent(a.vmid(), k -> new ArrayList<>()).add(a));
    List<io.cloudpods.proxmox.PruneMark> out = new ArrayList<>();
    for (List<FArchive> list : byGuest.values()) {
      int kept = 0;
      for (FArchive a : list) {
        String mark;
        if (a.isProtected()) {
          mark = "protected";
        } else if (kept < keepLast) {
          mark = "keep";
          kept++;
        } else {
          mark = "remove";
        }
        out.add(
            new io.cloudpods.proxmox.PruneMark(
                a.volid(), a.ctime(), mark, "lxc", OptionalInt.of(a.vmid())));
      }
    }
    return out;
  }

  @Override
  public synchronized List<StorageConfig> storages() {
    enter("storages");
    Map<String, StorageConfig> byId = new LinkedHashMap<>();
    for (FNode n : sortedNodes()) {
      for (FStorage s : n.storages.values()) {
        byId.putIfAbsent(
            s.id,
            new StorageConfig(
                s.id,
                s.type,
                s.content,
                false,
                false,
                Map.of("storage", s.id, "type", s.type, "content", String.join(",", s.content))));
      }
    }
    return List.copyOf(byId.values());
  }

  // ---- ProxmoxClient: pools
  // -----------------------------------------------------------------------

  @Override
  public synchronized List<Pool> pools() {
    enter("pools");
    return pools.values().stream()
        .sorted(Comparator.comparing(p -> p.id))
        .map(p -> new Pool(p.id, Optional.ofNullable(p.comment), List.of()))
        .toList();
  }

  @Override
  public synchronized Pool pool(String poolId) {
    enter("pool");
    Ctx c = new Ctx("GET", "/pools");
    FPool p = pools.get(poolId);
    if (p == null) {
      throw fail(c, "pool '" + poolId + "' does not exist");
    }
    List<ClusterResource> members = new ArrayList<>();
    for (FGuest g : sortedGuests()) {
      if (poolId.equals(g.pool)) {
        members.add(guestResource(g));
      }
    }
    for (FNode n : sortedNodes()) {
      for (FStorage s : n.storages.values()) {
        if (p.storages.contains(s.id)) {
          members.add(storageResource(s));
        }
      }
    }
    return new Pool(p.id, Optional.ofNullable(p.comment), members);
  }

  @Override
  public synchronized void createPool(String poolId, Optional<String> comment) {
    enter("createPool");
    Ctx c = new Ctx("POST", "/pools");
    if (pools.containsKey(poolId)) {
      throw fail(c, "create pool failed: pool '" + poolId + "' already exists");
    }
    pools.put(poolId, new FPool(poolId, comment.orElse(null)));
    Map<String, String> wire = new LinkedHashMap<>();
    wire.put("poolid", poolId);
    comment.ifPresent(v -> wire.put("comment", v));
    accepted("createPool", null, 0, wire, null, c);
  }

  @Override
  public synchronized void addPoolMembers(
      String poolId, List<Integer> vmids, List<String> storages, boolean allowMove) {
    enter("addPoolMembers");
    updatePool("addPoolMembers", poolId, vmids, storages, false, allowMove);
  }

  @Override
  public synchronized void removePoolMembers(
      String poolId, List<Integer> vmids, List<String> storages) {
    enter("removePoolMembers");
    updatePool("removePoolMembers", poolId, vmids, storages, true, false);
  }

  private void updatePool(
      String method,
      String poolId,
      List<Integer> vmids,
      List<String> storages,
      boolean delete,
      boolean allowMove) {
    if (vmids.isEmpty() && storages.isEmpty()) {
      throw new IllegalArgumentException("pool update needs at least one vmid or storage");
    }
    Ctx c = new Ctx("PUT", "/pools");
    FPool p = pools.get(poolId);
    if (p == null) {
      throw fail(c, "pool '" + poolId + "' does not exist");
    }
    for (int vmid : vmids) {
      FGuest g = guests.get(vmid);
      if (delete) {
        if (g == null || !poolId.equals(g.pool)) {
          throw fail(c, "update pools failed: VM " + vmid + " is not a pool member");
        }
      } else if (g == null) {
        throw fail(c, "update pools failed: no such VM '" + vmid + "'");
      } else if (poolId.equals(g.pool)) {
        throw fail(c, "update pools failed: VM " + vmid + " is already a pool member");
      } else if (g.pool != null && !allowMove) {
        throw fail(
            c, "update pools failed: VM " + vmid + " belongs already to pool '" + g.pool + "'");
      }
    }
    for (String sid : storages) {
      boolean known = nodes.values().stream().anyMatch(n -> n.storages.containsKey(sid));
      if (!known) {
        throw fail(c, "update pools failed: no such storage '" + sid + "'");
      }
    }
    for (int vmid : vmids) {
      guests.get(vmid).pool = delete ? null : poolId;
    }
    if (delete) {
      p.storages.removeAll(storages);
    } else {
      p.storages.addAll(storages);
    }
    Map<String, String> wire = new LinkedHashMap<>();
    wire.put("poolid", poolId);
    if (!vmids.isEmpty()) {
      wire.put("vms", vmids.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    if (!storages.isEmpty()) {
      wire.put("storage", String.join(",", storages));
    }
    if (delete) {
      wire.put("delete", "1");
    }
    if (allowMove) {
      wire.put("allow-move", "1");
    }
    accepted(method, null, 0, wire, null, c);
  }

  // ---- ProxmoxClient: container firewall
  // ----------------------------------------------------------

  private static final Set<String> FW_OPTIONS =
      Set.of(
          "enable",
          "macfilter",
          "dhcp",
          "ndp",
          "radv",
          "ipfilter",
          "policy_in",
          "policy_out",
          "log_level_in",
          "log_level_out");
  private static final Set<String> FW_BOOLEANS =
      Set.of("enable", "macfilter", "dhcp", "ndp", "radv", "ipfilter");
  private static final Pattern IPSET_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9\\-\\_]+");
  private static final Pattern FW_ALIAS =
      Pattern.compile("(dc/|guest/)?([A-Za-z][A-Za-z0-9\\-_]+)");
  private static final Pattern IPV4_CIDR =
      Pattern.compile(
          "((?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])(?:\\.(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])){3})(?:/(\\d{1,3}))?");
  private static final String NOT_AN_ADDRESS =
      "invalid format - value does not look like a valid IP address or CIDR network";

  /** The firewall of a guest as the fake holds it (a copy), for assertions. */
  public record FirewallState(Map<String, String> options, Map<String, List<String>> ipsets) {}

  public synchronized FirewallState firewall(int vmid) {
    FFirewall fw = firewalls.getOrDefault(vmid, new FFirewall());
    Map<String, List<String>> sets = new TreeMap<>();
    fw.ipsets.forEach((n, e) -> sets.put(n, List.copyOf(e.keySet())));
    return new FirewallState(Map.copyOf(fw.options), sets);
  }

  /** An operator changes a firewall option by hand (null removes it); not journaled. */
  public synchronized void setFirewallOptionByHand(int vmid, String key, String value) {
    FFirewall fw = firewalls.computeIfAbsent(vmid, k -> new FFirewall());
    if (value == null) {
      fw.options.remove(key);
    } else {
      fw.options.put(key, value);
    }
  }

  /** An operator removes a guest's whole firewall config by hand; not journaled. */
  public synchronized void deleteFirewallByHand(int vmid) {
    firewalls.remove(vmid);
  }

  /** An operator adds an address to a guest's IP set by hand (creating the set); not journaled. */
  public synchronized void addIpSetEntryByHand(int vmid, String name, String cidr) {
    firewalls
        .computeIfAbsent(vmid, k -> new FFirewall())
        .ipsets
        .computeIfAbsent(name, k -> new TreeMap<>())
        .put(cidr, "");
  }

  @Override
  public synchronized FirewallOptions firewallOptions(String node, int vmid) {
    enter("firewallOptions");
    Ctx c = new Ctx("GET", fwPath(node, vmid, "/options"));
    node(c, node);
    FFirewall fw = firewalls.getOrDefault(vmid, new FFirewall());
    return new FirewallOptions(fw.options, fw.optionsDigest());
  }

  @Override
  public synchronized void updateFirewallOptions(String node, int vmid, ConfigUpdate update) {
    enter("updateFirewallOptions");
    Ctx c = new Ctx("PUT", fwPath(node, vmid, "/options"));
    Map<String, String> errors = new LinkedHashMap<>();
    update
        .set()
        .forEach(
            (k, v) -> {
              if (!FW_OPTIONS.contains(k)) {
                errors.put(
                    k,
                    "property is not defined in schema and the schema does not allow additional properties");
              } else if (FW_BOOLEANS.contains(k) && !v.equals("0") && !v.equals("1")) {
                errors.put(k, "type check ('boolean') failed - got '" + v + "'");
              } else if (k.startsWith("policy_")
                  && !Set.of("ACCEPT", "REJECT", "DROP").contains(v)) {
                errors.put(
                    k,
                    "value '"
                        + v
                        + "' does not have a value in the enumeration 'ACCEPT, REJECT, DROP'");
              }
            });
    if (!errors.isEmpty()) {
      throw c.error(400, "Parameter verification failed.", errors);
    }
    node(c, node);
    FFirewall fw = firewalls.getOrDefault(vmid, new FFirewall()).copy();
    if (update.digest().isPresent() && !update.digest().get().equals(fw.optionsDigest())) {
      throw fail(c, "detected modified configuration - file changed by other user? Try again.");
    }
    for (String k : update.delete()) {
      if (!FW_OPTIONS.contains(k)) {
        throw param(c, "delete", "no such option '" + k + "'");
      }
      fw.options.remove(k);
    }
    fw.options.putAll(update.set());
    Map<String, String> wire = new LinkedHashMap<>(update.set());
    if (!update.delete().isEmpty()) {
      wire.put("delete", String.join(",", update.delete()));
    }
    update.digest().ifPresent(d -> wire.put("digest", d));
    saveFirewall(vmid, fw);
    accepted("updateFirewallOptions", node, vmid, wire, null, c);
  }

  @Override
  public synchronized List<IpSet> ipSets(String node, int vmid) {
    enter("ipSets");
    Ctx c = new Ctx("GET", fwPath(node, vmid, "/ipset"));
    node(c, node);
    FFirewall fw = firewalls.getOrDefault(vmid, new FFirewall());
    StringBuilder lines = new StringBuilder();
    fw.ipsets.keySet().forEach(n -> lines.append("name:").append(n).append('\n'));
    String digest = sha1(lines.toString());
    List<IpSet> out = new ArrayList<>();
    fw.ipsets.keySet().forEach(n -> out.add(new IpSet(n, Optional.empty(), digest)));
    return out;
  }

  @Override
  public synchronized void createIpSet(
      String node, int vmid, String name, Optional<String> comment) {
    enter("createIpSet");
    Ctx c = new Ctx("POST", fwPath(node, vmid, "/ipset"));
    checkIpSetName(c, name);
    node(c, node);
    FFirewall fw = firewalls.getOrDefault(vmid, new FFirewall()).copy();
    if (fw.ipsets.containsKey(name)) {
      throw param(c, "name", "IPSet '" + name + "' already exists");
    }
    fw.ipsets.putIfAbsent(name.toLowerCase(Locale.ROOT), new TreeMap<>());
    saveFirewall(vmid, fw);
    Map<String, String> wire = new LinkedHashMap<>();
    wire.put("name", name);
    comment.ifPresent(v -> wire.put("comment", v));
    accepted("createIpSet", node, vmid, wire, null, c);
  }

  @Override
  public synchronized void deleteIpSet(String node, int vmid, String name, boolean force) {
    enter("deleteIpSet");
    Ctx c = new Ctx("DELETE", fwPath(node, vmid, "/ipset/" + name));
    checkIpSetName(c, name);
    node(c, node);
    FFirewall fw = firewalls.getOrDefault(vmid, new FFirewall()).copy();
    Map<String, String> set = ipSet(c, fw, name);
    if (!set.isEmpty() && !force) {
      throw fail(c, "IPSet '" + name + "' is not empty");
    }
    fw.ipsets.remove(name);
    saveFirewall(vmid, fw);
    accepted(
        "deleteIpSet",
        node,
        vmid,
        force ? Map.of("name", name, "force", "1") : Map.of("name", name),
        null,
        c);
  }

  @Override
  public synchronized List<IpSetEntry> ipSetEntries(String node, int vmid, String name) {
    enter("ipSetEntries");
    Ctx c = new Ctx("GET", fwPath(node, vmid, "/ipset/" + name));
    checkIpSetName(c, name);
    node(c, node);
    Map<String, String> set = ipSet(c, firewalls.getOrDefault(vmid, new FFirewall()), name);
    StringBuilder lines = new StringBuilder();
    set.forEach(
        (cidr, comment) -> {
          lines.append("cidr:").append(cidr).append('\n');
          if (!comment.isEmpty()) {
            lines.append("comment:").append(comment).append('\n');
          }
        });
    String digest = sha1(lines.toString());
    List<IpSetEntry> out = new ArrayList<>();
    set.forEach(
        (cidr, comment) ->
            out.add(
                new IpSetEntry(
                    cidr,
                    false,
                    comment.isEmpty() ? Optional.empty() : Optional.of(comment),
                    digest)));
    return out;
  }

  @Override
  public synchronized void addIpSetEntry(
      String node, int vmid, String name, String cidr, Optional<String> comment) {
    enter("addIpSetEntry");
    Ctx c = new Ctx("POST", fwPath(node, vmid, "/ipset/" + name));
    checkIpSetName(c, name);
    String stored = normalizeCidr(c, cidr);
    node(c, node);
    FFirewall fw = firewalls.getOrDefault(vmid, new FFirewall()).copy();
    Map<String, String> set = ipSet(c, fw, name);
    if (set.containsKey(stored)) {
      throw param(c, "cidr", "address '" + stored + "' already exists");
    }
    if (stored.matches(".*/0+")) {
      throw param(c, "cidr", "a zero prefix is not allowed in ipset entries");
    }
    set.put(stored, comment.orElse(""));
    saveFirewall(vmid, fw);
    Map<String, String> wire = new LinkedHashMap<>();
    wire.put("name", name);
    wire.put("cidr", cidr);
    comment.ifPresent(v -> wire.put("comment", v));
    accepted("addIpSetEntry", node, vmid, wire, null, c);
  }

  @Override
  public synchronized void removeIpSetEntry(String node, int vmid, String name, String cidr) {
    enter("removeIpSetEntry");
    Ctx c = new Ctx("DELETE", fwPath(node, vmid, "/ipset/" + name + "/" + cidr));
    checkIpSetName(c, name);
    normalizeCidr(c, cidr);
    node(c, node);
    FFirewall fw = firewalls.getOrDefault(vmid, new FFirewall()).copy();
    ipSet(c, fw, name).remove(cidr);
    saveFirewall(vmid, fw);
    accepted("removeIpSetEntry", node, vmid, Map.of("name", name, "cidr", cidr), null, c);
  }

  private static String fwPath(String node, int vmid, String rest) {
    return "/nodes/" + node + "/lxc/" + vmid + "/firewall" + rest;
  }

  private void saveFirewall(int vmid, FFirewall fw) {
    if (fw.options.isEmpty() && fw.ipsets.isEmpty()) {
      firewalls.remove(vmid);
    } else {
      firewalls.put(vmid, fw);
    }
  }

  private static void checkIpSetName(Ctx c, String name) {
    String err =
        !IPSET_NAME.matcher(name).matches()
            ? "value does not match the regex pattern"
            : name.length() > 64 ? "value may only be 64 characters long" : null;
    if (err != null) {
      throw param(c, "name", err);
    }
  }

  private static Map<String, String> ipSet(Ctx c, FFirewall fw, String name) {
    Map<String, String> set = fw.ipsets.get(name);
    if (set == null) {
      throw fail(c, "no such IPSet '" + name + "'");
    }
    return set;
  }

  /** The address as the server stores it: host bits cleared, {@code /32} dropped. */
  private static String normalizeCidr(Ctx c, String cidr) {
    java.util.regex.Matcher m = IPV4_CIDR.matcher(cidr);
    if (!m.matches()) {
      if (FW_ALIAS.matcher(cidr).matches()) {
        throw fail(c, "no such alias '" + cidr.replaceFirst("^(dc|guest)/", "") + "'");
      }
      throw param(c, "cidr", NOT_AN_ADDRESS);
    }
    if (m.group(2) == null) {
      return cidr;
    }
    int len = Integer.parseInt(m.group(2));
    if (len > 32) {
      throw param(c, "cidr", NOT_AN_ADDRESS);
    }
    if (len == 32) {
      return m.group(1);
    }
    long a = 0;
    for (String part : m.group(1).split("\\.")) {
      a = (a << 8) | Integer.parseInt(part);
    }
    a &= len == 0 ? 0 : (0xFFFFFFFFL << (32 - len)) & 0xFFFFFFFFL;
    return (a >> 24)
        + "."
        + ((a >> 16) & 255)
        + "."
        + ((a >> 8) & 255)
        + "."
        + (a & 255)
        + "/"
        + len;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One {@code <vmid>.fw}: options, and IP sets as address to comment ("" for none). */
  private static final class FFirewall {
    final TreeMap<String, String> options = new TreeMap<>();
    final TreeMap<String, TreeMap<String, String>> ipsets = new TreeMap<>();

    FFirewall copy() {
      FFirewall f = new FFirewall();
      f.options.putAll(options);
      ipsets.forEach((n, e) -> f.ipsets.put(n, new TreeMap<>(e)));
      return f;
    }

    String optionsDigest() {
      StringBuilder sb = new StringBuilder();
      options.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
      return sha1(sb.toString());
    }
  }

  // ---- ProxmoxClient: tasks
  // -----------------------------------------------------------------------

  @Override
  public synchronized TaskStatus taskStatus(Upid upid) {
    enter("taskStatus");
    return task(upid, "status").status();
  }

  @Override
  public synchronized TaskLog taskLog(Upid upid, int start, int limit) {
    enter("taskLog");
    if (start < 0 || limit <= 0) {
      throw new IllegalArgumentException("start must be >= 0 and limit > 0");
    }
    FTask t = task(upid, "log");
    List<TaskLog.Line> lines = new ArrayList<>();
    if (t.log.isEmpty()) {
      lines.add(new TaskLog.Line(1, "no content"));
    }
    for (int i = start; i < t.log.size() && lines.size() < limit; i++) {
      lines.add(new TaskLog.Line(i + 1, t.log.get(i)));
    }
    return new TaskLog(lines, Math.max(1, t.log.size()));
  }

  private FTask task(Upid upid, String what) {
    FTask t = tasks.get(upid.toString());
    if (t == null) {
      Ctx c = new Ctx("GET", "/nodes/" + upid.node() + "/tasks/" + upid + "/" + what);
      throw param(c, "upid", "no such task");
    }
    return t;
  }

  // ---- operations
  // ---------------------------------------------------------------------------------

  private FTask startTask(FGuest g) {
    FTask t = startTask(g.node, "vzstart", Integer.toString(g.vmid));
    takeFlockIfFree(g, t);
    t.work =
        () -> {
          if (!g.flockFree() && g.flockHolder != t) {
            return g.flockTimeoutMessage();
          }
          if (g.isTemplate()) {
            return "you can't start a CT if it's a template";
          }
          if (g.lock() != null && !g.lock().equals("mounted")) {
            return "CT is locked (" + g.lock() + ")";
          }
          if (guests.get(g.vmid) != g) {
            return "Configuration file 'nodes/"
                + g.node
                + "/lxc/"
                + g.vmid
                + ".conf' does not exist";
          }
          if (g.isRunning()) {
            return "CT " + g.vmid + " already running";
          }
          g.status = PowerState.RUNNING;
          g.startedAt = clock.millis();
          return null;
        };
    return t;
  }

  private FTask stopTask(
      Ctx c, String node, int vmid, boolean shutdown, int timeout, boolean forceStop) {
    FGuest g = lxc(c, node, vmid);
    if (!g.isRunning()) {
      throw fail(c, "CT " + vmid + " not running");
    }
    FTask t = startTask(node, shutdown ? "vzshutdown" : "vzstop", Integer.toString(vmid));
    takeFlockIfFree(g, t);
    t.work =
        () -> {
          if (!g.flockFree() && g.flockHolder != t) {
            return g.flockTimeoutMessage();
          }
          if (g.lock() != null && !g.lock().equals("mounted")) {
            return "CT is locked (" + g.lock() + ")";
          }
          if (shutdown && ignoringShutdown.contains(vmid) && !forceStop) {
            return "container did not stop";
          }
          if (guests.get(vmid) != g || !g.isRunning()) {
            return "CT " + vmid + " not running";
          }
          g.status = PowerState.STOPPED;
          return null;
        };
    return t;
  }

  private static void takeFlockIfFree(FGuest g, FTask t) {
    if (g.flockFree()) {
      g.flockHolder = t;
    }
  }

  private FTask startTask(String node, String type, String id) {
    long now = clock.millis();
    int pid = nextPid++;
    long pstart = 8_640_000 + taskSeq * 7;
    String text =
        String.format(
            Locale.ROOT,
            "UPID:%s:%08X:%08X:%08X:%s:%s:%s:",
            node,
            pid,
            pstart,
            now / 1000,
            type,
            id,
            user);
    FTask t = new FTask(Upid.parse(text), taskSeq++, now / 1000);
    tasks.put(text, t);
    return t;
  }

  private void complete(FTask t) {
    String error;
    try {
      error = t.work == null ? null : t.work.get();
    } catch (RuntimeException e) {
      error = "internal error: " + e;
    }
    if (error != null) {
      fail(t, error);
      return;
    }
    t.log.add("TASK OK");
    t.exitStatus = "OK";
    Runnable after = t.after;
    t.after = null;
    if (after != null) {
      after.run();
    }
  }

  private void fail(FTask t, String exitStatus) {
    if (t.cleanup != null) {
      t.cleanup.run();
    }
    String msg = exitStatus.strip();
    t.log.add("TASK ERROR: " + msg);
    t.exitStatus = msg;
  }

  /** Journals an accepted mutation, runs auto-finish, and applies a lost-answer fault. */
  private Upid accepted(
      String method, String node, int vmid, Map<String, String> wire, FTask t, Ctx c) {
    journal.add(
        new Mutation(method, node, vmid, wire, t == null ? Optional.empty() : Optional.of(t.upid)));
    if (t != null && (autoFinish || t.upid.type().equals("vztemplate"))) {
      // a hidden vztemplate task is never handed out, so it ends at once
      complete(t);
    }
    AtomicInteger lost = lostAnswers.get(method);
    if (lost != null && lost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw c.error(596, "Connection timed out", Map.of());
    }
    return t == null || t.upid.type().equals("vztemplate") ? null : t.upid;
  }

  private void enter(String method) {
    callCounts.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    Deque<ProxmoxException> q = failures.get(method);
    ProxmoxException e = q == null ? null : q.pollFirst();
    if (e != null) {
      throw e;
    }
  }

  private static String checkMethod(String method) {
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "not a ProxmoxClient method: " + method + " (known: " + new TreeSet<>(METHODS) + ")");
    }
    return method;
  }

  // ---- checks with the server's messages
  // -----------------------------------------------------------

  private FNode node(Ctx c, String name) {
    FNode n = nodes.get(name);
    if (n == null) {
      throw fail(
          c,
          "hostname lookup '"
              + name
              + "' failed - failed to get address info for: "
              + name
              + ": Name or service not known");
    }
    return n;
  }

  private FGuest lxc(Ctx c, String node, int vmid) {
    node(c, node);
    FGuest g = guests.get(vmid);
    if (g == null || !g.node.equals(node) || !g.isLxc()) {
      throw fail(c, "Configuration file 'nodes/" + node + "/lxc/" + vmid + ".conf' does not exist");
    }
    return g;
  }

  private FStorage storage(Ctx c, FNode n, String sid) {
    FStorage s = n.storages.get(sid);
    if (s == null) {
      throw fail(c, "storage '" + sid + "' does not exist");
    }
    return s;
  }

  private void checkPool(Ctx c, String pool) {
    if (pool != null && !pools.containsKey(pool)) {
      throw c.error(403, "Permission check failed (pool '" + pool + "' does not exist)", Map.of());
    }
  }

  private static void checkLock(Ctx c, FGuest g) {
    if (g.lock() != null) {
      throw fail(c, "CT is locked (" + g.lock() + ")");
    }
  }

  /**
   * A synchronous call finding the config flock held by a task: the server waits 10 s, then gives
   * up.
   */
  private static void requireConfigFlock(Ctx c, FGuest g) {
    if (!g.flockFree()) {
      throw fail(c, g.flockTimeoutMessage());
    }
  }

  private void checkVmidUnused(Ctx c, int vmid) {
    FGuest g = guests.get(vmid);
    if (g != null) {
      throw fail(
          c, (g.isLxc() ? "CT " : "VM ") + vmid + " already exists on node '" + g.node + "'");
    }
  }

  /** What the API schema checks before any handler runs: known keys, net/tag formats, integers. */
  private static void validateConfigKeys(Ctx c, Map<String, String> set, Set<String> extra) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : set.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (extra.contains(k)) {
        continue;
      }
      if (!CONFIG_KEYS.contains(k) && !FAMILY_KEY.matcher(k).matches()) {
        errors.put(
            k,
            "property is not defined in schema and the schema does not allow additional properties");
      } else if (NUMERIC_KEYS.contains(k) && !v.matches("\\+?\\d+")) {
        errors.put(k, "type check ('integer') failed - got '" + v + "'");
      } else if (k.startsWith("net")) {
        String err = netError(k, v);
        if (err != null) {
          errors.put(k, err);
        }
      } else if (k.equals("tags")) {
        for (String t : TAG_SPLIT.split(v)) {
          if (!t.isEmpty() && !TAG.matcher(t).matches()) {
            // pve-common JSONSchema.pm pve_verify_tag dies with this text for the first bad
            // item of the pve-tag-list and check_prop prefixes "invalid format - "; the
            // client strips the trailing newline of every error text
            errors.put(k, "invalid format - invalid characters in tag");
            break;
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw c.error(400, "Parameter verification failed.", errors);
    }
  }

  private static String netError(String key, String value) {
    Map<String, String> kv = io.cloudpods.proxmox.PropertyStrings.parse(value, "");
    if (kv.containsKey("")) {
      return "invalid format - format error\nvalue without key, but schema does not define a default key";
    }
    for (String k : kv.keySet()) {
      if (!NET_KEYS.contains(k)) {
        return "invalid format - format error\n"
            + key
            + "."
            + k
            + ": property is not defined in schema and the schema does not allow additional properties";
      }
    }
    if (!kv.containsKey("name")) {
      return "invalid format - format error\n"
          + key
          + ".name: property is missing and it is not optional";
    }
    return null;
  }

  private static ProxmoxException fail(Ctx c, String message) {
    return c.error(500, message, Map.of());
  }

  private static ProxmoxException param(Ctx c, String name, String message) {
    return c.error(400, "Parameter verification failed.", Map.of(name, message));
  }

  /** Request method and path, as the HTTP client reports them. */
  private record Ctx(String method, String path) {
    ProxmoxException error(int status, String message, Map<String, String> errors) {
      return ProxmoxErrorMapper.fromHttp(
          method, path, status, firstLine(message), body(message, errors));
    }
  }

  private static String firstLine(String message) {
    return message.split("\n", 2)[0];
  }

  /**
   * The JSON error body the simulator sends: {@code message} with a trailing newline, {@code
   * errors} for 400.
   */
  private static String body(String message, Map<String, String> errors) {
    StringBuilder sb = new StringBuilder("{");
    if (!errors.isEmpty()) {
      sb.append("\"errors\":{");
      boolean first = true;
      for (Map.Entry<String, String> e : errors.entrySet()) {
        sb.append(first ? "" : ",")
            .append(json(e.getKey()))
            .append(':')
            .append(json(e.getValue() + "\n"));
        first = false;
      }
      sb.append("},");
    }
    sb.append("\"data\":null,\"message\":")
        .append(json(message.endsWith("\n") ? message : message + "\n"))
        .append('}');
    return sb.toString();
  }

  private static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (ch < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  // ---- views
  // --------------------------------------------------------------------------------------

  private LxcConfig lxcConfig(FGuest g, Map<String, String> conf) {
    Map<String, String> raw = new LinkedHashMap<>();
    TreeMap<Integer, String> nets = new TreeMap<>();
    new TreeMap<>(conf)
        .forEach(
            (k, v) -> {
              String value = k.equals("description") ? v + "\n" : v;
              raw.put(k, value);
              var m = NET_INDEX.matcher(k);
              if (m.matches()) {
                nets.put(Integer.parseInt(m.group(1)), value);
              }
            });
    String digest = g.digest();
    raw.put("digest", digest);
    return new LxcConfig(
        Optional.ofNullable(raw.get("hostname")),
        optInt(raw.get("cores")),
        optInt(raw.get("memory")),
        optInt(raw.get("swap")),
        Optional.ofNullable(raw.get("rootfs")),
        nets,
        Optional.ofNullable(raw.get("nameserver")),
        Optional.ofNullable(raw.get("searchdomain")),
        splitTags(raw.get("tags")),
        Optional.ofNullable(raw.get("description")),
        "1".equals(raw.get("template")),
        Optional.ofNullable(raw.get("lock")),
        "1".equals(raw.get("unprivileged")),
        Optional.ofNullable(raw.get("features")),
        "1".equals(raw.get("onboot")),
        digest,
        raw);
  }

  private LxcStatus lxcStatus(FGuest g) {
    boolean run = g.isRunning();
    int cores = g.cores();
    return new LxcStatus(
        g.vmid,
        g.name(),
        g.status,
        g.isTemplate(),
        Optional.ofNullable(g.lock()),
        splitTags(g.config.get("tags")),
        cores > 0 ? cores : nodes.get(g.node).maxCpu,
        run ? 0.001 * (3 + g.vmid % 23) : 0,
        run ? g.memoryBytes() / 100 * 35 : 0,
        g.memoryBytes(),
        0,
        g.swapBytes(),
        run ? g.rootfsBytes() / 10 : 0,
        g.rootfsBytes(),
        uptime(g),
        false);
  }

  private long uptime(FGuest g) {
    return g.isRunning() ? Math.max(1, (clock.millis() - g.startedAt) / 1000) : 0;
  }

  private List<ClusterResource> resources(ResourceType type) {
    List<ClusterResource> out = new ArrayList<>();
    if (type == null || type == ResourceType.VM) {
      sortedGuests().forEach(g -> out.add(guestResource(g)));
    }
    if (type == null || type == ResourceType.NODE) {
      for (FNode n : sortedNodes()) {
        out.add(
            new ClusterResource.Node(
                "node/" + n.name,
                n.name,
                n.online ? "online" : "offline",
                nodeCpu(n),
                n.maxCpu,
                nodeMemUsed(n),
                n.maxMem,
                100 * GIB / 9,
                100 * GIB,
                86400));
      }
    }
    if (type == null || type == ResourceType.STORAGE) {
      for (FNode n : sortedNodes()) {
        n.storages.values().forEach(s -> out.add(storageResource(s)));
      }
    }
    if (type == null || type == ResourceType.SDN) {
      for (FNode n : sortedNodes()) {
        out.add(
            new ClusterResource.Sdn(
                "sdn/" + n.name + "/localnetwork", "localnetwork", n.name, "ok"));
      }
    }
    if (type == null) {
      pools.values().stream()
          .sorted(Comparator.comparing(p -> p.id))
          .forEach(p -> out.add(new ClusterResource.Pool("/pool/" + p.id, p.id)));
    }
    return out;
  }

  private ClusterResource.Guest guestResource(FGuest g) {
    Sample s = statsLag ? g.lastSample : g.liveSample();
    boolean run = s != null && s.status() == PowerState.RUNNING;
    return new ClusterResource.Guest(
        g.type + "/" + g.vmid,
        g.isLxc() ? ClusterResource.GuestType.LXC : ClusterResource.GuestType.QEMU,
        g.vmid,
        g.node,
        s == null ? PowerState.UNKNOWN : s.status(),
        s == null ? Optional.empty() : Optional.of(s.name()),
        s != null && s.template(),
        Optional.ofNullable(g.pool),
        Optional.ofNullable(g.lock()),
        splitTags(g.config.get("tags")),
        run ? 0.001 * (3 + g.vmid % 23) : 0,
        s == null ? 0 : s.maxCpu(),
        run ? s.maxMem() / 100 * 35 : 0,
        s == null ? 0 : s.maxMem(),
        run ? g.rootfsBytes() / 10 : 0,
        s == null ? 0 : s.maxDisk(),
        run ? uptime(g) : 0);
  }

  private static ClusterResource.Storage storageResource(FStorage s) {
    return new ClusterResource.Storage(
        "storage/" + s.node + "/" + s.id,
        s.id,
        s.node,
        s.type,
        "available",
        false,
        s.content,
        s.used(),
        s.total);
  }

  private long nodeMemUsed(FNode n) {
    long used = 6 * GIB;
    for (FGuest g : guests.values()) {
      if (g.isRunning() && g.node.equals(n.name)) {
        used += g.memoryBytes() / 100 * 35;
      }
    }
    return used;
  }

  private double nodeCpu(FNode n) {
    long running =
        guests.values().stream().filter(g -> g.isRunning() && g.node.equals(n.name)).count();
    return Math.min(1.0, 0.012 + running * 0.004);
  }

  private List<FGuest> sortedGuests() {
    return guests.values().stream().sorted(Comparator.comparingInt(g -> g.vmid)).toList();
  }

  private List<FNode> sortedNodes() {
    return nodes.values().stream().sorted(Comparator.comparing(n -> n.name)).toList();
  }

  // ---- state helpers
  // ------------------------------------------------------------------------------

  private void removeGuest(FGuest g) {
    guests.remove(g.vmid, g);
    firewalls.remove(g.vmid);
    FNode n = nodes.get(g.node);
    if (n != null) {
      for (FStorage s : n.storages.values()) {
        s.volumes.values().removeIf(v -> v.vmid() == g.vmid);
      }
    }
  }

  private void addToPool(FGuest g, String pool) {
    if (pool != null && pools.containsKey(pool)) {
      g.pool = pool;
    }
  }

  private FNode requireNode(String node) {
    FNode n = nodes.get(node);
    if (n == null) {
      throw new IllegalArgumentException("no node " + node + " (addNode first)");
    }
    return n;
  }

  private FStorage requireStorage(String node, String storage) {
    FStorage s = requireNode(node).storages.get(storage);
    if (s == null) {
      throw new IllegalArgumentException(
          "no storage " + storage + " on " + node + " (addStorage first)");
    }
    return s;
  }

  private FGuest requireGuest(int vmid) {
    FGuest g = guests.get(vmid);
    if (g == null) {
      throw new IllegalArgumentException("no guest " + vmid);
    }
    return g;
  }

  private void requireFree(int vmid) {
    if (guests.containsKey(vmid)) {
      throw new IllegalArgumentException("VMID " + vmid + " is taken");
    }
  }

  private FTask requireRunningTask(Upid upid) {
    FTask t = tasks.get(upid.toString());
    if (t == null) {
      throw new IllegalArgumentException("no task " + upid);
    }
    if (!t.running()) {
      throw new IllegalStateException("task already ended with '" + t.exitStatus + "': " + upid);
    }
    return t;
  }

  // ---- value formats (as the simulator normalises them)
  // ----------------------------------------------

  private String normalize(String key, String value) {
    if (key.matches("net\\d+")) {
      Map<String, String> kv = io.cloudpods.proxmox.PropertyStrings.parse(value, "name");
      kv.putIfAbsent("type", "veth");
      kv.putIfAbsent("hwaddr", newMac());
      return printNet(kv);
    }
    return switch (key) {
      case "tags" -> {
        TreeSet<String> tags = new TreeSet<>();
        for (String t : TAG_SPLIT.split(value)) {
          if (!t.isEmpty()) {
            tags.add(t.toLowerCase(Locale.ROOT));
          }
        }
        yield String.join(";", tags);
      }
      case "features" -> {
        Map<String, String> kv =
            new TreeMap<>(io.cloudpods.proxmox.PropertyStrings.parse(value, "nesting"));
        yield kv.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
      }
      case "description" -> value.replaceAll("\\n+$", "");
      default ->
          NUMERIC_KEYS.contains(key) && value.matches("\\+?\\d+")
              ? Long.toString(Long.parseLong(value.replace("+", "")))
              : value;
    };
  }

  private String withNewMac(String net) {
    Map<String, String> kv = io.cloudpods.proxmox.PropertyStrings.parse(net, "name");
    kv.put("hwaddr", newMac());
    return printNet(kv);
  }

  private static String printNet(Map<String, String> kv) {
    Map<String, String> rest = new TreeMap<>(kv);
    StringBuilder sb = new StringBuilder("name=").append(rest.remove("name"));
    rest.forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
    return sb.toString();
  }

  private String newMac() {
    int n = ++macSeq;
    return String.format(
        Locale.ROOT, "BC:24:11:%02X:%02X:%02X", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  }

  private static String formatOptions(Map<String, String> opts) {
    StringBuilder sb = new StringBuilder();
    opts.forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
    return sb.toString();
  }

  static long parseSize(String v) {
    var m = SIZE.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: " + v);
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    double mult =
        switch (unit) {
          case "K" -> 1024d;
          case "M" -> 1024d * 1024;
          case "G" -> 1024d * 1024 * 1024;
          case "T" -> 1024d * 1024 * 1024 * 1024;
          default -> 1d;
        };
    return (long) Math.floor(n * mult);
  }

  /** {@code PVE::JSONSchema::format_size}: the largest unit that divides evenly. */
  static String formatSize(long bytes) {
    long k = 1024;
    if (bytes > 0 && bytes % (k * k * k * k) == 0) {
      return bytes / (k * k * k * k) + "T";
    }
    if (bytes > 0 && bytes % (k * k * k) == 0) {
      return bytes / (k * k * k) + "G";
    }
    if (bytes > 0 && bytes % (k * k) == 0) {
      return bytes / (k * k) + "M";
    }
    if (bytes > 0 && bytes % k == 0) {
      return bytes / k + "K";
    }
    return Long.toString(bytes);
  }

  private static String outOfSpace(FStorage st, String volname) {
    if (st.type.equals("zfspool")) {
      return "zfs error: cannot create 'rpool/" + st.id + "/" + volname + "': out of space";
    }
    return "unable to allocate volume '"
        + st.id
        + ":"
        + volname
        + "' - not enough free space on storage '"
        + st.id
        + "'";
  }

  private static OptionalInt optInt(String v) {
    return v == null || !v.matches("-?\\d+")
        ? OptionalInt.empty()
        : OptionalInt.of(Integer.parseInt(v));
  }

  private static List<String> splitTags(String v) {
    return v == null
        ? List.of()
        : Arrays.stream(TAG_SPLIT.split(v.strip())).filter(t -> !t.isEmpty()).toList();
  }

  // ---- internal state classes
  // ---------------------------------------------------------------------

  private static final class FNode {
    final String name;
    final int maxCpu;
    final long maxMem;
    final Map<String, FStorage> storages = new LinkedHashMap<>();
    volatile boolean online = true;

    FNode(String name, int maxCpu, long maxMem) {
      this.name = name;
      this.maxCpu = maxCpu;
      this.maxMem = maxMem;
    }
  }

  private record Volume(String volname, long size, int vmid, String content) {}

  private record FArchive(
      String volid, int vmid, long ctime, long size, String notes, boolean isProtected) {}

  private static final class FStorage {
    final String id;
    final String node;
    final String type;
    final long total;
    final Set<String> content;
    final Map<String, Volume> volumes = new LinkedHashMap<>();
    final List<String> templates = new ArrayList<>();
    final Map<String, FArchive> archives = new LinkedHashMap<>();

    FStorage(String id, String node, String type, long total, Set<String> content) {
      this.id = id;
      this.node = node;
      this.type = type;
      this.total = total;
      this.content = content;
    }

    boolean supportsLinkedClone() {
      return type.equals("zfspool")
          || type.equals("lvmthin")
          || type.equals("rbd")
          || type.equals("btrfs");
    }

    long used() {
      return volumes.values().stream().mapToLong(Volume::size).sum()
          + templates.size() * (220 * MIB);
    }

    long avail() {
      return Math.max(0, total - used());
    }

    String freeVolname(String prefix, int vmid) {
      for (int i = 0; ; i++) {
        String suffix = "-" + vmid + "-disk-" + i;
        boolean taken =
            volumes.keySet().stream()
                .anyMatch(n -> n.endsWith(suffix) || n.endsWith(suffix + ".raw"));
        if (!taken) {
          return type.equals("dir") ? vmid + "/" + prefix + suffix + ".raw" : prefix + suffix;
        }
      }
    }
  }

  private static final class FPool {
    final String id;
    final String comment;
    final Set<String> storages = new LinkedHashSet<>();

    FPool(String id, String comment) {
      this.id = id;
      this.comment = comment;
    }
  }

  private record FSnapshot(
      String name, String description, long snaptime, String parent, Map<String, String> config) {}

  /** What pvestatd last sampled of a guest. */
  private record Sample(
      String name, PowerState status, boolean template, int maxCpu, long maxMem, long maxDisk) {}

  private static final class FGuest {
    final int vmid;
    final String type;
    final String node;
    Map<String, String> config = new LinkedHashMap<>();
    PowerState status = PowerState.STOPPED;
    long startedAt;
    String pool;
    final Map<String, FSnapshot> snapshots = new LinkedHashMap<>();
    String parentSnapshot;
    FTask flockHolder;
    Sample lastSample;

    FGuest(int vmid, String node, String type) {
      this.vmid = vmid;
      this.node = node;
      this.type = type;
    }

    boolean isLxc() {
      return type.equals("lxc");
    }

    boolean isRunning() {
      return status == PowerState.RUNNING;
    }

    boolean isTemplate() {
      return "1".equals(config.get("template"));
    }

    String lock() {
      return config.get("lock");
    }

    void setLock(String lock) {
      if (lock == null) {
        config.remove("lock");
      } else {
        config.put("lock", lock);
      }
    }

    boolean flockFree() {
      return flockHolder == null || !flockHolder.running();
    }

    String flockTimeoutMessage() {
      return "can't lock file '/run/lock/lxc/pve-config-" + vmid + ".lock' - got timeout";
    }

    String name() {
      String h = config.get(isLxc() ? "hostname" : "name");
      return h == null ? (isLxc() ? "CT" : "VM") + vmid : h.strip();
    }

    int cores() {
      String c = config.get("cores");
      return c == null ? 0 : Integer.parseInt(c);
    }

    long memoryBytes() {
      return Long.parseLong(config.getOrDefault("memory", "512")) * MIB;
    }

    long swapBytes() {
      return Long.parseLong(config.getOrDefault("swap", "512")) * MIB;
    }

    long rootfsBytes() {
      String r = config.getOrDefault("rootfs", config.get("scsi0"));
      if (r == null) {
        return 4 * GIB;
      }
      String size = io.cloudpods.proxmox.PropertyStrings.parse(r, "volume").get("size");
      return size == null ? 4 * GIB : parseSize(size);
    }

    Sample liveSample() {
      return new Sample(
          name(), status, isTemplate(), Math.max(cores(), 1), memoryBytes(), rootfsBytes());
    }

    void sample() {
      lastSample = liveSample();
    }

    /**
     * SHA-1 of the config file text (description as comment lines, keys sorted, then snapshot
     * sections).
     */
    String digest() {
      StringBuilder sb = new StringBuilder();
      section(sb, config);
      for (FSnapshot s : snapshots.values()) {
        sb.append('\n').append('[').append(s.name()).append("]\n");
        section(sb, s.config());
      }
      try {
        return HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-1")
                    .digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    private static void section(StringBuilder sb, Map<String, String> conf) {
      String desc = conf.get("description");
      if (desc != null) {
        for (String line : desc.split("\n", -1)) {
          sb.append('#').append(line).append('\n');
        }
      }
      new TreeMap<>(conf)
          .forEach(
              (k, v) -> {
                if (!k.equals("description")) {
                  sb.append(k).append(": ").append(v).append('\n');
                }
              });
    }

    GuestState state() {
      return new GuestState(
          vmid,
          type,
          node,
          status,
          Optional.ofNullable(lock()),
          Optional.ofNullable(pool),
          isTemplate(),
          Map.copyOf(config),
          List.copyOf(snapshots.keySet()));
    }
  }

  private static final class FTask {
    final Upid upid;
    final long seq;
    final long startTime;
    final List<String> log = new ArrayList<>();
    String exitStatus;

    /** The worker: returns null on success (effect applied) or the exit status of the failure. */
    java.util.function.Supplier<String> work;

    /**
     * Undoes the synchronous part when the task fails (remove the half-made CT, unlock the source).
     */
    Runnable cleanup;

    /** Runs after success (create/rollback with start=1 fork a start task). */
    Runnable after;

    FTask(Upid upid, long seq, long startTime) {
      this.upid = upid;
      this.seq = seq;
      this.startTime = startTime;
    }

    boolean running() {
      return exitStatus == null;
    }

    TaskStatus status() {
      String u = upid.user();
      int bang = u.indexOf('!');
      return new TaskStatus(
          upid,
          upid.node(),
          upid.type(),
          upid.id(),
          bang < 0 ? u : u.substring(0, bang),
          bang < 0 ? Optional.empty() : Optional.of(u.substring(bang + 1)),
          running(),
          Optional.ofNullable(exitStatus),
          startTime);
    }
  }
}
