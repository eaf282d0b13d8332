package io.cloudpods.apiserver;

import io.cloudpods.auth.Caller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /api/v1/apply}: multi-document YAML or a JSON array (or one JSON object). Each object
 * is created, configured or left unchanged; a batch with any invalid object stores nothing.
 */
@Path("/api/v1/apply")
@Produces(MediaType.APPLICATION_JSON)
public class ApplyResource {

  /** One object's outcome: {@code created}, {@code configured} or {@code unchanged}. */
  public record ItemResult(String kind, String tenant, String name, String result, Object object) {}

  public record ApplyResponse(boolean dryRun, List<ItemResult> items) {}

  private final Admission admission;
  private final RequestSupport req;

  public ApplyResource(Admission admission, RequestSupport req) {
    this.admission = admission;
    this.req = req;
  }

  @POST
  @Operation(
      summary = "Create or update every object of a manifest",
      description =
          "Body: multi-document YAML or a JSON array of Tenant, IpPool, CloudPod, PodSet, BackupPolicy, Backup"
              + " and Restore objects. Each object is"
              + " answered created, configured or unchanged. A batch with any invalid object stores nothing."
              + " dryRun=true validates and answers the same without storing.")
  @Consumes({
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    MediaType.APPLICATION_JSON,
    MediaType.TEXT_PLAIN,
    MediaType.WILDCARD
  })
  public ApplyResponse apply(
      @QueryParam("dryRun") @DefaultValue("false") boolean dryRun, String body) {
    Caller caller = req.caller();
    List<Admission.Result> results =
        admission.admit(ManifestParser.parseDocuments(req.limit(body)), caller, dryRun, true);
    return new ApplyResponse(
        dryRun,
        results.stream()
            .map(
                r ->
                    new ItemResult(
                        r.kind().name(), r.tenant(), r.name(), r.result().name(), r.object()))
            .toList());
  }
}
