package io.cloudpods.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudpods.auth.Authenticator;
import io.cloudpods.auth.Caller;
import io.cloudpods.auth.Role;
import io.cloudpods.auth.TokenInfo;
import io.cloudpods.auth.TokenStore;
import io.cloudpods.store.Json;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /api/v1/tokens}: API tokens, for admin tokens only. POST answers the secret once; GET
 * never shows a secret or a hash; DELETE revokes at once (this process's token cache is cleared and
 * the token's open event streams are closed).
 */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {
  static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Set<String> FIELDS = Set.of("name", "role", "tenant", "expiresAt");

  /** The answer to POST: the stored token and, this once, its secret. */
  public record CreatedToken(
      String name,
      Role role,
      String tenant,
      Instant createdAt,
      Instant expiresAt,
      Instant lastUsedAt,
      String createdBy,
      String token) {}

  /** A list answer of tokens. */
  public record TokenList(String kind, List<TokenInfo> items) {}

  private final TokenStore tokens;
  private final Authenticator authenticator;
  private final RequestSupport req;

  public TokenResource(TokenStore tokens, Authenticator authenticator, RequestSupport req) {
    this.tokens = tokens;
    this.authenticator = authenticator;
    this.req = req;
  }

  private Caller requireAdmin() {
    Caller c = req.caller();
    if (!c.isAdmin()) {
      throw ApiException.forbidden(
          "token '" + c.tokenName() + "' may not manage tokens: only admin tokens may");
    }
    return c;
  }

  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  @Operation(
      summary = "Create a token",
      description =
          "Body {name, role: admin|tenant|readonly (read-only accepted), tenant (exactly for role tenant),"
              + " expiresAt (optional, ISO-8601, in the future)}. Answers 201 with the token's secret in"
              + " `token`, shown this once; 409 if the name is taken.")
  public Response create(String body) {
    Caller caller = requireAdmin();
    Request r = parse(req.limit(body));
    String secret = TokenStore.newSecret();
    if (!tokens.insert(r.name, r.role, r.tenant, secret, r.expiresAt, caller.tokenName())) {
      if (tokens.find(r.name).isPresent()) {
        throw ApiException.conflict("name", "a token named '" + r.name + "' already exists");
      }
      throw ApiException.invalid("tenant", "tenant " + r.tenant + " does not exist");
    }
    TokenInfo t = tokens.find(r.name).orElseThrow();
    return Response.created(URI.create("/api/v1/tokens/" + t.name()))
        .entity(
            new CreatedToken(
                t.name(),
                t.role(),
                t.tenant(),
                t.createdAt(),
                t.expiresAt(),
                t.lastUsedAt(),
                t.createdBy(),
                secret))
        .build();
  }

  @GET
  @Operation(summary = "List tokens", description = "Every token, without secrets or hashes.")
  public TokenList list() {
    requireAdmin();
    return new TokenList("TokenList", tokens.list());
  }

  @GET
  @Path("/{name}")
  public TokenInfo get(@PathParam("name") String name) {
    requireAdmin();
    return tokens.find(name).orElseThrow(() -> ApiException.notFound("token " + name));
  }

  @DELETE
  @Path("/{name}")
  @Operation(
      summary = "Revoke a token",
      description =
          "Removes the token: it stops authenticating at once in this process, its open event streams are"
              + " closed; other API server processes stop accepting it within cloudpods.auth.cache-ttl.")
  public TokenInfo delete(@PathParam("name") String name) {
    requireAdmin();
    TokenInfo t = tokens.find(name).orElseThrow(() -> ApiException.notFound("token " + name));
    if (!tokens.delete(name)) {
      throw ApiException.notFound("token " + name);
    }
    authenticator.revoked(name);
    return t;
  }

  private record Request(String name, Role role, String tenant, Instant expiresAt) {}

  private Request parse(String body) {
    JsonNode root;
    try {
      root = body == null || body.isBlank() ? null : Json.tree(body);
    } catch (UncheckedIOException e) {
      throw ApiException.badRequest("body", "the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw ApiException.badRequest(
          "body", "the body must be a JSON object {name, role, tenant, expiresAt}");
    }
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        errors.add(new FieldError(f, "unknown field (expected name, role, tenant, expiresAt)"));
      }
    }
    String name = text(root, "name", errors);
    if (name == null) {
      errors.add(new FieldError("name", "is required"));
    } else if (name.length() > 63 || !NAME.matcher(name).matches()) {
      errors.add(
          new FieldError(
              "name",
              "must be at most 63 lowercase letters, digits and '-', starting and ending with a letter"
                  + " or digit"));
    }
    String roleText = text(root, "role", errors);
    Role role = null;
    if (roleText == null) {
      errors.add(new FieldError("role", "is required (admin, tenant or readonly)"));
    } else {
      role =
          switch (roleText) {
            case "admin" -> Role.admin;
            case "tenant" -> Role.tenant;
            case "readonly", "read-only" -> Role.readonly;
            default -> null;
          };
      if (role == null) {
        errors.add(
            new FieldError(
                "role", "must be admin, tenant or readonly (read-only), not '" + roleText + "'"));
      }
    }
    String tenant = text(root, "tenant", errors);
    if (role == Role.tenant && tenant == null) {
      errors.add(new FieldError("tenant", "is required for role tenant"));
    } else if (role != null && role != Role.tenant && tenant != null) {
      errors.add(new FieldError("tenant", "is only allowed with role tenant"));
    } else if (role == Role.tenant) {
      var deleting = tokens.tenantDeleting(tenant);
      if (deleting.isEmpty()) {
        errors.add(new FieldError("tenant", "tenant " + tenant + " does not exist"));
      } else if (deleting.get()) {
        errors.add(new FieldError("tenant", "tenant " + tenant + " is being deleted"));
      }
    }
    String expiresText = text(root, "expiresAt", errors);
    Instant expiresAt = null;
    if (expiresText != null) {
      try {
        expiresAt = OffsetDateTime.parse(expiresText).toInstant();
        if (!expiresAt.isAfter(Instant.now())) {
          errors.add(new FieldError("expiresAt", "must be in the future, not " + expiresText));
        }
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError(
                "expiresAt",
                "must be an ISO-8601 time with an offset, e.g. 2030-01-31T00:00:00Z, not '"
                    + expiresText
                    + "'"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    return new Request(name, role, tenant, expiresAt);
  }

  private static String text(JsonNode root, String field, List<FieldError> errors) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    return n.asText();
  }
}
