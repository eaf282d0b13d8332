package io.cloudpods.proxmox.http;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.cloudpods.proxmox.ProxmoxAlreadyExistsException;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxErrorMapper;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxException.ErrorContext;
import io.cloudpods.proxmox.ProxmoxNotImplementedException;
import io.cloudpods.proxmox.ProxmoxParameterException;
import io.cloudpods.proxmox.ProxmoxProtocolException;
import io.cloudpods.proxmox.ProxmoxRequestObserver;
import io.cloudpods.proxmox.PruneMark;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import okhttp3.ConnectionPool;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * {@link ProxmoxClient} over the Proxmox VE REST API with OkHttp and Jackson.
 *
 * <p>Wire rules it follows: API-token header {@code PVEAPIToken=user@realm!name=secret} (no CSRF
 * token needed); POST/PUT parameters as {@code application/x-www-form-urlencoded} with booleans
 * {@code 0|1}; GET/DELETE parameters only in the query string (a body there is a 501 on real
 * servers); every path segment percent-encoded (UPIDs contain {@code :} and {@code !}); the {@code
 * {"data": ...}} envelope unwrapped; connect, read/write and whole-call timeouts on every request.
 *
 * <p>Requests are never retried here, not even on a dropped connection: a retried clone or create
 * could run twice. Idle connections are dropped after 2 s because the server closes them after 5 s.
 *
 * <p>Pools: servers from PVE 8.1 use {@code GET /pools?poolid=} and {@code PUT /pools}; older ones
 * only {@code /pools/{id}}. The form is chosen from {@link #version()} (cached), and a new-form
 * request answered with 501, or 400 rejecting {@code poolid}, switches to the old form for good.
 */
public final class HttpProxmoxClient implements ProxmoxClient, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(HttpProxmoxClient.class.getName());

  private final ProxmoxClientSettings settings;
  private final OkHttpClient http;
  private final HttpUrl base;
  private final ProxmoxRequestObserver observer;
  private final io.cloudpods.proxmox.MutationFence fence;
  private volatile VersionInfo cachedVersion;
  private volatile Boolean legacyPools;

  public HttpProxmoxClient(ProxmoxClientSettings settings) {
    this(settings, ProxmoxRequestObserver.NONE);
  }

  /** A client that tells {@code observer} of every request (method, route, outcome, time). */
  public HttpProxmoxClient(ProxmoxClientSettings settings, ProxmoxRequestObserver observer) {
    this.settings = settings;
    this.observer = observer;
    this.fence = io.cloudpods.proxmox.MutationFence.NONE;
    HttpUrl parsed = HttpUrl.parse(settings.baseUrl().toString());
    if (parsed == null) {
      throw new InvalidProxmoxSettingsException(
          ProxmoxClientSettings.P_URL, "cannot be parsed: " + settings.baseUrl());
    }
    this.base = parsed;
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .connectTimeout(settings.connectTimeout())
            .readTimeout(settings.requestTimeout())
            .writeTimeout(settings.requestTimeout())
            .callTimeout(settings.callTimeout())
            // HTTP/1.1 only: old servers put the error text solely in the reason phrase, which
            // HTTP/2 lacks.
            .protocols(List.of(Protocol.HTTP_1_1))
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .followSslRedirects(false)
            .connectionPool(new ConnectionPool(5, 2, TimeUnit.SECONDS));
    TlsSetup.apply(b, settings);
    this.http = b.build();
  }

  private HttpProxmoxClient(HttpProxmoxClient shared, io.cloudpods.proxmox.MutationFence fence) {
    this.settings = shared.settings;
    this.observer = shared.observer;
    this.base = shared.base;
    this.fence = fence;
    this.http =
        shared
            .http
            .newBuilder()
            .addNetworkInterceptor(
                chain -> {
                  io.cloudpods.proxmox.MutationFence.Permit permit =
                      chain.request().tag(io.cloudpods.proxmox.MutationFence.Permit.class);
                  if (permit != null && !fence.stillValid(permit)) {
                    // paused between the permit and this write: the lease may be another's now
                    throw new FencedIOException(
                        "the lease this change was permitted under ("
                            + permit.token()
                            + ") may have run out before the request was sent");
                  }
                  return chain.proceed(chain.request());
                })
            .build();
  }

  /**
   * The same client (connections, settings, observer) asking {@code fence} before every request
   * that changes something, and sending the lease it is made under ({@link
   * io.cloudpods.proxmox.MutationFence#HEADER}). Closing it closes the shared connections too.
   */
  public HttpProxmoxClient withFence(io.cloudpods.proxmox.MutationFence fence) {
    return new HttpProxmoxClient(this, fence);
  }

  @Override
  public ProxmoxClient fencedBy(io.cloudpods.proxmox.MutationFence fence) {
    return withFence(fence);
  }

  /** Refused by the fence just before the write: nothing was sent. */
  private static final class FencedIOException extends IOException {
    FencedIOException(String message) {
      super(message);
    }
  }

  /** The settings this client was built from (secret masked in {@code toString}). */
  public ProxmoxClientSettings settings() {
    return settings;
  }

  @Override
  public String toString() {
    return "HttpProxmoxClient[" + settings.baseUrl() + ", tokenId=" + settings.tokenId() + "]";
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  // ---- cluster and nodes ------------------------------------------------------------------------

  @Override
  public VersionInfo version() {
    VersionInfo v = cachedVersion;
    if (v == null) {
      v = get(path("version"), Map.of(), ProxmoxJson::version);
      cachedVersion = v;
    }
    return v;
  }

  @Override
  public List<NodeInfo> nodes() {
    return get(path("nodes"), Map.of(), d -> ProxmoxJson.list(d, ProxmoxJson::node));
  }

  @Override
  public NodeStatus nodeStatus(String node) {
    return get(path("nodes", node, "status"), Map.of(), ProxmoxJson::nodeStatus);
  }

  @Override
  public List<ClusterResource> clusterResources() {
    return get(
        path("cluster", "resources"),
        Map.of(),
        d -> ProxmoxJson.list(d, ProxmoxJson::clusterResource));
  }

  @Override
  public List<ClusterResource> clusterResources(ResourceType type) {
    return get(
        path("cluster", "resources"),
        Map.of("type", type.apiValue()),
        d -> ProxmoxJson.list(d, ProxmoxJson::clusterResource));
  }

  @Override
  public int nextId() {
    return get(path("cluster", "nextid"), Map.of(), ProxmoxJson::vmidValue);
  }

  @Override
  public boolean isVmidFree(int vmid) {
    try {
      get(path("cluster", "nextid"), Map.of("vmid", Integer.toString(vmid)), d -> d);
      return true;
    } catch (ProxmoxAlreadyExistsException e) {
      return false;
    }
  }

  // ---- containers -------------------------------------------------------------------------------

  @Override
  public List<LxcStatus> listContainers(String node) {
    return get(
        path("nodes", node, "lxc"), Map.of(), d -> ProxmoxJson.list(d, ProxmoxJson::lxcStatus));
  }

  @Override
  public Upid createContainer(String node, CreateContainerRequest request) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("vmid", Integer.toString(request.vmid()));
    p.put("ostemplate", request.ostemplate());
    p.putAll(request.params());
    return send("POST", path("nodes", node, "lxc"), p, ProxmoxJson::upid);
  }

  @Override
  public Upid cloneContainer(String node, int sourceVmid, CloneRequest r) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("newid", Integer.toString(r.newid()));
    r.hostname().ifPresent(v -> p.put("hostname", v));
    r.description().ifPresent(v -> p.put("description", v));
    r.pool().ifPresent(v -> p.put("pool", v));
    r.full().ifPresent(v -> p.put("full", bit(v)));
    r.storage().ifPresent(v -> p.put("storage", v));
    r.target().ifPresent(v -> p.put("target", v));
    r.snapname().ifPresent(v -> p.put("snapname", v));
    return send("POST", path("nodes", node, "lxc", sourceVmid, "clone"), p, ProxmoxJson::upid);
  }

  @Override
  public LxcConfig getConfig(String node, int vmid) {
    return get(path("nodes", node, "lxc", vmid, "config"), Map.of(), ProxmoxJson::lxcConfig);
  }

  @Override
  public void updateConfig(String node, int vmid, ConfigUpdate update) {
    Map<String, String> p = new LinkedHashMap<>(update.set());
    if (!update.delete().isEmpty()) {
      p.put("delete", String.join(",", update.delete()));
    }
    update.digest().ifPresent(d -> p.put("digest", d));
    send("PUT", path("nodes", node, "lxc", vmid, "config"), p, d -> null);
  }

  @Override
  public LxcStatus status(String node, int vmid) {
    return get(
        path("nodes", node, "lxc", vmid, "status", "current"), Map.of(), ProxmoxJson::lxcStatus);
  }

  @Override
  public Upid start(String node, int vmid) {
    return send(
        "POST", path("nodes", node, "lxc", vmid, "status", "start"), Map.of(), ProxmoxJson::upid);
  }

  @Override
  public Upid stop(String node, int vmid) {
    return send(
        "POST", path("nodes", node, "lxc", vmid, "status", "stop"), Map.of(), ProxmoxJson::upid);
  }

  @Override
  public Upid shutdown(String node, int vmid, int timeoutSeconds, boolean forceStop) {
    if (timeoutSeconds < 0) {
      throw new IllegalArgumentException("timeoutSeconds must be >= 0");
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("timeout", Integer.toString(timeoutSeconds));
    p.put("forceStop", bit(forceStop));
    return send(
        "POST", path("nodes", node, "lxc", vmid, "status", "shutdown"), p, ProxmoxJson::upid);
  }

  @Override
  public Upid delete(String node, int vmid, DeleteOptions options) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("purge", bit(options.purge()));
    q.put("force", bit(options.force()));
    q.put("destroy-unreferenced-disks", bit(options.destroyUnreferencedDisks()));
    return send("DELETE", path("nodes", node, "lxc", vmid), q, ProxmoxJson::upid);
  }

  @Override
  public void convertToTemplate(String node, int vmid) {
    send("POST", path("nodes", node, "lxc", vmid, "template"), Map.of(), d -> null);
  }

  @Override
  public Upid resize(String node, int vmid, String disk, String size) {
    if (!size.matches("\\+?\\d+(\\.\\d+)?[KMGT]?")) {
      throw new IllegalArgumentException("size must look like 16G or +4G, got '" + size + "'");
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("disk", disk);
    p.put("size", size);
    return send("PUT", path("nodes", node, "lxc", vmid, "resize"), p, ProxmoxJson::upid);
  }

  // ---- snapshots --------------------------------------------------------------------------------

  @Override
  public List<Snapshot> listSnapshots(String node, int vmid) {
    return get(
        path("nodes", node, "lxc", vmid, "snapshot"),
        Map.of(),
        d -> ProxmoxJson.list(d, ProxmoxJson::snapshot));
  }

  @Override
  public Upid createSnapshot(String node, int vmid, String snapname, Optional<String> description) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("snapname", snapname);
    description.ifPresent(v -> p.put("description", v));
    return send("POST", path("nodes", node, "lxc", vmid, "snapshot"), p, ProxmoxJson::upid);
  }

  @Override
  public Upid rollbackSnapshot(String node, int vmid, String snapname, boolean start) {
    // 'start' is sent only when wanted: servers before it existed reject unknown parameters.
    Map<String, String> p = start ? Map.of("start", "1") : Map.of();
    return send(
        "POST",
        path("nodes", node, "lxc", vmid, "snapshot", snapname, "rollback"),
        p,
        ProxmoxJson::upid);
  }

  @Override
  public Upid deleteSnapshot(String node, int vmid, String snapname, boolean force) {
    Map<String, String> q = force ? Map.of("force", "1") : Map.of();
    return send(
        "DELETE", path("nodes", node, "lxc", vmid, "snapshot", snapname), q, ProxmoxJson::upid);
  }

  // ---- backup and storage -----------------------------------------------------------------------

  @Override
  public VzdumpResult vzdump(String node, VzdumpRequest r) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("vmid", r.vmids().stream().map(String::valueOf).collect(Collectors.joining(",")));
    r.storage().ifPresent(v -> p.put("storage", v));
    r.mode().ifPresent(v -> p.put("mode", v));
    r.compress().ifPresent(v -> p.put("compress", v));
    p.putAll(r.extra());
    return send("POST", path("nodes", node, "vzdump"), p, ProxmoxJson::vzdumpResult);
  }

  @Override
  public List<NodeStorage> nodeStorages(String node) {
    return get(
        path("nodes", node, "storage"),
        Map.of(),
        d -> ProxmoxJson.list(d, ProxmoxJson::nodeStorage));
  }

  @Override
  public List<StorageContent> storageContent(
      String node, String storage, Optional<String> content, Optional<Integer> vmid) {
    Map<String, String> q = new LinkedHashMap<>();
    content.ifPresent(v -> q.put("content", v));
    vmid.ifPresent(v -> q.put("vmid", Integer.toString(v)));
    return get(
        path("nodes", node, "storage", storage, "content"),
        q,
        d -> ProxmoxJson.list(d, ProxmoxJson::storageContent));
  }

  @Override
  public Upid deleteVolume(String node, String storage, String volid) {
    return send(
        "DELETE",
        path("nodes", node, "storage", storage, "content", volid),
        Map.of(),
        ProxmoxJson::upid);
  }

  @Override
  public void updateVolume(
      String node,
      String storage,
      String volid,
      Optional<String> notes,
      Optional<Boolean> protect) {
    Map<String, String> p = new LinkedHashMap<>();
    notes.ifPresent(v -> p.put("notes", v));
    protect.ifPresent(v -> p.put("protected", v ? "1" : "0"));
    send("PUT", path("nodes", node, "storage", storage, "content", volid), p, d -> null);
  }

  @Override
  public List<PruneMark> pruneDryRun(
      String node, String storage, Optional<String> pruneBackups, Optional<Integer> vmid) {
    return get(
        path("nodes", node, "storage", storage, "prunebackups"),
        pruneParams(pruneBackups, vmid),
        d -> ProxmoxJson.list(d, ProxmoxJson::pruneMark));
  }

  @Override
  public Upid pruneBackups(
      String node, String storage, Optional<String> pruneBackups, Optional<Integer> vmid) {
    return send(
        "DELETE",
        path("nodes", node, "storage", storage, "prunebackups"),
        pruneParams(pruneBackups, vmid),
        ProxmoxJson::upid);
  }

  private static Map<String, String> pruneParams(
      Optional<String> pruneBackups, Optional<Integer> vmid) {
    Map<String, String> q = new LinkedHashMap<>();
    pruneBackups.ifPresent(v -> q.put("prune-backups", v));
    q.put("type", "lxc");
    vmid.ifPresent(v -> q.put("vmid", Integer.toString(v)));
    return q;
  }

  @Override
  public List<StorageConfig> storages() {
    return get(path("storage"), Map.of(), d -> ProxmoxJson.list(d, ProxmoxJson::storageConfig));
  }

  // ---- pools ------------------------------------------------------------------------------------

  @Override
  public List<Pool> pools() {
    return get(path("pools"), Map.of(), d -> ProxmoxJson.list(d, ProxmoxJson::poolSummary));
  }

  @Override
  public Pool pool(String poolId) {
    if (!useLegacyPools()) {
      try {
        return get(
            path("pools"),
            Map.of("poolid", poolId),
            d -> {
              List<JsonNode> entries = ProxmoxJson.list(d, e -> e);
              if (entries.isEmpty()) {
                throw new IllegalArgumentException("empty pool list for poolid " + poolId);
              }
              return ProxmoxJson.poolWithMembers(entries.get(0), poolId);
            });
      } catch (ProxmoxNotImplementedException | ProxmoxParameterException e) {
        if (!switchToLegacyPools(e)) {
          throw e;
        }
      }
    }
    return get(path("pools", poolId), Map.of(), d -> ProxmoxJson.poolWithMembers(d, poolId));
  }

  @Override
  public void createPool(String poolId, Optional<String> comment) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("poolid", poolId);
    comment.ifPresent(c -> p.put("comment", c));
    send("POST", path("pools"), p, d -> null);
  }

  @Override
  public void addPoolMembers(
      String poolId, List<Integer> vmids, List<String> storages, boolean allowMove) {
    updatePool(poolId, vmids, storages, false, allowMove);
  }

  @Override
  public void removePoolMembers(String poolId, List<Integer> vmids, List<String> storages) {
    updatePool(poolId, vmids, storages, true, false);
  }

  private void updatePool(
      String poolId,
      List<Integer> vmids,
      List<String> storages,
      boolean delete,
      boolean allowMove) {
    if (vmids.isEmpty() && storages.isEmpty()) {
      throw new IllegalArgumentException("pool update needs at least one vmid or storage");
    }
    Map<String, String> p = new LinkedHashMap<>();
    if (!vmids.isEmpty()) {
      p.put("vms", vmids.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    if (!storages.isEmpty()) {
      p.put("storage", String.join(",", storages));
    }
    if (delete) {
      p.put("delete", "1");
    }
    if (!useLegacyPools()) {
      Map<String, String> np = new LinkedHashMap<>();
      np.put("poolid", poolId);
      np.putAll(p);
      if (allowMove) {
        np.put("allow-move", "1");
      }
      try {
        send("PUT", path("pools"), np, d -> null);
        return;
      } catch (ProxmoxNotImplementedException | ProxmoxParameterException e) {
        if (!switchToLegacyPools(e)) {
          throw e;
        }
      }
    }
    send("PUT", path("pools", poolId), p, d -> null);
  }

  private boolean useLegacyPools() {
    Boolean legacy = legacyPools;
    if (legacy == null) {
      legacy = !version().atLeast(8, 1);
      legacyPools = legacy;
    }
    return legacy;
  }

  /** A new-form pool request refused as unknown: remember to use the old form. */
  private boolean switchToLegacyPools(ProxmoxException e) {
    boolean unknownForm =
        e instanceof ProxmoxNotImplementedException
            || (e instanceof ProxmoxParameterException pe && pe.errors().containsKey("poolid"));
    if (unknownForm) {
      LOG.info("Proxmox server does not support the PVE 8.1 pool API; using /pools/{poolid}");
      legacyPools = true;
    }
    return unknownForm;
  }

  // ---- container firewall -----------------------------------------------------------------------

  @Override
  public FirewallOptions firewallOptions(String node, int vmid) {
    return get(fw(node, vmid, "options"), Map.of(), ProxmoxJson::firewallOptions);
  }

  @Override
  public void updateFirewallOptions(String node, int vmid, ConfigUpdate update) {
    Map<String, String> p = new LinkedHashMap<>(update.set());
    if (!update.delete().isEmpty()) {
      p.put("delete", String.join(",", update.delete()));
    }
    update.digest().ifPresent(d -> p.put("digest", d));
    send("PUT", fw(node, vmid, "options"), p, d -> null);
  }

  @Override
  public List<IpSet> ipSets(String node, int vmid) {
    return get(fw(node, vmid, "ipset"), Map.of(), d -> ProxmoxJson.list(d, ProxmoxJson::ipSet));
  }

  @Override
  public void createIpSet(String node, int vmid, String name, Optional<String> comment) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("name", name);
    comment.ifPresent(c -> p.put("comment", c));
    send("POST", fw(node, vmid, "ipset"), p, d -> null);
  }

  @Override
  public void deleteIpSet(String node, int vmid, String name, boolean force) {
    Map<String, String> q = force ? Map.of("force", "1") : Map.of();
    send("DELETE", fw(node, vmid, "ipset", name), q, d -> null);
  }

  @Override
  public List<IpSetEntry> ipSetEntries(String node, int vmid, String name) {
    return get(
        fw(node, vmid, "ipset", name), Map.of(), d -> ProxmoxJson.list(d, ProxmoxJson::ipSetEntry));
  }

  @Override
  public void addIpSetEntry(
      String node, int vmid, String name, String cidr, Optional<String> comment) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("cidr", cidr);
    comment.ifPresent(c -> p.put("comment", c));
    send("POST", fw(node, vmid, "ipset", name), p, d -> null);
  }

  @Override
  public void removeIpSetEntry(String node, int vmid, String name, String cidr) {
    // the server joins everything after the set's name into the cidr, so a raw '/' is sent as a
    // path separator (pve-common RESTHandler, fragmentDelimiter '')
    List<String> segments = new java.util.ArrayList<>(fw(node, vmid, "ipset", name).segments());
    segments.addAll(List.of(cidr.split("/", -1)));
    send("DELETE", path(segments.toArray()), Map.of(), d -> null);
  }

  private static ApiPath fw(String node, int vmid, String... rest) {
    List<Object> s = new java.util.ArrayList<>(List.of("nodes", node, "lxc", vmid, "firewall"));
    s.addAll(List.of(rest));
    return path(s.toArray());
  }

  // ---- tasks ------------------------------------------------------------------------------------

  @Override
  public TaskStatus taskStatus(Upid upid) {
    return get(
        path("nodes", upid.node(), "tasks", upid.toString(), "status"),
        Map.of(),
        d -> ProxmoxJson.taskStatus(d, upid));
  }

  @Override
  public TaskLog taskLog(Upid upid, int start, int limit) {
    if (start < 0 || limit <= 0) {
      throw new IllegalArgumentException("start must be >= 0 and limit > 0");
    }
    Map<String, String> q = new LinkedHashMap<>();
    q.put("start", Integer.toString(start));
    q.put("limit", Integer.toString(limit));
    ApiPath p = path("nodes", upid.node(), "tasks", upid.toString(), "log");
    return execute("GET", p, q, ProxmoxJson::taskLog);
  }

  // ---- transport --------------------------------------------------------------------------------

  /** A request path as raw segments; {@link #display()} is what errors and logs show. */
  record ApiPath(List<String> segments) {
    String display() {
      return "/" + String.join("/", segments);
    }
  }

  private static ApiPath path(Object... segments) {
    List<String> s = new java.util.ArrayList<>();
    for (Object o : segments) {
      String v = String.valueOf(o);
      if (v.isEmpty()) {
        throw new IllegalArgumentException("empty path segment");
      }
      s.add(v);
    }
    return new ApiPath(List.copyOf(s));
  }

  private <T> T get(ApiPath path, Map<String, String> query, Function<JsonNode, T> mapper) {
    return execute("GET", path, query, root -> mapper.apply(root.path("data")));
  }

  private <T> T send(
      String method, ApiPath path, Map<String, String> params, Function<JsonNode, T> mapper) {
    return execute(method, path, params, root -> mapper.apply(root.path("data")));
  }

  private <T> T execute(
      String method, ApiPath path, Map<String, String> params, Function<JsonNode, T> mapper) {
    String where = path.display();
    io.cloudpods.proxmox.MutationFence.Permit permit =
        method.equals("GET") ? null : fence.permit(method + " " + where);
    Request request = buildRequest(method, path, params, permit);
    long started = System.nanoTime();
    String body;
    int code;
    String reason;
    okhttp3.Call call = http.newCall(request);
    if (permit != null) {
      call.timeout().timeout(permit.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
    try (Response response = executeFenced(call, permit)) {
      code = response.code();
      reason = response.message();
      ResponseBody rb = response.body();
      body = rb == null ? "" : new String(rb.bytes(), StandardCharsets.UTF_8);
    } catch (FencedIOException e) {
      throw new io.cloudpods.proxmox.FencedException(
          "not sent: " + method + " " + where + ": " + e.getMessage());
    } catch (IOException e) {
      observe(
          method, path, e instanceof java.io.InterruptedIOException ? "timeout" : "io", started);
      ProxmoxException mapped = ProxmoxErrorMapper.fromIo(method, where, e);
      LOG.log(Level.FINE, () -> method + " " + where + " -> " + mapped.getClass().getSimpleName());
      throw mapped;
    }
    observe(method, path, Integer.toString(code), started);
    long ms = (System.nanoTime() - started) / 1_000_000;
    LOG.log(Level.FINE, () -> method + " " + where + " -> " + code + " (" + ms + " ms)");
    if (code < 200 || code > 299) {
      throw ProxmoxErrorMapper.fromHttp(method, where, code, reason, body);
    }
    ErrorContext ctx = new ErrorContext(code, method, where);
    JsonNode root;
    try {
      root = ProxmoxJson.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new ProxmoxProtocolException(ctx, "response is not JSON: " + abbreviate(body), e);
    }
    if (root == null || !root.isObject() || !root.has("data")) {
      throw new ProxmoxProtocolException(
          ctx, "response has no 'data' envelope: " + abbreviate(body), null);
    }
    try {
      return mapper.apply(root);
    } catch (ProxmoxException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ProxmoxProtocolException(ctx, "unexpected response: " + e.getMessage(), e);
    }
  }

  /** Executes the call; the fence learns when a permitted call has ended. */
  private Response executeFenced(okhttp3.Call call, io.cloudpods.proxmox.MutationFence.Permit p)
      throws IOException {
    if (p == null) {
      return call.execute();
    }
    try {
      Response r = call.execute();
      // the answer's head has arrived: Proxmox has accepted or refused the change
      return r;
    } finally {
      fence.done(p);
    }
  }

  private void observe(String method, ApiPath path, String outcome, long started) {
    try {
      observer.observe(
          method, RouteTemplate.of(path.segments()), outcome, System.nanoTime() - started);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "request observer failed", e);
    }
  }

  private Request buildRequest(
      String method,
      ApiPath path,
      Map<String, String> params,
      io.cloudpods.proxmox.MutationFence.Permit permit) {
    HttpUrl.Builder url = base.newBuilder();
    for (String segment : path.segments()) {
      url.addEncodedPathSegment(encodeSegment(segment));
    }
    RequestBody body = null;
    if (method.equals("GET") || method.equals("DELETE")) {
      params.forEach(url::addQueryParameter);
    } else {
      FormBody.Builder form = new FormBody.Builder(StandardCharsets.UTF_8);
      params.forEach(form::add);
      body = form.build();
    }
    Request.Builder b =
        new Request.Builder()
            .url(url.build())
            .header("Authorization", settings.authorizationHeader())
            .header("Accept", "application/json")
            .method(method, body);
    if (permit != null) {
      b.header(io.cloudpods.proxmox.MutationFence.HEADER, permit.token())
          .tag(io.cloudpods.proxmox.MutationFence.Permit.class, permit);
    }
    return b.build();
  }

  /** Percent-encodes everything except RFC 3986 unreserved characters. */
  static String encodeSegment(String segment) {
    StringBuilder sb = new StringBuilder();
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  private static String bit(boolean b) {
    return b ? "1" : "0";
  }

  private static String abbreviate(String s) {
    String t = s == null ? "" : s.strip();
    return t.length() <= 200 ? t : t.substring(0, 200) + "...";
  }
}
