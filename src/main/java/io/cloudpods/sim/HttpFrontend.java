package io.cloudpods.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP side of pveproxy: authentication, envelope, reason phrases, parameter extraction, fault
 * injection and request statistics. State access happens under the {@link ClusterState} monitor.
 */
final class HttpFrontend {
  private static final Logger LOG = Logger.getLogger(HttpFrontend.class.getName());
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_PREFIX = "/api2/json";

  private final Vertx vertx;
  private final ClusterState state;
  private final Router router;
  private final SimControls controls;
  private final Stats stats;
  private final Auth auth;
  private final Duration authFailureDelay;
  private final List<Consumer<SimRequest>> listeners = new CopyOnWriteArrayList<>();

  HttpFrontend(
      Vertx vertx,
      ClusterState state,
      Router router,
      SimControls controls,
      Stats stats,
      Auth auth,
      Duration authFailureDelay) {
    this.vertx = vertx;
    this.state = state;
    this.router = router;
    this.controls = controls;
    this.stats = stats;
    this.auth = auth;
    this.authFailureDelay = authFailureDelay;
  }

  /**
   * Listeners see every authenticated {@code /api2/json} request once it is routed (or found
   * unroutable).
   */
  void addListener(Consumer<SimRequest> listener) {
    listeners.add(listener);
  }

  void removeListener(Consumer<SimRequest> listener) {
    listeners.remove(listener);
  }

