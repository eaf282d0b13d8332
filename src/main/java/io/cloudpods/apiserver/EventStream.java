package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.auth.Authenticator;
import io.cloudpods.auth.Caller;
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
import java.util.Optional;

/**
 * {@code GET /api/v1/events?watch=true} as Server-Sent Events. Served on a plain Vert.x route so
 * that the stream never holds a worker thread: a timer polls the events table (on a worker,
 * briefly) and writes what is new. Every other request to the path falls through to {@link
 * EventsResource}.
 */
@ApplicationScoped
public class EventStream {
  private final Authenticator authenticator;
  private final EventStore events;
  private final ApiConfig config;

  public EventStream(Authenticator authenticator, EventStore events, ApiConfig config) {
    this.authenticator = authenticator;
    this.events = events;
    this.config = config;
  }

  void register(@Observes Router router) {
    router.get("/api/v1/events").order(-10).handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    if (!"true".equalsIgnoreCase(ctx.request().getParam("watch"))) {
      ctx.next();
      return;
    }
    Vertx vertx = ctx.vertx();
    String authorization = ctx.request().getHeader("Authorization");
    String requestedTenant = ctx.request().getParam("tenant");
    String sinceParam = ctx.request().getParam("since");
    vertx
        .executeBlocking(
            () -> {
              Optional<Caller> caller = authenticator.resolve(authorization);
              if (caller.isEmpty()) {
                return null;
              }
              String tenant = EventsResource.effectiveTenant(caller.get(), requestedTenant);
              long since = sinceParam == null ? latestId(tenant) : Long.parseLong(sinceParam);
              return new Object[] {tenant, since};
            },
            false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                fail(ctx, ar.cause());
              } else if (ar.result() == null) {
                ctx.response()
                    .setStatusCode(401)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("WWW-Authenticate", UnauthenticatedException.CHALLENGE)
                    .end(Json.write(ApiExceptionMappers.unauthorized()));
              } else {
                Object[] s = (Object[]) ar.result();
                stream(ctx, (String) s[0], (Long) s[1]);
              }
            });
  }

  private long latestId(String tenant) {
    List<Event> last = events.query(-1, 1, tenant);
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

  private void stream(RoutingContext ctx, String tenant, long since) {
    Vertx vertx = ctx.vertx();
    HttpServerResponse resp = ctx.response();
    resp.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    resp.write(": watching events\n\n");
    long[] cursor = {since};
    boolean[] busy = {false};
    long timer =
        vertx.setPeriodic(
            config.watchPollInterval().toMillis(),
            id -> {
              if (resp.closed() || resp.ended()) {
                vertx.cancelTimer(id);
                return;
              }
              if (busy[0]) {
                return;
              }
              busy[0] = true;
              vertx
                  .executeBlocking(() -> events.query(cursor[0], 500, tenant), false)
                  .onComplete(
                      ar -> {
                        busy[0] = false;
                        if (ar.failed() || resp.closed() || resp.ended()) {
                          return;
                        }
                        StringBuilder out = new StringBuilder();
                        for (Event e : ar.result()) {
                          out.append("id: ")
                              .append(e.id())
                              .append('\n')
                              .append("event: event\n")
                              .append("data: ")
                              .append(Json.write(e))
                              .append("\n\n");
                          cursor[0] = e.id();
                        }
                        if (out.length() > 0) {
                          resp.write(out.toString());
                        }
                      });
            });
    resp.closeHandler(v -> vertx.cancelTimer(timer));
  }
}
