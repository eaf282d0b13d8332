package io.cloudpods.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.IpPool;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.PodSet;
import io.cloudpods.api.v1alpha1.ProxmoxCluster;
import io.cloudpods.api.v1alpha1.ProxmoxClusterSpec;
import io.cloudpods.api.v1alpha1.RegionQuota;
import io.cloudpods.api.v1alpha1.Restore;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantQuota;
import io.cloudpods.api.v1alpha1.TenantSpec;
import io.cloudpods.api.v1alpha1.TenantUsage;
import io.cloudpods.auth.Caller;
import io.cloudpods.cluster.Regions;
import io.cloudpods.store.AllocationStore;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.Defaults;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.Json;
import io.cloudpods.store.PodSetStore;
import io.cloudpods.store.PodsConfig;
import io.cloudpods.store.ProxmoxClusterStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.StoreConflictException;
import io.cloudpods.store.TenantStore;
import io.cloudpods.store.UsageCalculator;
import io.cloudpods.store.WriteOutcome;
import io.cloudpods.store.Written;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one write path of the API (PUT, apply, seed routes): schema → static rules → authorization →
 * duplicates, for the whole batch first; then, in one transaction and in dependency order, the
 * checks against stored state (tenant, pool, addresses, VMIDs, quota under the tenant row lock) and
 * the writes. Any refusal rolls back the whole batch; a dry run rolls back on success too.
 */
@ApplicationScoped
public class Admission {

  private static final Logger LOG = Logger.getLogger(Admission.class);

  /** One admitted object. */
  public record Result(Kind kind, String tenant, String name, WriteOutcome result, Object object) {}

  private record Item(
      int index,
      String prefix,
      Kind kind,
      ResourceKey key,
      String resourceVersion,
      Object object,
      Object raw) {

    /** The object with its defaults again, now that the batch's clusters are stored. */
    Item withObject(Object o) {
      return new Item(index, prefix, kind, key, resourceVersion, o, raw);
    }
  }

  private final SchemaRegistry schemas = new SchemaRegistry();
  private final TenantStore tenants;
  private final IpPoolStore pools;
  private final ProxmoxClusterStore clusters;
  private final CloudPodStore pods;
  private final PodSetStore podSets;
  private final AllocationStore allocations;
  private final EventStore events;
  private final UsageCalculator usage;
  private final Defaults defaults;
  private final PodsConfig podsConfig;
  private final ApiConfig apiConfig;
  private final TransactionManager tm;
  private final BackupAdmission backups;
  private final PodPlacement placement;
  private final Regions regions;

  public Admission(
      TenantStore tenants,
      IpPoolStore pools,
      CloudPodStore pods,
      PodSetStore podSets,
      AllocationStore allocations,
      EventStore events,
      UsageCalculator usage,
      Defaults defaults,
      PodsConfig podsConfig,
      ApiConfig apiConfig,
      TransactionManager tm,
      BackupAdmission backups,
      ProxmoxClusterStore clusters,
      Regions regions) {
    this.placement = new PodPlacement(regions);
    this.regions = regions;
    this.tenants = tenants;
    this.clusters = clusters;
    this.pools = pools;
    this.pods = pods;
    this.podSets = podSets;
    this.allocations = allocations;
    this.events = events;
    this.usage = usage;
    this.defaults = defaults;
    this.podsConfig = podsConfig;
    this.apiConfig = apiConfig;
    this.tm = tm;
    this.backups = backups;
  }

