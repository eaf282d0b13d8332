package io.cloudpods.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.IpPool;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantQuota;
import io.cloudpods.api.v1alpha1.TenantSpec;
import io.cloudpods.auth.Caller;
import io.cloudpods.imports.ClusterGuest;
import io.cloudpods.imports.ClusterGuests;
import io.cloudpods.imports.ImportFileException;
import io.cloudpods.imports.ImportPlan;
import io.cloudpods.imports.ImportPlan.Decision;
import io.cloudpods.imports.ImportPlanner;
import io.cloudpods.imports.IpamFile;
import io.cloudpods.imports.LogPod;
import io.cloudpods.imports.SeedLog;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.Json;
import io.cloudpods.store.PodsConfig;
import io.cloudpods.store.TenantStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /api/v1/imports/seed} (admin only): the pods the seed scripts made become CloudPods
 * with {@code spec.adopt: true} and {@code network: Guest}, the tenants they name are created
 * (quota from their pods' sums, labelled as derived) and the IPAM-file addresses no adopted pod
 * takes are reserved in their pool. The cluster (all nodes) is only read. Every write goes through
 * admission as one batch, in one transaction: a refused import stores nothing, a dry run stores
 * nothing, and a re-run of the same files writes nothing new (each object answers unchanged).
 */
@Path("/api/v1/imports/seed")
@Produces(MediaType.APPLICATION_JSON)
public class ImportResource {

  private static final Set<String> FIELDS =
      Set.of(
          "dryRun",
          "tenantDefault",
          "ipPool",
          "ipam",
          "log",
          "ipamFile",
          "logFile",
          "warnings",
          "cluster");

  /** What one object of the import's batch came to. */
  public record Written(String kind, String tenant, String name, String result) {}

  /** The answer: what was found per container and what was (or, in a dry run, would be) done. */
  public record ImportResult(
      boolean dryRun,
      List<Decision> containers,
      List<ImportPlan.TenantToCreate> tenants,
      List<ImportPlan.Reserve> reservations,
      List<Written> written,
      List<String> warnings,
      Map<String, Integer> summary) {}

  private final Admission admission;
  private final RequestSupport req;
  private final ClusterAccess clusters;
  private final TenantStore tenants;
  private final IpPoolStore pools;
  private final CloudPodStore pods;
  private final PodsConfig podsConfig;

  public ImportResource(
      Admission admission,
      RequestSupport req,
      ClusterAccess clusters,
      TenantStore tenants,
      IpPoolStore pools,
      CloudPodStore pods,
      PodsConfig podsConfig) {
    this.admission = admission;
    this.req = req;
    this.clusters = clusters;
    this.tenants = tenants;
    this.pools = pools;
    this.pods = pods;
    this.podsConfig = podsConfig;
  }

  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  @Operation(
      summary = "Import the seed scripts' pods",
      description =
          "Admin only. Body {ipam: [{ip, line}] | ipamFile: text, log: [LogPod] | logFile: text,"
              + " tenantDefault?, ipPool?, cluster?, dryRun?, warnings?}. Reads every node's"
              + " guests of the cluster (default: default) and its IP pools only, decides"
              + " per container adopt | skip | conflict, and (unless dryRun) creates the missing"
              + " tenants, the CloudPods (spec.adopt: true, network: Guest) and the reservations of"
              + " unused IPAM-file addresses, in one transaction. Idempotent.")
  public ImportResult importSeed(
      @QueryParam("dryRun") @DefaultValue("false") boolean dryRunParam, String body) {
    Caller caller = req.caller();
    if (!caller.isAdmin()) {
      throw ApiException.forbidden(
          "token '" + caller.tokenName() + "' may not import: only admin tokens may");
    }
    JsonNode in = parse(req.limit(body));
    boolean dryRun = dryRunParam || in.path("dryRun").asBoolean(false);
    List<String> warnings = new ArrayList<>();
    in.path("warnings").forEach(w -> warnings.add(w.asText()));
    IpamFile.Contents ipam = ipam(in, warnings);
    Map<Integer, LogPod> log = log(in, warnings);
    Optional<String> tenantDefault = optionalName(in, "tenantDefault");
    Optional<String> poolName = optionalName(in, "ipPool");
    String cluster = optionalName(in, "cluster").orElse(ProxmoxCluster.DEFAULT);
    String region = clusters.require("cluster", cluster).spec().region();

    Map<String, IpPoolSpec> poolSpecs = new TreeMap<>();
    Map<String, IpPool> poolObjects = new HashMap<>();
    for (IpPool p : pools.list(null)) {
      if (poolName.isPresent()
          && poolName.get().equals(p.metadata().name())
          && !cluster.equals(p.spec().clusterOrDefault())) {
        throw ApiException.invalid(
            "ipPool",
            "ip pool '"
                + poolName.get()
                + "' is in cluster "
                + p.spec().clusterOrDefault()
                + ", not in "
                + cluster);
      }
      if (p.metadata().deletionTimestamp() == null
          && cluster.equals(p.spec().clusterOrDefault())
          && poolName.map(n -> n.equals(p.metadata().name())).orElse(true)) {
        poolSpecs.put(p.metadata().name(), p.spec());
        poolObjects.put(p.metadata().name(), p);
      }
    }
    if (poolName.isPresent() && poolSpecs.isEmpty()) {
      throw ApiException.invalid("ipPool", "ip pool '" + poolName.get() + "' does not exist");
    }
    Set<String> tenantNames = new HashSet<>();
    tenants.list(null).forEach(t -> tenantNames.add(t.metadata().name()));
    List<ImportPlanner.StoredPod> stored = new ArrayList<>();
    for (CloudPod p : pods.list(null)) {
      if (!cluster.equals(clusterOf(p))) {
        continue; // VMIDs and addresses are the cluster's own
      }
      Integer vmid =
          p.spec().vmid() != null ? p.spec().vmid() : p.status() == null ? null : p.status().vmid();
      String ip =
          p.spec().ip() != null ? p.spec().ip() : p.status() == null ? null : p.status().ip();
      stored.add(new ImportPlanner.StoredPod(p.metadata().tenant(), p.metadata().name(), vmid, ip));
    }
    List<ClusterGuest> guests = ClusterGuests.read(clusters.client(cluster));
    ImportPlan plan =
        ImportPlanner.plan(
            new ImportPlanner.Input(
                ipam,
                log,
                guests,
                poolSpecs,
                tenantNames,
                stored,
                tenantDefault,
                new ImportPlanner.Rules(
                    podsConfig.infraVmidStart(),
                    podsConfig.infraVmidEnd(),
                    io.cloudpods.cloudpod.plan.AdoptionCheck.INFRA_POOL,
                    podsConfig.cores(),
                    podsConfig.memoryMb(),
                    podsConfig.swapMb(),
                    podsConfig.diskGb())));

    Map<Integer, ClusterGuest> byVmid = new HashMap<>();
    guests.forEach(g -> byVmid.put(g.vmid(), g));
    List<JsonNode> docs = documents(plan, byVmid, poolObjects, region);
    List<Written> written = new ArrayList<>();
    if (!docs.isEmpty()) {
      for (Admission.Result r : admission.admit(docs, caller, dryRun, true)) {
        written.add(new Written(r.kind().name(), r.tenant(), r.name(), r.result().name()));
      }
    }
    Map<String, Integer> summary = new LinkedHashMap<>();
    for (ImportPlan.Verdict v : ImportPlan.Verdict.values()) {
      summary.put(
          v.name().toLowerCase(java.util.Locale.ROOT),
          (int) plan.containers().stream().filter(d -> d.verdict() == v).count());
    }
    summary.put("tenants", plan.tenants().size());
    summary.put(
        "reserved", (int) plan.reservations().stream().filter(r -> r.pool() != null).count());
    return new ImportResult(
        dryRun, plan.containers(), plan.tenants(), plan.reservations(), written, warnings, summary);
  }

  private static List<JsonNode> documents(
      ImportPlan plan,
      Map<Integer, ClusterGuest> guests,
      Map<String, IpPool> pools,
      String region) {
    List<JsonNode> docs = new ArrayList<>();
    for (ImportPlan.TenantToCreate t : plan.tenants()) {
      docs.add(
          Json.MAPPER.valueToTree(
              Tenant.of(
                  ObjectMeta.named(t.name())
                      .withLabels(Map.of(ImportPlanner.DERIVED_LABEL, ImportPlanner.DERIVED_VALUE)),
                  new TenantSpec(
                      "imported from the seed scripts' log",
                      new TenantQuota(t.maxPods(), t.maxCores(), t.maxMemoryMb(), t.maxDiskGb()),
                      new io.cloudpods.api.v1alpha1.TenantAllowed(
                          null, null, t.ipPools(), null)))));
    }
    for (Decision d : plan.containers()) {
      if (d.verdict() != ImportPlan.Verdict.ADOPT) {
        continue;
      }
      ClusterGuest g = guests.get(d.vmid());
      String power = g != null && "stopped".equals(status(g)) ? "Stopped" : "Running";
      CloudPodSpec spec =
          new CloudPodSpec(
              d.size().cores(),
              d.size().memoryMb(),
              d.size().swapMb(),
              d.size().diskGb(),
              null,
              null,
              d.ipPool(),
              d.ip(),
              d.vmid(),
              d.node(),
              power,
              null,
              null,
              null,
              null,
              Boolean.TRUE,
              CloudPodSpec.NETWORK_GUEST,
              region,
              null);
      docs.add(
          Json.MAPPER.valueToTree(
              CloudPod.of(
                  ObjectMeta.named(d.tenant(), d.name())
                      .withLabels(Map.of(ImportPlanner.DERIVED_LABEL, "adopted")),
                  spec)));
    }
    Map<String, TreeSet<String>> reserve = new TreeMap<>();
    for (ImportPlan.Reserve r : plan.reservations()) {
      if (r.pool() != null) {
        reserve.computeIfAbsent(r.pool(), p -> new TreeSet<>()).add(r.ip());
      }
    }
    reserve.forEach(
        (name, ips) -> {
          IpPool p = pools.get(name);
          List<String> reserved =
              new ArrayList<>(p.spec().reserved() == null ? List.of() : p.spec().reserved());
          ips.stream().filter(ip -> !reserved.contains(ip)).forEach(reserved::add);
          IpPoolSpec s = p.spec();
          docs.add(
              Json.MAPPER.valueToTree(
                  new IpPool(
                      ApiVersion.V1ALPHA1,
                      "IpPool",
                      new ObjectMeta(
                          name, null, p.metadata().labels(), null, null, null, null, null, null),
                      new IpPoolSpec(
                          s.cidr(),
                          s.gateway(),
                          s.rangeStart(),
                          s.rangeEnd(),
                          s.bridge(),
                          s.nameservers(),
                          reserved,
                          s.cluster()),
                      null)));
        });
    return docs;
  }

  /** The cluster a stored pod is in: its status's, else its region's, else {@code default}. */
  private String clusterOf(CloudPod p) {
    if (p.status() != null && p.status().cluster() != null) {
      return p.status().cluster();
    }
    return clusters.clusterOfRegion(p.spec().region());
  }

  /** The power state the list showed (the config read does not carry it). */
  private static String status(ClusterGuest g) {
    return g.status();
  }

  private static JsonNode parse(String body) {
    JsonNode in;
    try {
      in = Json.MAPPER.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body", "not JSON: " + e.getOriginalMessage());
    }
    if (in == null || !in.isObject()) {
      throw ApiException.badRequest("body", "must be a JSON object");
    }
    for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw ApiException.invalid(f, "unknown field (known: " + new TreeSet<>(FIELDS) + ")");
      }
    }
    boolean ipam = in.has("ipam") || in.has("ipamFile");
    boolean log = in.has("log") || in.has("logFile");
    if (!ipam) {
      throw ApiException.invalid("ipam", "required: the IPAM file's entries (or ipamFile)");
    }
    if (!log) {
      throw ApiException.invalid("log", "required: the log's pods (or logFile)");
    }
    return in;
  }

  private static Optional<String> optionalName(JsonNode in, String field) {
    JsonNode n = in.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual() || !ImportPlanner.validName(n.asText())) {
      throw ApiException.invalid(field, "must be a name (RFC 1123 label)");
    }
    return Optional.of(n.asText());
  }

  private static IpamFile.Contents ipam(JsonNode in, List<String> warnings) {
    if (in.has("ipamFile")) {
      IpamFile.Contents c = read(() -> IpamFile.read(text(in, "ipamFile"), "ipamFile"));
      c.warnings().forEach(w -> warnings.add(w.toString()));
      return c;
    }
    JsonNode a = in.get("ipam");
    if (!a.isArray()) {
      throw ApiException.invalid("ipam", "must be an array of {ip, line}");
    }
    List<IpamFile.Entry> entries = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode e = a.get(i);
      String ip = e.path("ip").asText("");
      if (!IpamFile.isIpv4(ip)) {
        throw ApiException.invalid("ipam[" + i + "].ip", "not an IPv4 address: '" + ip + "'");
      }
      entries.add(new IpamFile.Entry(ip, e.path("line").asLong(i + 1)));
    }
    return new IpamFile.Contents(entries, List.of());
  }

  private static Map<Integer, LogPod> log(JsonNode in, List<String> warnings) {
    if (in.has("logFile")) {
      SeedLog.Contents c = read(() -> SeedLog.read(text(in, "logFile"), "logFile"));
      c.warnings().forEach(w -> warnings.add(w.toString()));
      return c.pods();
    }
    JsonNode a = in.get("log");
    if (!a.isArray()) {
      throw ApiException.invalid("log", "must be an array of pods");
    }
    Map<Integer, LogPod> out = new TreeMap<>();
    for (int i = 0; i < a.size(); i++) {
      LogPod p;
      try {
        p = Json.MAPPER.treeToValue(a.get(i), LogPod.class);
      } catch (JsonProcessingException e) {
        throw ApiException.invalid("log[" + i + "]", "cannot be read: " + e.getOriginalMessage());
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid("log[" + i + "]", "cannot be read: " + e.getMessage());
      }
      if (p.vmid() <= 0 || p.state() == null) {
        throw ApiException.invalid("log[" + i + "]", "vmid and state are required");
      }
      if (p.ip() != null && !IpamFile.isIpv4(p.ip())) {
        throw ApiException.invalid("log[" + i + "].ip", "not an IPv4 address: '" + p.ip() + "'");
      }
      out.put(p.vmid(), p);
    }
    return out;
  }

  private static java.io.InputStream text(JsonNode in, String field) {
    JsonNode n = in.get(field);
    if (!n.isTextual()) {
      throw ApiException.invalid(field, "must be the file's text");
    }
    return new ByteArrayInputStream(n.asText().getBytes(StandardCharsets.UTF_8));
  }

  private static <T> T read(java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ImportFileException e) {
      throw ApiException.invalid(e.file(), e.getMessage());
    }
  }
}
