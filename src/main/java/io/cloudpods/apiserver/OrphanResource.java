package io.cloudpods.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.IpPool;
import io.cloudpods.auth.Caller;
import io.cloudpods.cloudpod.plan.NetConfig;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.cluster.Regions;
import io.cloudpods.imports.ImportPlanner;
import io.cloudpods.ipam.AddressRules;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.FencedException;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.store.AllocationStore;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.Ipv4;
import io.cloudpods.store.Json;
import io.cloudpods.store.OrphanContainer;
import io.cloudpods.store.OrphanStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /api/v1/orphans}: containers carrying our marker for a pod that is not stored (as the
 * controller found them at its last resync). Listed for every reader (a tenant sees those tagged
 * with its name); adopted (a new CloudPod with {@code spec.adopt: true} that takes the container
 * over once the controller verified it) or deleted by an admin only. A delete re-checks the marker
 * first and takes a protected final archive ({@link OrphanFinalBackup}) unless asked not to.
 *
 * <p>Each cluster's resync reports its own orphans. An orphan is named by its hostname or VMID, and
 * by {@code ?cluster=} when the name is found in more than one cluster (VMIDs are unique per
 * cluster only). Its container is read and changed through that cluster's client.
 */
@Path("/api/v1/orphans")
@Produces(MediaType.APPLICATION_JSON)
public class OrphanResource {

  /** A list answer. */
  public record OrphanList(String kind, List<StatusResource.Orphan> items, int total) {}

  /**
   * The answer of a delete: {@code phase} {@value #PHASE_DESTROYING} with the Proxmox task that
   * destroys the container (and the final archive's volid, when one was taken), or {@value
   * #PHASE_FINAL_BACKUP_RUNNING} with the vzdump task to pass back as {@code finalBackupTask}.
   */
  public record Deleted(
      int vmid,
      String node,
      String phase,
      String task,
      String finalBackup,
      String finalBackupTask) {}

  static final String PHASE_DESTROYING = "Destroying";
  static final String PHASE_FINAL_BACKUP_RUNNING = "FinalBackupRunning";

  private static final Set<String> ADOPT_FIELDS = Set.of("tenant", "ipPool");

  private final OrphanStore orphans;
  private final RequestSupport req;
  private final Admission admission;
  private final IpPoolStore pools;
  private final AllocationStore allocations;
  private final EventStore events;
  private final OrphanFinalBackup finalBackup;
  private final Regions regions;
  private final ClusterAccess clusters;

  public OrphanResource(
      OrphanStore orphans,
      RequestSupport req,
      Admission admission,
      IpPoolStore pools,
      AllocationStore allocations,
      EventStore events,
      OrphanFinalBackup finalBackup,
      Regions regions,
      ClusterAccess clusters) {
    this.regions = regions;
    this.clusters = clusters;
    this.orphans = orphans;
    this.req = req;
    this.admission = admission;
    this.pools = pools;
    this.allocations = allocations;
    this.events = events;
    this.finalBackup = finalBackup;
  }

  @GET
  @Operation(
      summary = "List orphans",
      description =
          "Containers with the CloudPods marker of a pod that is not stored. A tenant token sees"
              + " only those tagged with its tenant.")
  public OrphanList list() {
    String tenant = req.caller().tenantFilter();
    OrphanStore.Page page =
        orphans.page(
            tenant == null ? null : OrphanContainer.tenantTagOf(tenant), StatusResource.MAX_LIMIT);
    return new OrphanList(
        "OrphanList", page.orphans().stream().map(OrphanResource::view).toList(), page.total());
  }