  /**
   * Admits documents as one unit.
   *
   * @param batch true for apply (field names are prefixed with {@code items[i].})
   */
  @Transactional
  public List<Result> admit(List<JsonNode> docs, Caller caller, boolean dryRun, boolean batch) {
    List<Item> items = check(docs, caller, batch);
    Result[] results = new Result[items.size()];
    // owners before what they own, and a fixed lock order (tenant, name) across concurrent batches
    List<Item> ordered = new ArrayList<>(items);
    ordered.sort(
        Comparator.comparing((Item i) -> i.kind().ordinal())
            .thenComparing(i -> Objects.toString(i.key().tenant(), ""))
            .thenComparing(i -> i.key().name()));
    // every tenant row this batch touches is locked up front, in name order, so that two batches
    // never wait for each other's tenants in opposite orders
    Batch written = new Batch(caller);
    items.stream()
        .map(i -> i.kind() == Kind.Tenant ? i.key().name() : i.key().tenant())
        .filter(Objects::nonNull)
        .distinct()
        .sorted()
        .forEach(t -> tenants.lock(t).ifPresent(locked -> written.tenants.put(t, locked)));
    for (Item item : ordered) {
      try {
        results[item.index()] = write(item, caller, dryRun, written);
      } catch (ApiException e) {
        refused(item, caller, dryRun, e.reason(), e.getMessage());
        throw e.prefixed(item.prefix());
      } catch (StoreConflictException e) {
        refused(item, caller, dryRun, "Conflict", e.getMessage());
        throw ApiException.conflict(e.field(), e.getMessage()).prefixed(item.prefix());
      }
    }
    if (dryRun) {
      try {
        tm.setRollbackOnly();
      } catch (SystemException e) {
        throw new IllegalStateException("could not roll back a dry run", e);
      }
    }
    return List.of(results);
  }

  /** Everything that needs no database, for every document; throws listing all problems. */
  private List<Item> check(List<JsonNode> docs, Caller caller, boolean batch) {
    if (docs.isEmpty()) {
      throw ApiException.badRequest("body", "no objects in the request");
    }
    if (docs.size() > apiConfig.maxBatchItems()) {
      throw new ApiException(
          413,
          "PayloadTooLarge",
          "at most " + apiConfig.maxBatchItems() + " objects per request",
          List.of());
    }
    List<FieldError> errors = new ArrayList<>();
    List<String> forbidden = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < docs.size(); i++) {
      String prefix = batch ? "items[" + i + "]." : "";
      JsonNode doc = docs.get(i);
      List<FieldError> local = new ArrayList<>();
      Item item = checkOne(i, prefix, doc, caller, local, forbidden);
      errors.addAll(local.stream().map(e -> e.prefixed(prefix)).toList());
      if (item != null) {
        String id = item.kind() + "/" + item.key();
        Integer first = seen.putIfAbsent(id, i);
        if (first != null) {
          errors.add(
              new FieldError(
                  prefix + "metadata.name", "duplicate of items[" + first + "] (" + id + ")"));
        }
        items.add(item);
      }
    }
    if (!forbidden.isEmpty()) {
      throw ApiException.forbidden(String.join("; ", forbidden));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    return items;
  }

