package io.cloudpods.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudpods.api.v1alpha1.ApiVersion;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.auth.Caller;
import io.cloudpods.auth.CurrentCaller;
import io.cloudpods.store.WriteOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What every resource class needs: the caller, body limits, and the PUT path. */
@ApplicationScoped
public class RequestSupport {
  private final CurrentCaller current;
  private final ApiConfig config;
  private final Admission admission;

  public RequestSupport(CurrentCaller current, ApiConfig config, Admission admission) {
    this.current = current;
    this.config = config;
    this.admission = admission;
  }

  public Caller caller() {
    return current.get();
  }

  public void requireRead(Kind kind, String tenant) {
    Caller c = caller();
    if (!c.canRead(kind, tenant)) {
      throw ApiException.forbidden(
          "token '"
              + c.tokenName()
              + "' may not read "
              + kind
              + (tenant == null ? "" : " in tenant " + tenant));
    }
  }

  public void requireWrite(Kind kind, String tenant) {
    Caller c = caller();
    if (!c.canWrite(kind, tenant)) {
      throw ApiException.forbidden(
          "token '"
              + c.tokenName()
              + "' ("
              + c.role()
              + ") may not write "
              + kind
              + (tenant == null ? "" : " in tenant " + tenant));
    }
  }

  /** Refuses bodies above {@code cloudpods.api.max-body-bytes}. */
  public String limit(String body) {
    if (body == null) {
      throw ApiException.badRequest("body", "the request body is empty");
    }
    if (body.length() > config.maxBodyBytes()
        || body.getBytes(StandardCharsets.UTF_8).length > config.maxBodyBytes()) {
      throw new ApiException(
          413,
          "PayloadTooLarge",
          "the request body exceeds " + config.maxBodyBytes() + " bytes",
          List.of());
    }
    return body;
  }

  /**
   * PUT of one object at its own path: kind, name and tenant may be omitted from the body (the path
   * supplies them) but must match if present. Answers 201 when created, 200 otherwise.
   */
  public Response put(Kind kind, String tenant, String name, String body, boolean dryRun) {
    JsonNode node = ManifestParser.parseJson(limit(body));
    if (!node.isObject()) {
      throw ApiException.badRequest("body", "the request body must be a JSON object");
    }
    ObjectNode o = (ObjectNode) node;
    if (!o.has("apiVersion")) {
      o.put("apiVersion", ApiVersion.V1ALPHA1);
    }
    if (!o.has("kind")) {
      o.put("kind", kind.name());
    } else if (!kind.name().equals(o.get("kind").asText())) {
      throw ApiException.invalid("kind", "must be " + kind + " at this path");
    }
    JsonNode metaNode = o.get("metadata");
    if (metaNode == null || metaNode.isNull()) {
      metaNode = o.putObject("metadata");
    }
    if (!metaNode.isObject()) {
      throw ApiException.invalid("metadata", "must be an object");
    }
    ObjectNode meta = (ObjectNode) metaNode;
    matchPath(meta, "name", name);
    if (tenant != null) {
      matchPath(meta, "tenant", tenant);
    }
    Admission.Result r = admission.admit(List.of(o), caller(), dryRun, false).get(0);
    return Response.status(r.result() == WriteOutcome.created ? 201 : 200)
        .entity(r.object())
        .build();
  }

  private static void matchPath(ObjectNode meta, String field, String fromPath) {
    JsonNode v = meta.get(field);
    if (v == null || v.isNull()) {
      meta.put(field, fromPath);
    } else if (!fromPath.equals(v.asText())) {
      throw ApiException.invalid(
          "metadata." + field, "'" + v.asText() + "' does not match the path ('" + fromPath + "')");
    }
  }
}
