package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.auth.Authenticator;
import io.cloudpods.auth.Caller;
import io.cloudpods.auth.SessionCookie;
import io.cloudpods.auth.TokenCache.Resolution;
import io.cloudpods.auth.TokenStore;
import io.cloudpods.auth.UnauthenticatedException;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * {@code GET /api/v1/events?watch=true} as Server-Sent Events. Served on a plain Vert.x route so
 * that the stream never holds a worker thread: the request is authenticated (on a worker, briefly),
 * then the stream is handed to the {@link EventFanout}, whose one shared poller writes what is new
 * to every open stream. A token beyond {@code cloudpods.api.max-streams-per-token} open streams is
 * answered 429. Every other request to the path falls through to {@link EventsResource}.
 */
@ApplicationScoped
public class EventStream {
  private final Authenticator authenticator;
  private final EventStore events;
  private final ApiConfig config;
  private final EventFanout fanout;

  public EventStream(
      Authenticator authenticator, EventStore events, ApiConfig config, EventFanout fanout) {
    this.authenticator = authenticator;
    this.events = events;
    this.config = config;
    this.fanout = fanout;
  }

  void register(@Observes Router router) {
    router.get("/api/v1/events").order(-10).handler(this::handle);
  }

  private record Start(Caller caller, String failure, String tenant, long since) {}

  private void handle(RoutingContext ctx) {
    if (!"true".equalsIgnoreCase(ctx.request().getParam("watch"))) {
      ctx.next();
      return;
    }
    Vertx vertx = ctx.vertx();
    // the dashboard's session cookie stands in for the header (GET only, see SessionCookie)
    String authorization = SessionCookie.readAuthorization(ctx.request());
    String requestedTenant = ctx.request().getParam("tenant");
    String sinceParam = ctx.request().getParam("since");
    vertx
        .executeBlocking(
            () -> {
              Resolution r = authenticator.resolveHeader(authorization);
              if (!r.authenticated()) {
                return new Start(null, r.failure(), null, 0);
              }
              String tenant = EventsResource.effectiveTenant(r.caller(), requestedTenant);
              long since = sinceParam == null ? latestId() : Long.parseLong(sinceParam);
              return new Start(r.caller(), null, tenant, since);
            },
            false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                fail(ctx, ar.cause());
              } else if (ar.result().caller() == null) {
                ctx.response()
                    .setStatusCode(401)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("WWW-Authenticate", UnauthenticatedException.CHALLENGE)
                    .end(Json.write(ApiExceptionMappers.unauthorized(ar.result().failure())));
              } else {
                Start s = ar.result();
                stream(ctx, s.caller(), tokenHash(authorization), s.tenant(), s.since());
              }
            });
  }

  private static String tokenHash(String authorization) {
    if (authorization == null || authorization.length() <= 7) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : TokenStore.sha256(token);
  }

  private long latestId() {
    List<Event> last = events.query(-1, 1, null);
    return last.isEmpty() ? 0 : last.get(0).id();
  }

  private void fail(RoutingContext ctx, Throwable t) {
    int status = 500;
    ApiError body = new ApiError(500, "InternalError", "internal error", List.of());
    if (t instanceof ApiException e) {
      status = e.status();
      body = new ApiError(e.status(), e.reason(), e.getMessage(), e.details());
    } else if (t instanceof NumberFormatException) {
      status = 400;
      body =
          new ApiError(
              400,
              "BadRequest",
              "since must be a number",
              List.of(new FieldError("since", "must be a number")));
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Json.write(body));
  }

  private void stream(
      RoutingContext ctx, Caller caller, String tokenHash, String tenant, long since) {
    HttpServerResponse resp = ctx.response();
    EventFanout.Subscriber s =
        fanout.subscribe(
            caller.tokenName(),
            tokenHash,
            tenant,
            since,
            resp,
            () -> ctx.request().connection().close());
    if (s == null) {
      String message =
          "token '"
              + caller.tokenName()
              + "' already has "
              + config.maxStreamsPerToken()
              + " open event streams, the limit (cloudpods.api.max-streams-per-token)";
      resp.setStatusCode(429)
          .putHeader("Content-Type", "application/json")
          .end(
              Json.write(
                  new ApiError(
                      429,
                      "TooManyRequests",
                      message,
                      List.of(new FieldError("cloudpods.api.max-streams-per-token", message)))));
      return;
    }
    resp.setWriteQueueMaxSize(config.streamBufferBytes());
    resp.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    resp.closeHandler(v -> fanout.unsubscribe(s));
    resp.write(": watching events\n\n");
  }
}
