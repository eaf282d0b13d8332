package io.cloudpods.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.IpPool;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.IpPoolStore;
import io.cloudpods.store.Ipv4;
import io.cloudpods.store.PodsConfig;
import io.cloudpods.store.ResourceKey;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The backend routes of the original operator spec, kept so that today's control plane works
 * unchanged. They no longer run scripts: {@code create} writes a CloudPod named after the hostname
 * in the tenant, {@code destroy} marks the tenant's pod with that VMID for deletion; the controller
 * does the rest. Tenant ids are matched case-insensitively ({@code TENANT-123} is tenant {@code
 * tenant-123}).
 */
@Path("/internal/cloudpods")
@Produces(MediaType.APPLICATION_JSON)
@Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
public class SeedResource {
  private static final Set<String> CREATE_FIELDS =
      Set.of("tenantId", "vmid", "hostname", "ip", "cores", "memoryMb", "swapMb");
  private static final Set<String> DESTROY_FIELDS = Set.of("tenantId", "vmid", "skipFinalBackup");
  private static final Map<String, String> FIELD_NAMES =
      Map.of(
          "metadata.name", "hostname",
          "metadata.tenant", "tenantId",
          "spec.vmid", "vmid",
          "spec.ip", "ip",
          "spec.cores", "cores",
          "spec.memoryMb", "memoryMb",
          "spec.swapMb", "swapMb");

  private final Admission admission;
  private final RequestSupport req;
  private final CloudPodStore pods;
  private final IpPoolStore pools;
  private final EventStore events;
  private final PodsConfig podsConfig;

  public SeedResource(
      Admission admission,
      RequestSupport req,
      CloudPodStore pods,
      IpPoolStore pools,
      EventStore events,
      PodsConfig podsConfig) {
    this.admission = admission;
    this.req = req;
    this.pods = pods;
    this.pools = pools;
    this.events = events;
    this.podsConfig = podsConfig;
  }

  /**
   * Body: {@code {"tenantId","vmid","hostname","ip","cores","memoryMb","swapMb"}}; answers 202 with
   * the CloudPod.
   */
  @POST
  @Path("/create")
  public Response create(String body) {
    JsonNode in = object(body, CREATE_FIELDS);
    String tenant = tenant(in);
    String hostname = text(in, "hostname", true);
    if (!SpecRules.isDnsLabel(hostname)) {
      throw ApiException.invalid(
          "hostname", "'" + hostname + "' is not an RFC 1123 label (a-z, 0-9, '-', at most 63)");
    }
    req.requireWrite(Kind.CloudPod, tenant);
    ObjectNode pod = JsonNodeFactory.instance.objectNode();
    pod.put("apiVersion", ApiVersion.V1ALPHA1).put("kind", "CloudPod");
    pod.putObject("metadata").put("name", hostname).put("tenant", tenant);
    ObjectNode spec = pod.putObject("spec");
    for (String f : List.of("vmid", "cores", "memoryMb", "swapMb")) {
      if (in.hasNonNull(f)) {
        if (!in.get(f).canConvertToInt() || !in.get(f).isIntegralNumber()) {
          throw ApiException.invalid(f, "must be an integer");
        }
        spec.put(f, in.get(f).intValue());
      }
    }
    String ip = text(in, "ip", false);
    if (ip != null) {
      spec.put("ip", ip);
      spec.put("ipPool", poolFor(ip));
    }
    try {
      Admission.Result r = admission.admit(List.of(pod), req.caller(), false, false).get(0);
      return Response.accepted(r.object()).build();
    } catch (ApiException e) {
      throw renamed(e);
    }
  }

  /**
   * Body: {@code {"tenantId","vmid"}}, optionally {@code "skipFinalBackup": true}; answers 202 with
   * the CloudPod, now marked for deletion. The controller takes the pod's Final backup before it
   * destroys the container, as for {@code DELETE /cloudpods/{name}}, unless {@code skipFinalBackup}
   * (which may also be sent later, to a pod held by a failed Final backup).
   */
  @POST
  @Path("/destroy")
  @Transactional
  public Response destroy(String body) {
    JsonNode in = object(body, DESTROY_FIELDS);
    String tenant = tenant(in);
    JsonNode vmid = in.get("vmid");
    if (vmid == null || !vmid.isIntegralNumber() || !vmid.canConvertToInt()) {
      throw ApiException.invalid("vmid", "required integer");
    }
    JsonNode skip = in.get("skipFinalBackup");
    if (skip != null && !skip.isNull() && !skip.isBoolean()) {
      throw ApiException.invalid("skipFinalBackup", "must be true or false");
    }
    boolean skipFinalBackup = skip != null && skip.asBoolean(false);
    req.requireWrite(Kind.CloudPod, tenant);
    CloudPod pod =
        pods.findByVmid(tenant, vmid.intValue())
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "CloudPod with vmid " + vmid.intValue() + " in tenant " + tenant));
    CloudPod marked =
        pods.markDeleted(ResourceKey.of(tenant, pod.metadata().name()), skipFinalBackup)
            .orElseThrow();
    events.append(
        Event.info(
                "DestroyRequested",
                skipFinalBackup
                    ? "CloudPod destroy requested without its Final backup (skipFinalBackup)"
                    : "CloudPod destroy requested",
                "CloudPod",
                tenant,
                pod.metadata().name())
            .about(vmid.intValue(), pod.metadata().name(), pod.spec().ip())
            .by(req.caller().tokenName()));
    return Response.accepted(marked).build();
  }

  private JsonNode object(String body, Set<String> allowed) {
    JsonNode in = ManifestParser.parseJson(req.limit(body));
    if (!in.isObject()) {
      throw ApiException.badRequest("body", "the request body must be a JSON object");
    }
    for (var it = in.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiException.invalid(f, "unknown field");
      }
    }
    return in;
  }

  private static String tenant(JsonNode in) {
    String id = text(in, "tenantId", true).toLowerCase(Locale.ROOT);
    if (!SpecRules.isDnsLabel(id)) {
      throw ApiException.invalid("tenantId", "'" + id + "' is not a valid tenant name");
    }
    return id;
  }

  private static String text(JsonNode in, String field, boolean required) {
    JsonNode n = in.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw ApiException.invalid(field, "required");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw ApiException.invalid(field, "must be a string");
    }
    return n.asText();
  }

  /**
   * The pool whose range holds {@code ip}, else the default pool (admission then names the
   * problem).
   */
  private String poolFor(String ip) {
    try {
      long a = Ipv4.parse(ip);
      for (IpPool p : pools.list(null)) {
        if (a >= Ipv4.parse(p.spec().rangeStart()) && a <= Ipv4.parse(p.spec().rangeEnd())) {
          return p.metadata().name();
        }
      }
    } catch (IllegalArgumentException e) {
      // not an address: the schema check reports it against "ip"
    }
    return podsConfig.ipPool();
  }

  private static ApiException renamed(ApiException e) {
    List<FieldError> details =
        e.details().stream()
            .map(d -> new FieldError(FIELD_NAMES.getOrDefault(d.field(), d.field()), d.message()))
            .toList();
    String message =
        details.isEmpty()
            ? e.getMessage()
            : details.get(0).field() + ": " + details.get(0).message();
    return new ApiException(e.status(), e.reason(), message, details);
  }
}