  @POST
  @Path("/{name}/adopt")
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  @Operation(
      summary = "Adopt an orphan",
      description =
          "Admin only. Body {tenant, ipPool?}. Creates CloudPod <hostname> of the orphan in the"
              + " tenant with spec.adopt: true, the orphan's VMID, node,"
              + " address and size, in the region of the orphan's cluster; the controller takes"
              + " the container over only when they match. NAME is the orphan's hostname or VMID;"
              + " cluster names its Proxmox cluster when NAME is found in more than one.")
  public Response adopt(
      @PathParam("name") String name,
      @QueryParam("cluster") String cluster,
      @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
      String body) {
    Caller caller = requireAdmin("adopt orphans");
    OrphanContainer o = find(name, cluster);
    ProxmoxClient proxmox = clientOf(o);
    JsonNode in = parse(req.limit(body));
    String tenant = in.path("tenant").asText(null);
    if (tenant == null || !ImportPlanner.validName(tenant)) {
      throw ApiException.invalid("tenant", "required: the tenant the adopted pod belongs to");
    }
    LxcConfig c = config(proxmox, o);
    // adoption verifies the hostname against the pod's name: the pod is named after it
    String podName = c.hostname().orElse(o.name());
    if (!ImportPlanner.validName(podName)) {
      throw ApiException.conflict(
          "name",
          "CT "
              + o.vmid()
              + " has hostname '"
              + podName
              + "', which is not a valid object name; a pod adopts only a container whose"
              + " hostname is its name");
    }
    String net0 = c.nets().get(0) == null ? "" : c.nets().get(0);
    boolean manual = "manual".equals(NetConfig.parse(net0).get("ip"));
    String ip = NetConfig.ipv4(net0).orElse(null);
    if (ip == null) {
      throw ApiException.conflict(
          "net0", "CT " + o.vmid() + " has no static address in net0 (" + net0 + "); cannot adopt");
    }
    String poolName = in.path("ipPool").asText(null);
    if (poolName == null) {
      for (IpPool p : pools.list(null)) {
        if (p.spec().clusterOrDefault().equals(o.cluster())
            && p.spec().cidr() != null
            && Ipv4.inCidr(ip, p.spec().cidr())
            && AddressRules.problem(ip, p.metadata().name(), p.spec()) == null) {
          poolName = p.metadata().name();
          break;
        }
      }
      if (poolName == null) {
        throw ApiException.invalid(
            "ipPool", "no IpPool of cluster " + o.cluster() + " can hand out " + ip + "; name one");
      }
    }
    CloudPodSpec spec =
        new CloudPodSpec(
            c.cores().isPresent() ? c.cores().getAsInt() : null,
            c.memory().isPresent() ? c.memory().getAsInt() : null,
            c.swap().isPresent() ? c.swap().getAsInt() : null,
            c.rootfsSize().flatMap(OrphanResource::sizeToGb).orElse(null),
            null,
            null,
            poolName,
            ip,
            o.vmid(),
            o.node(),
            "stopped".equals(o.status()) ? "Stopped" : "Running",
            null,
            null,
            null,
            null,
            Boolean.TRUE,
            manual ? CloudPodSpec.NETWORK_GUEST : null,
            regionOf(o),
            null);
    Map<String, String> labels = new HashMap<>();
    labels.put(Ownership.ADOPT_ORPHAN_LABEL, o.ownerUid());
    CloudPod pod =
        CloudPod.of(
            io.cloudpods.api.v1alpha1.ObjectMeta.named(tenant, podName).withLabels(labels), spec);
    List<Admission.Result> r =
        admission.admit(List.of(Json.MAPPER.valueToTree(pod)), caller, dryRun, false);
    return Response.created(URI.create("/api/v1/tenants/" + tenant + "/cloudpods/" + podName))
        .entity(r.get(0).object())
        .build();
  }

  @DELETE
  @Path("/{name}")
  @Operation(
      summary = "Delete an orphan",
      description =
          "Admin only. Destroys the orphan's container (stopping it first), after checking it"
              + " still carries the marker of a pod that is not stored. Without"
              + " skipFinalBackup=true a protected final vzdump archive is taken first: each call"
              + " does one step and answers at once. phase FinalBackupRunning names the vzdump"
              + " task; call again with finalBackupTask=<it> until phase is Destroying. A failed"
              + " final backup answers 409 FinalBackupFailed and the container stays. cluster"
              + " names the orphan's Proxmox cluster when NAME is found in more than one.")
  public Response delete(
      @PathParam("name") String name,
      @QueryParam("cluster") String cluster,
      @QueryParam("skipFinalBackup") @DefaultValue("false") boolean skipFinalBackup,
      @QueryParam("finalBackupTask") String finalBackupTask) {
    Caller caller = requireAdmin("delete orphans");
    OrphanContainer o = find(name, cluster);
    try {
      return delete(caller, o, skipFinalBackup, finalBackupTask);
    } catch (FencedException e) {
      throw clusters.notLeaseHolder(o.cluster(), e);
    }
  }

