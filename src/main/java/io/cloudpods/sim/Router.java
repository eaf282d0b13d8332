package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Route table of path templates such as {@code /nodes/{node}/lxc/{vmid}/config}, with a schema, a
 * permission check ({@link Perm}) and optionally a list filter per method. A route without a
 * declared check is for {@code root@pam} only, as a Proxmox method without {@code permissions} is.
 */
final class Router {
  /**
   * A handler returns the {@code data} value, or a {@link Reply} when extra top-level keys are
   * needed.
   */
  interface Handler {
    Object handle(Call call);
  }

  /** {@code data} plus extra top-level keys such as {@code total}. */
  record Reply(Object data, Map<String, Object> extra) {}

  record Route(
      String method, String template, List<String> segments, Schema schema, Handler handler) {}

  record Match(Route route, Map<String, String> pathParams) {}

  /**
   * Hides what the caller may not see in a list answer (Proxmox filters lists instead of refusing
   * them).
   */
  interface Filter {
    Object apply(Perm.Ctx ctx, Object data);
  }

  private final List<Route> routes = new ArrayList<>();

  /** Checks and filters by {@code METHOD template}. */
  private final Map<String, Perm> checks = new HashMap<>();

  private final Map<String, Filter> filters = new HashMap<>();

  /** Routes indexed by segment count, for fast matching. */
  private final Map<Integer, List<Route>> bySize = new HashMap<>();

  /** Routes whose last parameter takes the rest of the path ({@code {cidr...}}). */
  private final List<Route> restRoutes = new ArrayList<>();

  void add(String method, String template, Schema schema, Handler handler) {
    List<String> segs = segments(template);
    Route r = new Route(method, template, segs, schema, handler);
    routes.add(r);
    if (segs.get(segs.size() - 1).endsWith("...}")) {
      // pve-common RESTHandler's fragmentDelimiter '': everything left is one parameter, '/' kept
      restRoutes.add(r);
      return;
    }
    bySize.computeIfAbsent(segs.size(), k -> new ArrayList<>()).add(r);
  }

  /** A route with its permission check declared on the same line. */
  void add(String method, String template, Perm check, Schema schema, Handler handler) {
    add(method, template, schema, handler);
    check(method, template, check);
  }

  /** Declares the permission check of a route. */
  void check(String method, String template, Perm check) {
    checks.put(method + " " + template, check);
  }

  /** Declares the list filter of a route. */
  void filter(String method, String template, Filter filter) {
    filters.put(method + " " + template, filter);
  }

  /** The declared check, or root-only when none is. */
  Perm checkOf(Route r) {
    return checks.getOrDefault(r.method + " " + r.template, Perm.rootOnly());
  }

  /** The answer as the caller may see it. */
  Object filtered(Route r, Perm.Ctx ctx, Object data) {
    Filter f = filters.get(r.method + " " + r.template);
    return f == null || ctx.superuser() ? data : f.apply(ctx, data);
  }

  /** {@code METHOD template} of routes without a declared check. */
  List<String> undeclared() {
    List<String> out = new ArrayList<>();
    for (Route r : routes) {
      if (!checks.containsKey(r.method + " " + r.template)) {
        out.add(r.method + " " + r.template);
      }
    }
    return out;
  }

  List<Route> routes() {
    return List.copyOf(routes);
  }

  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Finds the route; a path that exists for other methods or not at all is the real 501. */
  Match resolve(String method, String path) {
    List<String> segs = segments(path);
    for (Route r : bySize.getOrDefault(segs.size(), List.of())) {
      if (!r.method.equals(method)) {
        continue;
      }
      Map<String, String> params = match(r.segments, segs);
      if (params != null) {
        return new Match(r, params);
      }
    }
    for (Route r : restRoutes) {
      int fixed = r.segments.size() - 1;
      if (!r.method.equals(method) || segs.size() <= fixed) {
        continue;
      }
      Map<String, String> params = match(r.segments.subList(0, fixed), segs.subList(0, fixed));
      if (params != null) {
        String last = r.segments.get(fixed);
        params.put(
            last.substring(1, last.length() - 4),
            String.join("/", segs.subList(fixed, segs.size())));
        return new Match(r, params);
      }
    }
    throw ApiException.notImplemented("Method '" + method + " " + path + "' not implemented");
  }

  private static Map<String, String> match(List<String> template, List<String> segs) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      if (t.startsWith("{")) {
        params.put(t.substring(1, t.length() - 1), segs.get(i));
      } else if (!t.equals(segs.get(i))) {
        return null;
      }
    }
    return params;
  }
}