  private Item checkOne(
      int index,
      String prefix,
      JsonNode doc,
      Caller caller,
      List<FieldError> errors,
      List<String> forbidden) {
    if (doc == null || !doc.isObject()) {
      errors.add(new FieldError("", "must be an object"));
      return null;
    }
    JsonNode kindNode = doc.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      errors.add(new FieldError("kind", "required"));
      return null;
    }
    Kind kind = Kind.parse(kindNode.asText()).orElse(null);
    if (kind == null) {
      errors.add(
          new FieldError(
              "kind",
              "unknown kind '"
                  + kindNode.asText()
                  + "' (known: Tenant, IpPool, CloudPod, PodSet, BackupPolicy, Backup,"
                  + " Restore)"));
      return null;
    }
    List<FieldError> schemaErrors = schemas.validate(kind, doc);
    if (!schemaErrors.isEmpty()) {
      errors.addAll(schemaErrors);
      return null;
    }
    errors.addAll(SafeText.check(doc.path("metadata").path("labels"), "metadata.labels"));
    errors.addAll(SafeText.check(doc.get("spec"), "spec"));
    Object object;
    try {
      object = Json.MAPPER.treeToValue(doc, recordType(kind));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      errors.add(new FieldError("", "cannot be read: " + e.getMessage()));
      return null;
    }
    ObjectMeta meta =
        doc.has("metadata")
            ? Json.MAPPER.convertValue(doc.get("metadata"), ObjectMeta.class)
            : null;
    String tenant = meta.tenant();
    if (kind.tenantScoped() && tenant == null) {
      errors.add(new FieldError("metadata.tenant", "required for " + kind));
      return null;
    }
    if (!caller.canWrite(kind, tenant)) {
      forbidden.add(
          prefix
              + "token '"
              + caller.tokenName()
              + "' ("
              + caller.role()
              + ") may not write "
              + kind
              + (tenant == null ? "" : " in tenant " + tenant));
    }
    Object raw = object;
    object = withDefaults(kind, object);
    switch (kind) {
      case CloudPod -> {
        errors.addAll(SpecRules.pod(((CloudPod) object).spec(), podsConfig));
        errors.addAll(SpecRules.adoption(((CloudPod) object).spec()));
      }
      case PodSet ->
          errors.addAll(
              SpecRules.pod(((PodSet) object).spec().template().spec(), podsConfig).stream()
                  .map(
                      e ->
                          new FieldError(
                              e.field().replaceFirst("^spec\\.", "spec.template.spec."),
                              e.message()))
                  .toList());
      case IpPool -> errors.addAll(SpecRules.pool(((IpPool) object).spec()));
      case ProxmoxCluster ->
          errors.addAll(ClusterSpecRules.check(((ProxmoxCluster) object).spec()));
      case Tenant -> {}
      case BackupPolicy, Backup, Restore -> {
        errors.addAll(BackupAdmission.rules(kind, object));
        BackupAdmission.forbidden(kind, object, caller)
            .forEach(e -> forbidden.add(prefix + e.field() + ": " + e.message()));
      }
    }
    return new Item(
        index,
        prefix,
        kind,
        new ResourceKey(tenant, meta.name()),
        meta.resourceVersion(),
        object,
        raw);
  }

  private static Class<?> recordType(Kind kind) {
    return switch (kind) {
      case Tenant -> Tenant.class;
      case IpPool -> IpPool.class;
      case ProxmoxCluster -> ProxmoxCluster.class;
      case CloudPod -> CloudPod.class;
      case PodSet -> PodSet.class;
      case BackupPolicy, Backup, Restore -> BackupAdmission.recordType(kind);
    };
  }

  /**
   * A pod spec's template and storage, when it names none, from the defaults of the cluster it will
   * live in ({@code ProxmoxCluster.spec.defaults}), and a pool's bridge from its cluster's; the
   * {@code cloudpods.pods.*} and {@code cloudpods.pools.*} defaults fill the rest afterwards. The
   * cluster is the stored pod's, else that of the spec's region, else of the tenant's {@code
   * defaultRegion}, else {@code default}.
   */
  private Object withClusterDefaults(Kind kind, Object o, ResourceKey key) {
    switch (kind) {
      case CloudPod -> {
        CloudPod p = (CloudPod) o;
        CloudPodSpec stored = pods.stored(key).map(CloudPodStore.StoredPod::spec).orElse(null);
        return new CloudPod(
            p.apiVersion(),
            p.kind(),
            p.metadata(),
            clusterDefaults(p.spec(), stored, key.tenant()),
            p.status());
      }
      case PodSet -> {
        PodSet s = (PodSet) o;
        if (s.spec() == null || s.spec().template() == null) {
          return o;
        }
        CloudPodSpec stored = podSets.get(key).map(x -> x.spec().template().spec()).orElse(null);
        return new PodSet(
            s.apiVersion(),
            s.kind(),
            s.metadata(),
            s.spec()
                .withTemplateSpec(
                    clusterDefaults(s.spec().template().spec(), stored, key.tenant())),
            s.status());
      }
      case IpPool -> {
        IpPool p = (IpPool) o;
        IpPoolSpec ps = p.spec();
        if (ps == null || ps.bridge() != null) {
          return o;
        }
        String bridge =
            regions
                .named(ps.clusterOrDefault())
                .map(c -> c.spec().defaults())
                .map(ProxmoxClusterSpec.ClusterDefaults::bridge)
                .orElse(null);
        if (bridge == null) {
          return o;
        }
        return new IpPool(
            p.apiVersion(),
            p.kind(),
            p.metadata(),
            new IpPoolSpec(
                ps.cidr(),
                ps.gateway(),
                ps.rangeStart(),
                ps.rangeEnd(),
                bridge,
                ps.nameservers(),
                ps.reserved(),
                ps.cluster()),
            p.status());
      }
      default -> {
        return o;
      }
    }
  }

  private CloudPodSpec clusterDefaults(CloudPodSpec spec, CloudPodSpec stored, String tenant) {
    if (spec == null || (spec.template() != null && spec.storage() != null)) {
      return spec;
    }
    if (stored != null) {
      // a stored pod keeps what it has (its defaults were applied when it was created)
      spec =
          spec.withTemplateAndStorage(
              spec.template() != null ? spec.template() : stored.template(),
              spec.storage() != null ? spec.storage() : stored.storage());
      if (spec.template() != null && spec.storage() != null) {
        return spec;
      }
    }
    String region = spec.region();
    if (region == null && stored != null) {
      region = stored.region();
    }
    if (region == null && tenant != null) {
      region =
          tenants
              .get(ResourceKey.cluster(tenant))
              .map(t -> t.spec() == null ? null : t.spec().defaultRegion())
              .orElse(null);
    }
    ProxmoxClusterSpec.ClusterDefaults d =
        regions
            .ofRegion(region == null ? regions.defaultRegion() : region)
            .map(c -> c.spec().defaults())
            .orElse(null);
    if (d == null || (d.template() == null && d.storage() == null)) {
      return spec;
    }
    return spec.withTemplateAndStorage(
        spec.template() != null ? spec.template() : d.template(),
        spec.storage() != null ? spec.storage() : d.storage());
  }

  private Object withDefaults(Kind kind, Object o) {
    return switch (kind) {
      case CloudPod -> {
        CloudPod p = (CloudPod) o;
        yield new CloudPod(p.apiVersion(), p.kind(), p.metadata(), defaults.pod(p.spec()), null);
      }
      case PodSet -> {
        PodSet s = (PodSet) o;
        yield new PodSet(
            s.apiVersion(), s.kind(), s.metadata(), podSets.withDefaults(s.spec()), null);
      }
      case IpPool -> {
        IpPool p = (IpPool) o;
        yield new IpPool(p.apiVersion(), p.kind(), p.metadata(), defaults.pool(p.spec()), null);
      }
      case Tenant, ProxmoxCluster -> o;
      case BackupPolicy, Backup, Restore -> backups.withDefaults(kind, o);
    };
  }

  /**
   * What one batch has learned under its tenant row locks: the locked tenants and each tenant's
   * usage, kept up to date as the batch's objects are written (no other writer can change either
   * until the batch commits), so a batch of N pods computes each tenant's usage once, not N times.
   */
  private static final class Batch {
    final Caller caller;
    final Map<String, Tenant> tenants = new HashMap<>();
    final Map<String, TenantUsage> usage = new HashMap<>();

    /** By tenant and region ({@code tenant + '\0' + region}). */
    final Map<String, TenantUsage> regionUsage = new HashMap<>();

    Batch(Caller caller) {
      this.caller = caller;
    }
  }

  private Result write(Item item, Caller caller, boolean dryRun, Batch batch) {
    if (item.kind() == Kind.CloudPod || item.kind() == Kind.PodSet || item.kind() == Kind.IpPool) {
      // the clusters' defaults, including those of clusters written earlier in this batch
      item =
          item.withObject(
              withDefaults(item.kind(), withClusterDefaults(item.kind(), item.raw(), item.key())));
    }
    Written<?> w =
        switch (item.kind()) {
          case Tenant -> {
            Tenant stored = batch.tenants.get(item.key().name());
            if (stored != null && stored.metadata().deletionTimestamp() != null) {
              throw terminating("metadata.name", item.key().name());
            }
            batch.tenants.remove(item.key().name()); // quota may change: lock and read it again
            checkDefaultRegion((Tenant) item.object());
            checkQuotaRegions((Tenant) item.object());
            yield tenants.put((Tenant) item.object(), item.resourceVersion());
          }
          case IpPool -> writePool(item);
          case ProxmoxCluster -> writeCluster(item);
          case PodSet -> writePodSet(item, batch);
          case CloudPod -> writeCloudPod(item, batch);
          case Restore -> writeRestore(item, batch);
          case BackupPolicy, Backup ->
              backups.write(
                  item.kind(),
                  item.key(),
                  item.object(),
                  item.resourceVersion(),
                  lockTenant(item.key().tenant(), batch));
        };
    if (w.outcome() != WriteOutcome.unchanged) {
      events.append(
          Event.info(
                  w.outcome() == WriteOutcome.created ? "Created" : "Configured",
                  item.kind() + " " + item.key() + " " + w.outcome() + (dryRun ? " (dry run)" : ""),
                  item.kind().name(),
                  item.key().tenant(),
                  item.key().name())
              .by(caller.tokenName()));
    }
    return new Result(item.kind(), item.key().tenant(), item.key().name(), w.outcome(), w.object());
  }

  /**
   * Records that stored state refused {@code item} (quota, addresses, a missing tenant, a stale
   * version), naming the caller. It is stored in a transaction of its own, since the batch's rolls
   * back; a control plane retrying the same refused write adds to one event series. Dry runs and
   * refusals before any stored state is read (schema, rules, authorization) record nothing.
   */
  private void refused(Item item, Caller caller, boolean dryRun, String reason, String message) {
    if (dryRun) {
      return;
    }
    try {
      events.appendAlone(
          Event.of(
                  Event.WARN,
                  reason,
                  item.kind() + " " + item.key() + " refused: " + message,
                  item.kind().name(),
                  item.key().tenant(),
                  item.key().name())
              .by(caller.tokenName()));
    } catch (RuntimeException ex) {
      LOG.warnf("could not record the refusal of %s %s: %s", item.kind(), item.key(), ex);
    }
  }

  private Tenant lockTenant(String name, Batch batch) {
    Tenant t = batch.tenants.get(name);
    if (t == null) {
      t =
          tenants
              .lock(name)
              .orElseThrow(
                  () ->
                      ApiException.invalid(
                          "metadata.tenant", "tenant '" + name + "' does not exist"));
      batch.tenants.put(name, t);
    }
    if (t.metadata().deletionTimestamp() != null) {
      throw terminating("metadata.tenant", name);
    }
    return t;
  }

  /** 409 TenantTerminating: nothing is created in, or changed of, a tenant being deleted. */
  private static ApiException terminating(String field, String tenant) {
    String message = "tenant '" + tenant + "' is being deleted; it takes no new or changed objects";
    return new ApiException(
        409, "TenantTerminating", field + ": " + message, List.of(new FieldError(field, message)));
  }

  /**
   * Refuses (403) a pod spec choosing what its tenant does not allow ({@code spec.allowed}), and a
   * node pinned by a caller that is not an admin. What the stored object ({@code old}) already has
   * stays allowed. {@code prefix} maps {@code spec.} to where the pod spec sits in the object.
   */
  private void checkAllowed(
      Tenant tenant, CloudPodSpec spec, CloudPodSpec old, Caller caller, String prefix) {
    List<FieldError> refused = new ArrayList<>();
    if (!caller.isAdmin()
        && spec.node() != null
        && (old == null || !spec.node().equals(old.node()))) {
      refused.add(
          new FieldError(
              "spec.node",
              "only an admin may pin a pod to a node; leave it out and the controller places it"));
    }
    if (!caller.isAdmin() && spec.adopts() && (old == null || !old.adopts())) {
      refused.add(
          new FieldError(
              "spec.adopt",
              "only an admin may have a pod take over an existing container (cloudpods import"
                  + " seed, cloudpods orphans adopt)"));
    }
    TenantSpec ts = tenant.spec();
    ProxmoxClusterSpec.ClusterDefaults d =
        regions.ofRegion(spec.region()).map(c -> c.spec().defaults()).orElse(null);
    refused.addAll(
        SpecRules.allowed(
            spec,
            old,
            ts == null ? null : ts.allowed(),
            podsConfig,
            d == null ? null : d.template(),
            d == null ? null : d.storage()));
    if (refused.isEmpty()) {
      return;
    }
    List<FieldError> fields =
        refused.stream()
            .map(e -> new FieldError(e.field().replaceFirst("^spec\\.", prefix), e.message()))
            .toList();
    throw new ApiException(
        403,
        "Forbidden",
        "tenant "
            + tenant.metadata().name()
            + ": "
            + fields.get(0).field()
            + ": "
            + fields.get(0).message(),
        fields);
  }

  private IpPoolSpec pool(String name, String field) {
    return pools
        .spec(name)
        .orElseThrow(() -> ApiException.invalid(field, "ip pool '" + name + "' does not exist"));
  }

  /**
   * A pool may change, but not so that an address already in use falls outside it or becomes
   * reserved.
   */
  private Written<IpPool> writePool(Item item) {
    IpPool pool = (IpPool) item.object();
    String name = item.key().name();
    String cluster = pool.spec().clusterOrDefault();
    if (regions.named(cluster).isEmpty()) {
      throw ApiException.invalid("spec.cluster", "no Proxmox cluster '" + cluster + "'");
    }
    pools
        .spec(name)
        .filter(old -> !old.clusterOrDefault().equals(cluster))
        .ifPresent(
            old -> {
              throw ApiException.invalid(
                  "spec.cluster",
                  "is immutable (the pool is on the network of cluster "
                      + old.clusterOrDefault()
                      + ")");
            });
    for (String ip : allocations.addressesInUse(name)) {
      String problem = SpecRules.ipProblem(ip, name, pool.spec());
      if (problem != null) {
        throw ApiException.invalid("spec", "address in use by a CloudPod: " + problem);
      }
    }
    return pools.put(pool, item.resourceVersion());
  }

  /** A tenant's default region must be served by a cluster. */
  private void checkDefaultRegion(Tenant t) {
    String region = t.spec() == null ? null : t.spec().defaultRegion();
    if (region != null && regions.ofRegion(region).isEmpty()) {
      throw ApiException.invalid(
          "spec.defaultRegion",
          "no Proxmox cluster serves region '" + region + "' (regions: " + regions.known() + ")");
    }
  }

  /** Every region a tenant's quota limits must be served by a cluster. */
  private void checkQuotaRegions(Tenant t) {
    TenantQuota q = t.spec() == null ? null : t.spec().quota();
    if (q == null || q.regions() == null) {
      return;
    }
    for (String region : q.regions().keySet()) {
      if (regions.ofRegion(region).isEmpty()) {
        throw ApiException.invalid(
            "spec.quota.regions." + region,
            "no Proxmox cluster serves region '" + region + "' (regions: " + regions.known() + ")");
      }
    }
  }

  /** One cluster per region; a cluster's region never changes. */
  private Written<ProxmoxCluster> writeCluster(Item item) {
    ProxmoxCluster c = (ProxmoxCluster) item.object();
    String region = c.spec().region();
    String name = item.key().name();
    clusters
        .get(item.key())
        .filter(old -> !old.spec().region().equals(region))
        .ifPresent(
            old -> {
              throw ApiException.invalid(
                  "spec.region",
                  "is immutable (cluster " + name + " serves region " + old.spec().region() + ")");
            });
    regions
        .ofRegion(region)
        .filter(other -> !other.metadata().name().equals(name))
        .ifPresent(
            other -> {
              throw ApiException.conflict(
                  "spec.region",
                  "region "
                      + region
                      + " is served by cluster "
                      + other.metadata().name()
                      + "; one cluster per region");
            });
    return clusters.put(c, item.resourceVersion());
  }

  private Written<PodSet> writePodSet(Item item, Batch batch) {
    PodSet set = (PodSet) item.object();
    Tenant tenant = lockTenant(item.key().tenant(), batch);
    PodSet stored = podSets.get(item.key()).orElse(null);
    String poolName = set.spec().template().spec().ipPool();
    IpPoolSpec poolSpec = pool(poolName, "spec.template.spec.ipPool");
    CloudPodSpec placedSpec =
        placement
            .admit(
                set.spec().template().spec(),
                stored == null ? null : stored.spec().template().spec(),
                null,
                tenant,
                poolName,
                poolSpec,
                "spec.template.spec.")
            .spec();
    if (set.spec().spreadsOverZones()) {
      if (set.spec().template().spec().zone() != null) {
        throw ApiException.invalid(
            "spec.template.spec.zone",
            "must be left out with spread: zone (the PodSet chooses each pod's zone)");
      }
      List<?> zones = regions.ofRegion(placedSpec.region()).map(c -> c.spec().zones()).orElse(null);
      if (zones == null || zones.isEmpty()) {
        throw ApiException.invalid(
            "spec.spread",
            "region "
                + placedSpec.region()
                + " has no zones to spread over (ProxmoxCluster spec.zones)");
      }
    }
    set =
        new PodSet(
            set.apiVersion(),
            set.kind(),
            set.metadata(),
            set.spec().withTemplateSpec(placedSpec),
            set.status());
    checkAllowed(
        tenant,
        set.spec().template().spec(),
        stored == null ? null : stored.spec().template().spec(),
        batch.caller,
        "spec.template.spec.");
    TenantUsage old = stored == null ? TenantUsage.ZERO : usage.claim(stored.spec());
    TenantUsage claim = usage.claim(set.spec());
    TenantUsage before = usageOf(item.key().tenant(), batch);
    TenantUsage after = before.minus(old).plus(claim);
    checkQuota(tenant, before, after);
    Runnable inRegion =
        checkRegionQuota(
            tenant,
            placedSpec.region(),
            stored == null ? null : stored.spec().template().spec().region(),
            old,
            claim,
            batch);
    Written<PodSet> w = podSets.put(set, item.resourceVersion());
    batch.usage.put(item.key().tenant(), after);
    inRegion.run();
    return w;
  }

  /**
   * A Restore as a new pod counts against the tenant's quota like the CloudPod it will create (the
   * backed-up pod's spec), checked when the Restore is created.
   */
  private Written<?> writeRestore(Item item, Batch batch) {
    Tenant tenant = lockTenant(item.key().tenant(), batch);
    Optional<CloudPodSpec> newPod = backups.newPodOf(item.key(), (Restore) item.object());
    TenantUsage before = usageOf(item.key().tenant(), batch);
    TenantUsage after = newPod.map(s -> before.plus(TenantUsage.of(1, s))).orElse(before);
    checkQuota(tenant, before, after);
    Runnable inRegion =
        newPod
            .map(
                s ->
                    checkRegionQuota(
                        tenant, s.region(), null, TenantUsage.ZERO, TenantUsage.of(1, s), batch))
            .orElse(() -> {});
    Written<?> w =
        backups.write(item.kind(), item.key(), item.object(), item.resourceVersion(), tenant);
    batch.usage.put(item.key().tenant(), after);
    inRegion.run();
    return w;
  }

  private TenantUsage usageOf(String tenant, Batch batch) {
    return batch.usage.computeIfAbsent(tenant, t -> usage.usage(t, null));
  }

  private Written<CloudPod> writeCloudPod(Item item, Batch batch) {
    CloudPod pod = (CloudPod) item.object();
    CloudPodSpec spec = pod.spec();
    Tenant tenant = lockTenant(item.key().tenant(), batch);
    CloudPodStore.StoredPod existing = pods.stored(item.key()).orElse(null);
    if (existing != null && existing.ownerUid() != null) {
      throw ApiException.conflict(
          "metadata.name",
          item.key()
              + " is managed by PodSet "
              + existing.ownerName()
              + "; change the PodSet instead");
    }
    // a pool that does not exist is named as such (422) before what the tenant may use (403)
    IpPoolSpec poolSpec = pool(spec.ipPool(), "spec.ipPool");
    PodPlacement.Placed placed =
        placement.admit(
            spec,
            existing == null ? null : existing.spec(),
            existing == null ? null : existing.cluster(),
            tenant,
            spec.ipPool(),
            poolSpec,
            "spec.");
    spec = placed.spec();
    pod = new CloudPod(pod.apiVersion(), pod.kind(), pod.metadata(), spec, pod.status());
    checkAllowed(tenant, spec, existing == null ? null : existing.spec(), batch.caller, "spec.");
    backups.checkRestoreFrom(item.key(), spec, existing == null ? null : existing.spec());
    UUID self = existing == null ? new UUID(0, 0) : existing.uid();
    if (spec.ip() != null) {
      String problem = SpecRules.ipProblem(spec.ip(), spec.ipPool(), poolSpec);
      if (problem != null) {
        throw ApiException.invalid("spec.ip", problem);
      }
      if (allocations.ipTaken(spec.ipPool(), spec.ip(), self)) {
        throw ApiException.invalid(
            "spec.ip", spec.ip() + " is already taken in pool " + spec.ipPool());
      }
    }
    if (spec.vmid() != null && allocations.vmidTaken(spec.vmid(), self, placed.clusterName())) {
      throw ApiException.invalid(
          "spec.vmid",
          "VMID " + spec.vmid() + " is already taken in cluster " + placed.clusterName());
    }
    TenantUsage old = existing == null ? TenantUsage.ZERO : TenantUsage.of(1, existing.spec());
    TenantUsage before = usageOf(item.key().tenant(), batch);
    TenantUsage after = before.minus(old).plus(TenantUsage.of(1, spec));
    checkQuota(tenant, before, after);
    Runnable inRegion =
        checkRegionQuota(
            tenant,
            spec.region(),
            existing == null ? null : existing.spec().region(),
            old,
            TenantUsage.of(1, spec),
            batch);
    Written<CloudPod> w = pods.put(pod, item.resourceVersion());
    batch.usage.put(item.key().tenant(), after);
    inRegion.run();
    try {
      allocations.reserveRequested(
          UUID.fromString(w.object().metadata().uid()), spec.vmid(), spec.ipPool(), spec.ip());
    } catch (StoreConflictException e) {
      throw ApiException.invalid(e.field(), e.getMessage());
    }
    return w;
  }

  /**
   * Refuses a write that would leave a tenant above a quota. A tenant already above a lowered quota
   * can still make changes that do not increase the exceeded dimension.
   */
  private void checkQuota(Tenant tenant, TenantUsage before, TenantUsage after) {
    TenantQuota q = tenant.spec() == null ? null : tenant.spec().quota();
    if (q == null) {
      return;
    }
    List<FieldError> exceeded = new ArrayList<>();
    exceed(exceeded, "maxPods", q.maxPods(), before.pods(), after.pods());
    exceed(exceeded, "maxCores", q.maxCores(), before.cores(), after.cores());
    exceed(exceeded, "maxMemoryMb", q.maxMemoryMb(), before.memoryMb(), after.memoryMb());
    if (!exceeded.isEmpty() && exceeded.get(exceeded.size() - 1).field().endsWith("maxMemoryMb")) {
      FieldError m = exceeded.remove(exceeded.size() - 1);
      exceeded.add(new FieldError(m.field(), m.message() + "; memory counts with swap"));
    }
    exceed(exceeded, "maxDiskGb", q.maxDiskGb(), before.diskGb(), after.diskGb());
    if (!exceeded.isEmpty()) {
      throw new ApiException(
          403,
          "QuotaExceeded",
          "tenant " + tenant.metadata().name() + ": " + exceeded.get(0).message(),
          exceeded);
    }
  }

  /**
   * Refuses a write that would leave the tenant above a limit of {@code region} ({@code
   * quota.regions}), as {@link #checkQuota} does for the totals. {@code oldClaim} is what the
   * object claimed before, in {@code oldRegion}. Returns what records the new usage of the region
   * in the batch, to run once the write is stored.
   */
  private Runnable checkRegionQuota(
      Tenant tenant,
      String region,
      String oldRegion,
      TenantUsage oldClaim,
      TenantUsage claim,
      Batch batch) {
    if (region == null) {
      return () -> {};
    }
    String name = tenant.metadata().name();
    String key = name + '\0' + region;
    TenantUsage before =
        batch.regionUsage.computeIfAbsent(key, k -> usage.usageByRegion(name, null).in(region));
    TenantUsage after =
        before.minus(region.equals(oldRegion) ? oldClaim : TenantUsage.ZERO).plus(claim);
    TenantQuota q = tenant.spec() == null ? null : tenant.spec().quota();
    RegionQuota r = q == null || q.regions() == null ? null : q.regions().get(region);
    if (r != null) {
      String prefix = "regions." + region + ".";
      String in = " in region " + region;
      List<FieldError> exceeded = new ArrayList<>();
      exceed(exceeded, prefix, "maxPods", in, r.maxPods(), before.pods(), after.pods());
      exceed(exceeded, prefix, "maxCores", in, r.maxCores(), before.cores(), after.cores());
      int n = exceeded.size();
      exceed(
          exceeded,
          prefix,
          "maxMemoryMb",
          in,
          r.maxMemoryMb(),
          before.memoryMb(),
          after.memoryMb());
      if (exceeded.size() > n) {
        FieldError m = exceeded.remove(n);
        exceeded.add(new FieldError(m.field(), m.message() + "; memory counts with swap"));
      }
      exceed(exceeded, prefix, "maxDiskGb", in, r.maxDiskGb(), before.diskGb(), after.diskGb());
      if (!exceeded.isEmpty()) {
        throw new ApiException(
            403, "QuotaExceeded", "tenant " + name + ": " + exceeded.get(0).message(), exceeded);
      }
    }
    return () -> batch.regionUsage.put(key, after);
  }

  private static void exceed(
      List<FieldError> out, String name, Integer limit, long before, long after) {
    exceed(out, "", name, "", limit, before, after);
  }

  private static void exceed(
      List<FieldError> out,
      String prefix,
      String name,
      String where,
      Integer limit,
      long before,
      long after) {
    if (limit != null && after > limit && after > before) {
      out.add(
          new FieldError(
              "quota." + prefix + name,
              name
                  + " "
                  + limit
                  + where
                  + " exceeded (would be "
                  + after
                  + ", now "
                  + before
                  + ")"));
    }
  }
}
