package io.cloudpods.apiserver;

import io.cloudpods.auth.UnauthenticatedException;
import io.cloudpods.store.StoreConflictException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.hibernate.StaleStateException;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every failure leaves the API as {@link ApiError} JSON. */
public class ApiExceptionMappers {
  private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

  static Response respond(int status, String reason, String message, List<FieldError> details) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(new ApiError(status, reason, message, details))
        .build();
  }

  /** The body of a 401, here and on the routes outside JAX-RS (the event stream). */
  static ApiError unauthorized() {
    return unauthorized(UnauthenticatedException.MESSAGE);
  }

  static ApiError unauthorized(String message) {
    return new ApiError(401, "Unauthorized", message, List.of());
  }

  @ServerExceptionMapper
  public Response unauthenticated(UnauthenticatedException e) {
    return Response.status(401)
        .header(HttpHeaders.WWW_AUTHENTICATE, UnauthenticatedException.CHALLENGE)
        .type(MediaType.APPLICATION_JSON)
        .entity(unauthorized(e.getMessage()))
        .build();
  }

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return respond(e.status(), e.reason(), e.getMessage(), e.details());
  }

  @ServerExceptionMapper
  public Response conflict(StoreConflictException e) {
    return respond(
        409, "Conflict", e.getMessage(), List.of(new FieldError(e.field(), e.getMessage())));
  }

  @ServerExceptionMapper({OptimisticLockException.class, StaleStateException.class})
  public Response stale(RuntimeException e) {
    return respond(
        409, "Conflict", "the object was changed concurrently; read it again and retry", List.of());
  }

  @ServerExceptionMapper
  public Response persistence(PersistenceException e) {
    Throwable c = e;
    while (c != null) {
      if (c instanceof ConstraintViolationException cv) {
        return respond(
            409,
            "Conflict",
            "conflicts with stored state (" + cv.getConstraintName() + ")",
            List.of());
      }
      if (c instanceof OptimisticLockException || c instanceof StaleStateException) {
        return stale((RuntimeException) c);
      }
      if (c instanceof java.sql.SQLException sql
          && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()))) {
        // deadlock or serialization failure: nothing was stored, the same request may simply be
        // retried
        return respond(
            409, "Conflict", "concurrent change in the database; retry the request", List.of());
      }
      c = c.getCause();
    }
    LOG.error("database failure", e);
    return respond(500, "InternalError", "database failure", List.of());
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    String reason = e.getResponse().getStatusInfo().getReasonPhrase().replace(" ", "");
    return respond(status, reason, e.getMessage(), List.of());
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    LOG.error("unexpected failure", e);
    return respond(
        500, "InternalError", "internal error: " + e.getClass().getSimpleName(), List.of());
  }
}