  /**
   * Deletes a found orphan through its cluster's fenced client: every change (the final vzdump, the
   * destroy) is made only while this replica holds the cluster's lease.
   */
  private Response delete(
      Caller caller, OrphanContainer o, boolean skipFinalBackup, String finalBackupTask) {
    ProxmoxClient proxmox = clusters.mutatingClient(o.cluster());
    LxcConfig c = config(proxmox, o);
    String owner = Ownership.ownerUid(c.tags()).orElse(null);
    if (owner == null || !owner.equals(o.ownerUid())) {
      throw ApiException.conflict(
          "name",
          "CT "
              + o.vmid()
              + " no longer carries the marker of pod "
              + o.ownerUid()
              + "; it is not deleted");
    }
    try {
      if (!allocations.vmidsHeld(List.of(UUID.fromString(owner))).isEmpty()) {
        throw ApiException.conflict(
            "name", "CT " + o.vmid() + " belongs to a stored pod again; it is not deleted");
      }
    } catch (IllegalArgumentException e) {
      // a marker that is no uid belongs to no pod
    }
    String finalVolid = null;
    if (!skipFinalBackup) {
      OrphanFinalBackup.State st =
          finalBackup.step(proxmox, o, c, Optional.ofNullable(finalBackupTask));
      if (st instanceof OrphanFinalBackup.Running r) {
        if (finalBackupTask == null) {
          events.append(
              orphanEvent(
                      Event.info(
                          "OrphanFinalBackupStarted",
                          "final backup of container "
                              + o.vmid()
                              + " on "
                              + o.node()
                              + " started (task "
                              + r.task()
                              + ")",
                          "Container",
                          o.tenant().orElse(null),
                          Integer.toString(o.vmid())),
                      o)
                  .by(caller.tokenName()));
        }
        return Response.accepted(
                new Deleted(o.vmid(), o.node(), PHASE_FINAL_BACKUP_RUNNING, null, null, r.task()))
            .build();
      }
      if (st instanceof OrphanFinalBackup.Failed f) {
        events.append(
            orphanEvent(
                    Event.of(
                        Event.WARN,
                        "OrphanFinalBackupFailed",
                        "final backup of container "
                            + o.vmid()
                            + " on "
                            + o.node()
                            + " failed: "
                            + f.message()
                            + "; the container is not deleted",
                        "Container",
                        o.tenant().orElse(null),
                        Integer.toString(o.vmid())),
                    o)
                .by(caller.tokenName()));
        throw new ApiException(
            409,
            "FinalBackupFailed",
            "the final backup of CT "
                + o.vmid()
                + " failed ("
                + f.message()
                + "); the container is not deleted. Delete again to retry, or with"
                + " skipFinalBackup=true (--skip-final-backup) to destroy it without one",
            List.of(new FieldError("skipFinalBackup", "the final backup failed: " + f.message())));
      }
      finalVolid = ((OrphanFinalBackup.Taken) st).volid();
    }
    Upid task = proxmox.delete(o.node(), o.vmid(), new DeleteOptions(true, true, true));
    events.append(
        orphanEvent(
                Event.info(
                    "OrphanDeleted",
                    "container "
                        + o.vmid()
                        + " on "
                        + o.node()
                        + " destroyed (orphan of pod "
                        + owner
                        + ")"
                        + (finalVolid == null
                            ? " without a final backup"
                            : " after its final backup " + finalVolid),
                    "Container",
                    o.tenant().orElse(null),
                    Integer.toString(o.vmid())),
                o)
            .by(caller.tokenName()));
    return Response.accepted(
            new Deleted(o.vmid(), o.node(), PHASE_DESTROYING, task.toString(), finalVolid, null))
        .build();
  }