  void handle(HttpServerRequest req) {
    long received = System.nanoTime();
    req.body()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                req.connection().close();
                return;
              }
              try {
                dispatch(req, ar.result(), received);
              } catch (RuntimeException e) {
                LOG.log(
                    Level.SEVERE, "internal error handling " + req.method() + " " + req.uri(), e);
                sendError(req, ApiException.fail("internal simulator error: " + e));
              }
            });
  }

  private void dispatch(HttpServerRequest req, Buffer body, long received) {
    String path;
    try {
      path = percentDecode(req.path());
    } catch (IllegalArgumentException e) {
      path = null;
    }
    boolean sim = path != null && (path.equals("/_sim") || path.startsWith("/_sim/"));
    if (!sim && holdIfBlackHole(req)) {
      return; // before authentication and before any random draw: an unreachable cluster
    }
    if (path == null) {
      sendError(req, ApiException.notImplemented("no such uri"));
      return;
    }
    if (!sim && !path.startsWith(API_PREFIX + "/") && !path.equals(API_PREFIX)) {
      sendError(req, ApiException.notImplemented("no such uri"));
      return;
    }
    Auth.Result who = auth.authenticate(req.getHeader("Authorization"), req.getHeader("Cookie"));
    if (who.failure() != null) {
      long delay = authFailureDelay.toMillis();
      ApiException e = new ApiException(401, who.failure(), null);
      if (delay > 0) {
        vertx.setTimer(
            delay,
            id -> {
              if (sim || !holdIfBlackHole(req)) {
                sendError(req, e);
              }
            });
      } else {
        sendError(req, e);
      }
      return;
    }
    if (sim) {
      try {
        if (!auth.access().superuser(who.authId())) {
          throw Perm.denied(null); // test controls are for the start tokens only
        }
        Object data = controls.handle(req.method().name(), path, parseJsonBody(req, body));
        sendData(req, data, Map.of());
      } catch (ApiException e) {
        sendError(req, e);
      }
      return;
    }
    String apiPath = path.substring(API_PREFIX.length());
    if (apiPath.isEmpty()) {
      apiPath = "/";
    }
    Faults.Outcome outcome = state.faults.nextOutcome();
    long latency = state.faults.nextLatencyMillis();
    String finalPath = apiPath;
    Runnable work = () -> process(req, body, finalPath, who.authId(), outcome, received);
    if (latency > 0) {
      vertx.setTimer(latency, id -> work.run());
    } else {
      work.run();
    }
  }

  private void process(
      HttpServerRequest req,
      Buffer body,
      String apiPath,
      String authId,
      Faults.Outcome outcome,
      long received) {
    if (holdIfBlackHole(req)) {
      return; // black hole set while the request waited out its latency
    }
    String method = req.method().name();
    Router.Match match;
    try {
      match = router.resolve(method, apiPath);
    } catch (ApiException e) {
      stats.count(method, "(no route)");
      notifyListeners(new SimRequest(received, method, apiPath, "(no route)", Map.of()));
      sendError(req, e);
      return;
    }
    stats.count(method, match.route().template());
    if (!listeners.isEmpty()) {
      Map<String, String> seen;
      try {
        seen = Map.copyOf(extractParams(req, body, match.pathParams()));
      } catch (ApiException e) {
        seen = Map.copyOf(match.pathParams());
      }
      notifyListeners(new SimRequest(received, method, apiPath, match.route().template(), seen));
    }
    if (outcome == Faults.Outcome.ERROR) {
      sendError(
          req,
          new ApiException(
              595,
              "Errors during connection establishment, proxy handshake: " + "Connection refused",
              null));
      return;
    }
    Call call;
    try {
      if ((req.method() == HttpMethod.GET || req.method() == HttpMethod.DELETE)
          && body.length() > 0) {
        throw ApiException.notImplemented("Unexpected content for method '" + method + "'");
      }
      Map<String, String> params = extractParams(req, body, match.pathParams());
      authorize(match.route(), new Perm.Ctx(auth.access(), state, authId, params), apiPath);
      call =
          new Call(
              match.route().schema().validate(params),
              authId,
              req.getHeader(io.cloudpods.proxmox.MutationFence.HEADER));
    } catch (ApiException e) {
      sendError(req, e);
      return;
    }
    attempt(req, match.route(), call, outcome, -1);
  }

  /**
   * While {@code blackHole} is set, keeps the request unanswered (no status line, no bytes) and
   * returns true. When the black hole is lifted, or when more than {@link Faults#MAX_HELD} are held
   * and this is the oldest, the request is reset (for HTTP/1.x its connection is closed) without an
   * answer and without being executed. A client that gives up is forgotten.
   */
  private boolean holdIfBlackHole(HttpServerRequest req) {
    if (!state.faults.blackHoleOn()) {
      return false; // the usual case: no allocation, no lock
    }
    HttpServerResponse resp = req.response();
    Context ctx = vertx.getOrCreateContext();
    Runnable release =
        () ->
            ctx.runOnContext(
                v -> {
                  if (!resp.ended() && !resp.closed()) {
                    resp.reset();
                  }
                });
    if (!state.faults.holdIfBlackHole(release)) {
      return false;
    }
    resp.closeHandler(v -> state.faults.forget(release));
    if (resp.closed()) {
      state.faults.forget(release); // the client went away before the handler was set
      return true;
    }
    keepOpenWhileHeld(req);
    return true;
  }

  /**
   * A held HTTP/1.x connection is exempt from the server's idle timeout, which would otherwise
   * close it after 60 s of silence: a black hole never closes anything by itself. The connection is
   * closed when the request is released, so the exemption ends with it.
   */
  private static void keepOpenWhileHeld(HttpServerRequest req) {
    if (req.version() == HttpVersion.HTTP_2
        || !(req.connection() instanceof io.vertx.core.net.impl.ConnectionBase conn)) {
      return;
    }
    io.netty.channel.ChannelPipeline pipeline = conn.channel().pipeline();
    try {
      if (pipeline.get("idle") != null) {
        pipeline.remove("idle");
      }
    } catch (java.util.NoSuchElementException raced) {
      // already removed
    }
  }

  /** The route's declared permission check, before schema validation; refusals are recorded. */
  private void authorize(Router.Route route, Perm.Ctx ctx, String apiPath) {
    try {
      synchronized (state) {
        router.checkOf(route).check(ctx);
      }
    } catch (ApiException e) {
      if (e.status == 403) {
        auth.access().recordDenial(route.method() + " " + apiPath + ": " + e.getMessage());
      }
      throw e;
    }
  }

  private void notifyListeners(SimRequest r) {
    for (Consumer<SimRequest> l : listeners) {
      try {
        l.accept(r);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "request listener failed", e);
      }
    }
  }

  /**
   * Runs the handler; when a container's config flock is held by a task, waits for it like {@code
   * lock_config} does (up to {@code configLockTimeout}) and then answers the flock timeout 500.
   */
  private void attempt(
      HttpServerRequest req, Router.Route route, Call call, Faults.Outcome outcome, long deadline) {
    Object result;
    try {
      synchronized (state) {
        result = route.handler().handle(call);
        Perm.Ctx ctx = new Perm.Ctx(auth.access(), state, call.authId(), call.params());
        result =
            result instanceof Router.Reply r
                ? new Router.Reply(router.filtered(route, ctx, r.data()), r.extra())
                : router.filtered(route, ctx, result);
      }
    } catch (ClusterState.FlockBusy busy) {
      long now = System.currentTimeMillis();
      long until =
          deadline >= 0
              ? deadline
              : now + state.timing().scaledMillis(state.timing().configLockTimeout());
      if (now >= until) {
        sendError(req, ApiException.fail(busy.getMessage()));
      } else {
        vertx.setTimer(
            ClusterState.FLOCK_POLL_MILLIS,
            id -> {
              if (!holdIfBlackHole(req)) {
                attempt(req, route, call, outcome, until);
              }
            });
      }
      return;
    } catch (ApiException e) {
      sendError(req, e);
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "internal error handling " + req.method() + " " + route.template(), e);
      sendError(req, ApiException.fail("internal simulator error: " + e));
      return;
    }
    if (outcome == Faults.Outcome.LOST_DROP) {
      req.connection().close();
      return;
    }
    if (outcome == Faults.Outcome.LOST_5XX) {
      sendError(req, new ApiException(596, "Connection timed out", null));
      return;
    }
    if (result instanceof Router.Reply r) {
      sendData(req, r.data(), r.extra());
    } else {
      sendData(req, result, Map.of());
    }
  }

  // ---- parameters ----

  /** Query and body parameters merged; the query wins, a conflicting duplicate is a 400. */
  static Map<String, String> extractParams(
      HttpServerRequest req, Buffer body, Map<String, String> pathParams) {
    Map<String, String> params = new LinkedHashMap<>();
    if (body.length() > 0) {
      String ct = req.getHeader("Content-Type");
      if (ct != null && ct.toLowerCase().startsWith("application/json")) {
        params.putAll(jsonParams(body));
      } else {
        params.putAll(formParams(body.toString(StandardCharsets.UTF_8)));
      }
    }
    if (req.query() != null && !req.query().isEmpty()) {
      params.putAll(formParams(req.query()));
    }
    for (Map.Entry<String, String> e : pathParams.entrySet()) {
      String given = params.get(e.getKey());
      if (given != null && !given.equals(e.getValue())) {
        throw ApiException.param(
            e.getKey(), "duplicate parameter (already defined in URI) with conflicting values!");
      }
      params.put(e.getKey(), e.getValue());
    }
    return params;
  }

  static Map<String, String> formParams(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k;
      String v;
      try {
        k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw ApiException.params(Map.of("body", "malformed form encoding"));
      }
      // repeated keys become a list
      out.merge(k, v, (a, b) -> a + "\0" + b);
    }
    out.replaceAll((k, v) -> v.contains("\0") ? String.join(",", v.split("\0")) : v);
    return out;
  }

  private static Map<String, String> jsonParams(Buffer body) {
    Object parsed;
    try {
      parsed = JSON.readValue(body.getBytes(), Object.class);
    } catch (java.io.IOException e) {
      throw ApiException.params(Map.of("body", "unable to parse JSON body"));
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw ApiException.params(Map.of("body", "JSON body must be an object"));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      out.put(String.valueOf(e.getKey()), jsonScalar(v));
    }
    return out;
  }

  private static String jsonScalar(Object v) {
    if (v instanceof Boolean b) {
      return b ? "1" : "0";
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder();
      for (Object o : l) {
        sb.append(sb.length() == 0 ? "" : ",").append(jsonScalar(o));
      }
      return sb.toString();
    }
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(v);
  }

  private static Map<String, Object> parseJsonBody(HttpServerRequest req, Buffer body) {
    if (body.length() == 0) {
      return Map.of();
    }
    Object parsed;
    try {
      parsed = JSON.readValue(body.getBytes(), Object.class);
    } catch (java.io.IOException e) {
      throw ApiException.params(Map.of("body", "unable to parse JSON body"));
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw ApiException.params(Map.of("body", "JSON body must be an object"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) map;
    return m;
  }

  /** URI-unescapes a path ({@code %XX} only; {@code +} stays a plus). */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("bad escape");
        }
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  // ---- responses ----

  private static void common(HttpServerResponse resp) {
    resp.putHeader("Server", "pve-api-daemon/3.0");
    resp.putHeader("Cache-Control", "max-age=0");
    resp.putHeader("Pragma", "no-cache");
    resp.putHeader(
        "Expires",
        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
  }

  static void sendData(HttpServerRequest req, Object data, Map<String, Object> extra) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("data", data);
    env.putAll(extra);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(env);
    } catch (JsonProcessingException e) {
      sendError(req, ApiException.fail("internal simulator error: " + e.getMessage()));
      return;
    }
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    common(resp);
    resp.setStatusCode(200).setStatusMessage("OK");
    resp.putHeader("Content-Type", "application/json;charset=UTF-8");
    resp.end(Buffer.buffer(bytes));
  }

  /** Status + first line of the message as reason; JSON body except for 401; connection closed. */
  static void sendError(HttpServerRequest req, ApiException e) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    String message = e.getMessage() == null ? "internal error" : e.getMessage();
    String reason = reasonPhrase(message);
    common(resp);
    resp.setStatusCode(e.status).setStatusMessage(reason);
    resp.putHeader("Connection", "close");
    Buffer body;
    if (e.status == 401) {
      body = Buffer.buffer();
    } else {
      Map<String, Object> env = new LinkedHashMap<>();
      if (e.status == 400 && !e.errors.isEmpty()) {
        env.put("errors", e.errors);
      }
      env.put("data", null);
      env.put("message", message.endsWith("\n") ? message : message + "\n");
      try {
        body = Buffer.buffer(JSON.writeValueAsBytes(env));
      } catch (JsonProcessingException ex) {
        body = Buffer.buffer("{\"data\":null}");
      }
      resp.putHeader("Content-Type", "application/json;charset=UTF-8");
    }
    resp.end(body).onComplete(v -> req.connection().close());
  }

  static String reasonPhrase(String message) {
    String first = message.split("\n", 2)[0];
    StringBuilder sb = new StringBuilder(first.length());
    for (char c : first.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