  private static Event orphanEvent(Event e, OrphanContainer o) {
    return e.about(o.vmid(), o.name(), null);
  }

  private Caller requireAdmin(String what) {
    Caller c = req.caller();
    if (!c.isAdmin()) {
      throw ApiException.forbidden(
          "token '" + c.tokenName() + "' may not " + what + ": only admin tokens may");
    }
    return c;
  }

  private OrphanContainer find(String name, String cluster) {
    if (cluster != null) {
      clusters.require("cluster", cluster);
    }
    List<OrphanContainer> all = cluster == null ? orphans.all() : orphans.all(cluster);
    List<OrphanContainer> hits =
        all.stream()
            .filter(o -> name.equals(Integer.toString(o.vmid())) || name.equals(o.name()))
            .toList();
    if (hits.isEmpty()) {
      throw ApiException.notFound(
          "orphan " + name + (cluster == null ? "" : " in cluster " + cluster));
    }
    if (hits.stream().map(OrphanContainer::cluster).distinct().count() > 1) {
      throw ApiException.conflict(
          "cluster",
          "orphans named "
              + name
              + " are in clusters "
              + hits.stream().map(OrphanContainer::cluster).distinct().sorted().toList()
              + "; name the cluster (--cluster, ?cluster=)");
    }
    if (hits.size() > 1) {
      throw ApiException.conflict(
          "name",
          "more than one orphan is named "
              + name
              + " (VMIDs "
              + hits.stream().map(OrphanContainer::vmid).toList()
              + "); name it by VMID");
    }
    return hits.get(0);
  }

  /** The client of the orphan's cluster (503 while this replica has none for it). */
  private ProxmoxClient clientOf(OrphanContainer o) {
    return clusters.client(o.cluster());
  }

  /** The region of the orphan's cluster, so the adopted pod lives where its container is. */
  private String regionOf(OrphanContainer o) {
    return regions
        .named(o.cluster())
        .map(c -> c.spec().region())
        .orElseThrow(
            () ->
                ApiException.conflict(
                    "cluster",
                    "orphan " + o.vmid() + " is in cluster " + o.cluster() + ", which is gone"));
  }

  private static LxcConfig config(ProxmoxClient proxmox, OrphanContainer o) {
    try {
      return proxmox.getConfig(o.node(), o.vmid());
    } catch (ProxmoxNotFoundException e) {
      throw ApiException.notFound(
          "container " + o.vmid() + " on node " + o.node() + " of cluster " + o.cluster());
    }
  }

  private static JsonNode parse(String body) {
    JsonNode in;
    try {
      in = Json.MAPPER.readTree(body == null || body.isBlank() ? "{}" : body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body", "not JSON: " + e.getOriginalMessage());
    }
    if (!in.isObject()) {
      throw ApiException.badRequest("body", "must be a JSON object");
    }
    for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ADOPT_FIELDS.contains(f)) {
        throw ApiException.invalid(f, "unknown field (known: tenant, ipPool)");
      }
    }
    return in;
  }

  static StatusResource.Orphan view(OrphanContainer o) {
    return StatusResource.orphan(o);
  }

  private static java.util.Optional<Integer> sizeToGb(String size) {
    if (size == null || size.isEmpty()) {
      return java.util.Optional.empty();
    }
    char unit = Character.toUpperCase(size.charAt(size.length() - 1));
    try {
      double v =
          Double.parseDouble(Character.isDigit(unit) ? size : size.substring(0, size.length() - 1));
      double gib =
          switch (unit) {
            case 'T' -> v * 1024;
            case 'G' -> v;
            case 'M' -> v / 1024;
            default -> v / (1024d * 1024 * 1024);
          };
      return java.util.Optional.of((int) Math.ceil(gib - 1e-9));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }
}
