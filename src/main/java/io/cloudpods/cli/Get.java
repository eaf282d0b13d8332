package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** {@code get}, {@code describe} and {@code delete}. */
final class Get {
  private final CliMain cli;

  Get(CliMain cli) {
    this.cli = cli;
  }

  // ---- get --------------------------------------------------------------------------------------

  int get(Args a) {
    List<String> ops = a.operands();
    if (ops.isEmpty()) {
      throw CliException.usage(
          "get needs a kind: cloudpods get KIND [NAME] (kinds: "
              + ResourceKind.ALL_NAMES
              + "; or cloudpods get controllers)");
    }
    String output = a.value("output") == null ? "" : a.value("output");
    if (!List.of("", "wide", "json", "yaml", "name").contains(output)) {
      throw CliException.usage(
          "unknown output format '" + output + "' (one of: wide, json, yaml, name)");
    }
    if (Controllers.named(ops.get(0))) {
      return new Controllers(cli).get(ops.subList(1, ops.size()), output, !a.bool("no-headers"));
    }
    ResourceKind kind;
    List<String> names = new ArrayList<>();
    String first = ops.get(0);
    if (first.contains("/")) {
      kind = ResourceKind.require(first.substring(0, first.indexOf('/')));
      for (String op : ops) {
        int slash = op.indexOf('/');
        if (slash < 0 || ResourceKind.require(op.substring(0, slash)) != kind) {
          throw CliException.usage("mix of KIND/NAME and other arguments: '" + op + "'");
        }
        names.add(op.substring(slash + 1));
      }
    } else {
      kind = ResourceKind.require(first);
      names.addAll(ops.subList(1, ops.size()));
    }
    String tenant = kind.tenantScoped() ? cli.tenant(a) : null;
    Http http = cli.http();
    JsonNode body;
    List<JsonNode> items = new ArrayList<>();
    if (names.isEmpty()) {
      body = http.get(kind.collectionPath(tenant));
      JsonNode list = body.isArray() ? body : body.path("items");
      list.forEach(items::add);
    } else {
      for (String n : names) {
        items.add(http.get(kind.objectPath(tenant, n)));
      }
      body = names.size() == 1 ? items.get(0) : list(kind, items);
    }
    PrintStream out = cli.out;
    switch (output) {
      case "json" -> out.println(Json.pretty(body));
      case "yaml" -> out.print(Json.yaml(body));
      case "name" ->
          items.forEach(
              i -> out.println(kind.singular() + "/" + i.path("metadata").path("name").asText()));
      default -> {
        if (items.isEmpty()) {
          cli.err.println(
              "No resources found" + (tenant == null ? "." : " in tenant " + tenant + "."));
          return 0;
        }
        table(kind, items, output.equals("wide"), cli.now()).print(out, !a.bool("no-headers"));
      }
    }
    return 0;
  }

  /** The list shape the server uses: {@code {"apiVersion","kind":"<Kind>List","items"}}. */
  static ObjectNode list(ResourceKind kind, List<JsonNode> items) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("apiVersion", "cloudpods.io/v1alpha1");
    o.put("kind", kind.kind() + "List");
    ArrayNode arr = o.putArray("items");
    items.forEach(arr::add);
    return o;
  }

  static Table table(ResourceKind kind, List<JsonNode> items, boolean wide, Instant now) {
    Table t;
    switch (kind) {
      case CLOUDPOD -> {
        List<String> h =
            new ArrayList<>(
                List.of("NAME", "TENANT", "PHASE", "READY", "VMID", "NODE", "IP", "AGE"));
        if (wide) {
          h.addAll(
              List.of("CORES", "MEMORY", "DISK", "POWER", "TEMPLATE", "REGION", "ZONE", "REASON"));
        }
        t = new Table(h);
        for (JsonNode o : items) {
          JsonNode spec = o.path("spec");
          JsonNode st = o.path("status");
          List<String> r =
              new ArrayList<>(
                  List.of(
                      name(o),
                      o.path("metadata").path("tenant").asText("<none>"),
                      phase(o),
                      readyStatus(o),
                      observed(st, spec, "vmid"),
                      observed(st, spec, "node"),
                      observed(st, spec, "ip"),
                      Table.age(o.path("metadata").path("creationTimestamp"), now)));
          if (wide) {
            r.addAll(
                List.of(
                    Table.text(spec.get("cores")),
                    spec.hasNonNull("memoryMb") ? spec.get("memoryMb").asText() + "Mi" : "<none>",
                    spec.hasNonNull("diskGb") ? spec.get("diskGb").asText() + "Gi" : "<none>",
                    Table.text(spec.get("powerState")),
                    Table.text(spec.get("template")),
                    observed(st, spec, "region"),
                    observed(st, spec, "zone"),
                    notReadyReason(o)));
          }
          t.row(r);
        }
      }
      case PODSET -> {
        List<String> h = new ArrayList<>(List.of("NAME", "TENANT", "REPLICAS", "READY", "AGE"));
        if (wide) {
          h.addAll(List.of("CORES", "MEMORY", "DISK", "REASON"));
        }
        t = new Table(h);
        for (JsonNode o : items) {
          JsonNode spec = o.path("spec");
          JsonNode ps = spec.path("template").path("spec");
          List<String> r =
              new ArrayList<>(
                  List.of(
                      name(o),
                      o.path("metadata").path("tenant").asText("<none>"),
                      Table.text(spec.get("replicas")),
                      o.path("status").path("readyReplicas").asInt(0)
                          + "/"
                          + spec.path("replicas").asInt(0),
                      Table.age(o.path("metadata").path("creationTimestamp"), now)));
          if (wide) {
            r.addAll(
                List.of(
                    Table.text(ps.get("cores")),
                    ps.hasNonNull("memoryMb") ? ps.get("memoryMb").asText() + "Mi" : "<none>",
                    ps.hasNonNull("diskGb") ? ps.get("diskGb").asText() + "Gi" : "<none>",
                    notReadyReason(o)));
          }
          t.row(r);
        }
      }
      case TENANT -> {
        List<String> h = new ArrayList<>(List.of("NAME", "PODS", "CORES", "MEMORY", "AGE"));
        if (wide) {
          h.addAll(List.of("DISK", "DISPLAY-NAME"));
        }
        t = new Table(h);
        for (JsonNode o : items) {
          JsonNode usage = o.path("status").path("usage");
          JsonNode quota =
              o.path("status").has("quota")
                  ? o.path("status").path("quota")
                  : o.path("spec").path("quota");
          List<String> r =
              new ArrayList<>(
                  List.of(
                      name(o),
                      ofQuota(usage.get("pods"), quota.get("maxPods"), ""),
                      ofQuota(usage.get("cores"), quota.get("maxCores"), ""),
                      ofQuota(usage.get("memoryMb"), quota.get("maxMemoryMb"), "Mi"),
                      Table.age(o.path("metadata").path("creationTimestamp"), now)));
          if (wide) {
            r.addAll(
                List.of(
                    ofQuota(usage.get("diskGb"), quota.get("maxDiskGb"), "Gi"),
                    Table.text(o.path("spec").get("displayName"))));
          }
          t.row(r);
        }
      }
      case PROXMOXCLUSTER -> {
        List<String> h =
            new ArrayList<>(
                List.of("NAME", "REGION", "REACHABLE", "NODES", "VERSION", "LAST-CONTACT", "AGE"));
        if (wide) {
          h.addAll(List.of("URL", "TOKEN-ID", "ZONES", "REASON"));
        }
        t = new Table(h);
        for (JsonNode o : items) {
          JsonNode spec = o.path("spec");
          JsonNode st = o.path("status");
          JsonNode reachable = condition(o, "Reachable");
          int online = 0;
          for (JsonNode n : st.path("nodes")) {
            online += n.path("online").asBoolean(false) ? 1 : 0;
          }
          List<String> r =
              new ArrayList<>(
                  List.of(
                      name(o),
                      Table.text(spec.get("region")),
                      reachable == null ? "Unknown" : reachable.path("status").asText("Unknown"),
                      st.has("nodes") ? online + "/" + st.path("nodes").size() : "<none>",
                      Table.text(st.get("version")),
                      st.hasNonNull("lastContact")
                          ? Table.age(st.get("lastContact"), now) + " ago"
                          : "never",
                      o.path("metadata").hasNonNull("creationTimestamp")
                          ? Table.age(o.path("metadata").path("creationTimestamp"), now)
                          : "<config>"));
          if (wide) {
            List<String> zones = new ArrayList<>();
            for (JsonNode z : spec.path("zones")) {
              zones.add(z.path("name").asText() + "(" + z.path("nodes").size() + ")");
            }
            r.addAll(
                List.of(
                    Table.text(spec.get("url")),
                    Table.text(spec.get("tokenId")),
                    zones.isEmpty() ? "<none>" : String.join(",", zones),
                    reachable == null || "True".equals(reachable.path("status").asText())
                        ? "<none>"
                        : reachable.path("reason").asText("<none>")));
          }
          t.row(r);
        }
      }
      case BACKUP -> {
        List<String> h =
            new ArrayList<>(
                List.of("NAME", "POD", "REASON", "PHASE", "VOLID", "SIZE", "NODE", "AGE"));
        if (wide) {
          h.addAll(List.of("STORAGE", "MODE", "PROTECTED", "MESSAGE"));
        }
        t = new Table(h);
        for (JsonNode o : items) {
          JsonNode spec = o.path("spec");
          JsonNode st = o.path("status");
          List<String> r =
              new ArrayList<>(
                  List.of(
                      name(o),
                      Table.text(spec.get("pod")),
                      Table.text(spec.get("reason")),
                      markedOr(o, phase(o)),
                      Table.text(st.get("volid")),
                      Table.bytes(st.get("sizeBytes")),
                      Table.text(st.get("node")),
                      Table.age(o.path("metadata").path("creationTimestamp"), now)));
          if (wide) {
            r.addAll(
                List.of(
                    Table.text(spec.get("storage")),
                    st.hasNonNull("effectiveMode")
                            && !st.get("effectiveMode").asText().equals(spec.path("mode").asText())
                        ? spec.path("mode").asText() + "->" + st.get("effectiveMode").asText()
                        : Table.text(spec.get("mode")),
                    Boolean.toString(spec.path("protected").asBoolean(false)),
                    notReadyReason(o)));
          }
          t.row(r);
        }
      }
      case BACKUPPOLICY -> {
        List<String> h =
            new ArrayList<>(List.of("NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "LAST", "NEXT"));
        if (wide) {
          h.addAll(List.of("SELECTOR", "STORAGE", "RETENTION", "LAST-RESULT", "AGE"));
        }
        t = new Table(h);
        for (JsonNode o : items) {
          JsonNode spec = o.path("spec");
          JsonNode st = o.path("status");
          List<String> r =
              new ArrayList<>(
                  List.of(
                      name(o),
                      Table.text(spec.get("schedule")),
                      Table.text(spec.get("timeZone")),
                      Boolean.toString(spec.path("suspend").asBoolean(false)),
                      st.hasNonNull("lastScheduleTime")
                          ? Table.age(st.get("lastScheduleTime"), now) + " ago"
                          : "<none>",
                      Table.until(st.get("nextScheduleTime"), now)));
          if (wide) {
            r.addAll(
                List.of(
                    selector(spec.path("selector").path("matchLabels")),
                    Table.text(spec.get("storage")),
                    retention(spec.path("retention")),
                    Table.text(st.path("lastRunResult").get("result")),
                    Table.age(o.path("metadata").path("creationTimestamp"), now)));
          }
          t.row(r);
        }
      }
      case RESTORE -> {
        List<String> h = new ArrayList<>(List.of("NAME", "BACKUP", "TARGET", "PHASE", "AGE"));
        if (wide) {
          h.addAll(List.of("POD", "BEFORE-RESTORE", "MESSAGE"));
        }
        t = new Table(h);
        for (JsonNode o : items) {
          JsonNode spec = o.path("spec");
          JsonNode st = o.path("status");
          JsonNode target = spec.path("target");
          List<String> r =
              new ArrayList<>(
                  List.of(
                      name(o),
                      Table.text(spec.get("backup")),
                      target.path("inPlace").asBoolean(false)
                          ? "in-place"
                          : "pod/" + target.path("podName").asText("<none>"),
                      markedOr(o, phase(o)),
                      Table.age(o.path("metadata").path("creationTimestamp"), now)));
          if (wide) {
            r.addAll(
                List.of(
                    Table.text(st.get("pod")),
                    Table.text(st.get("beforeRestoreBackup")),
                    notReadyReason(o)));
          }
          t.row(r);
        }
      }
      default -> {
        List<String> h =
            new ArrayList<>(List.of("NAME", "CIDR", "RANGE", "ALLOCATED", "FREE", "AGE"));
        if (wide) {
          h.addAll(List.of("GATEWAY", "BRIDGE", "RESERVED"));
        }
        t = new Table(h);
        for (JsonNode o : items) {
          JsonNode spec = o.path("spec");
          JsonNode st = o.path("status");
          List<String> r =
              new ArrayList<>(
                  List.of(
                      name(o),
                      Table.text(spec.get("cidr")),
                      spec.path("rangeStart").asText("?") + "-" + spec.path("rangeEnd").asText("?"),
                      Table.text(st.get("allocated")),
                      Table.text(st.get("free")),
                      Table.age(o.path("metadata").path("creationTimestamp"), now)));
          if (wide) {
            r.addAll(
                List.of(
                    Table.text(spec.get("gateway")),
                    Table.text(spec.get("bridge")),
                    Table.text(st.get("reserved"))));
          }
          t.row(r);
        }
      }
    }
    return t;
  }

  /** {@code Deleting} for an object marked for deletion, whatever its last phase. */
  private static String markedOr(JsonNode o, String phase) {
    return o.path("metadata").hasNonNull("deletionTimestamp") ? "Deleting" : phase;
  }

  /** {@code app=web,tier=db}, or {@code <all>} for an empty selector (every pod of the tenant). */
  private static String selector(JsonNode matchLabels) {
    List<String> parts = new ArrayList<>();
    matchLabels.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
    return parts.isEmpty() ? "<all>" : String.join(",", parts);
  }

  /** Proxmox's own spelling of the prune options: {@code keep-last=7,keep-daily=3}. */
  private static String retention(JsonNode r) {
    List<String> parts = new ArrayList<>();
    for (String k : List.of("Last", "Hourly", "Daily", "Weekly", "Monthly", "Yearly")) {
      int v = r.path("keep" + k).asInt(0);
      if (v > 0) {
        parts.add("keep-" + k.toLowerCase(java.util.Locale.ROOT) + "=" + v);
      }
    }
    return parts.isEmpty() ? "keep-all" : String.join(",", parts);
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText("<none>");
  }

  /**
   * {@code 3/10}: usage against quota; a missing limit means unlimited and shows as the usage
   * alone.
   */
  private static String ofQuota(JsonNode used, JsonNode limit, String unit) {
    String u = used == null || used.isNull() ? "0" : used.asText();
    return limit == null || limit.isNull() ? u + unit : u + "/" + limit.asText() + unit;
  }

  private static String observed(JsonNode status, JsonNode spec, String field) {
    JsonNode v = status.get(field);
    if (v == null || v.isNull()) {
      v = spec.get(field);
    }
    return Table.text(v);
  }

  static String phase(JsonNode o) {
    JsonNode p = o.path("status").get("phase");
    if (p != null && p.isTextual()) {
      return p.asText();
    }
    return o.path("metadata").hasNonNull("deletionTimestamp") ? "Deleting" : "<none>";
  }

  static JsonNode condition(JsonNode o, String type) {
    for (JsonNode c : o.path("status").path("conditions")) {
      if (type.equalsIgnoreCase(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  private static String readyStatus(JsonNode o) {
    JsonNode c = condition(o, "Ready");
    return c == null ? "<none>" : c.path("status").asText("Unknown");
  }

  /** The Ready condition's reason when it is not True, else the status message, else empty. */
  private static String notReadyReason(JsonNode o) {
    JsonNode c = condition(o, "Ready");
    if (c != null && !"True".equals(c.path("status").asText())) {
      return c.path("reason").asText("");
    }
    return o.path("status").path("message").asText("");
  }

  // ---- describe ---------------------------------------------------------------------------------

  int describe(Args a) {
    List<String> ops = a.operands();
    ResourceKind kind;
    String name;
    if (ops.size() == 1 && ops.get(0).contains("/")) {
      kind = ResourceKind.require(ops.get(0).substring(0, ops.get(0).indexOf('/')));
      name = ops.get(0).substring(ops.get(0).indexOf('/') + 1);
    } else if (ops.size() == 2) {
      kind = ResourceKind.require(ops.get(0));
      name = ops.get(1);
    } else {
      throw CliException.usage("usage: cloudpods describe KIND NAME [--tenant T]");
    }
    String tenant = kind.tenantScoped() ? cli.tenant(a) : null;
    Http http = cli.http();
    JsonNode o = http.get(kind.objectPath(tenant, name));
    String q =
        "/api/v1/events?limit=500" + (tenant == null ? "" : "&tenant=" + Http.segment(tenant));
    List<JsonNode> events = new ArrayList<>();
    JsonNode ev = http.get(q);
    for (JsonNode e : ev.isArray() ? ev : ev.path("items")) {
      if (kind.kind().equals(e.path("kind").asText()) && name.equals(e.path("name").asText())) {
        events.add(e);
      }
    }
    describeTo(cli.out, kind, o, events, cli.now());
    return 0;
  }

  static void describeTo(
      PrintStream out, ResourceKind kind, JsonNode o, List<JsonNode> events, Instant now) {
    JsonNode m = o.path("metadata");
    field(out, "Name", m.path("name").asText());
    field(out, "Kind", kind.kind());
    if (m.hasNonNull("tenant")) {
      field(out, "Tenant", m.get("tenant").asText());
    }
    List<String> labels = new ArrayList<>();
    m.path("labels")
        .fields()
        .forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
    field(out, "Labels", labels.isEmpty() ? "<none>" : String.join(",", labels));
    field(out, "UID", Table.text(m.get("uid")));
    field(
        out,
        "Generation",
        Table.text(m.get("generation"))
            + (o.path("status").hasNonNull("observedGeneration")
                ? " (observed " + o.path("status").get("observedGeneration").asText() + ")"
                : ""));
    field(out, "ResourceVersion", Table.text(m.get("resourceVersion")));
    field(
        out,
        "Created",
        Table.text(m.get("creationTimestamp"))
            + " ("
            + Table.age(m.get("creationTimestamp"), now)
            + " ago)");
    if (m.hasNonNull("deletionTimestamp")) {
      field(out, "Deleting since", Table.text(m.get("deletionTimestamp")));
    }
    if (m.hasNonNull("ownerReference")) {
      field(
          out,
          "Owned by",
          m.path("ownerReference").path("kind").asText()
              + "/"
              + m.path("ownerReference").path("name").asText());
    }
    if (kind.kind().equals("CloudPod")) {
      JsonNode spec = o.path("spec");
      boolean guest = "Guest".equals(spec.path("network").asText());
      field(
          out,
          "Network",
          guest
              ? "Guest (the address lives inside the guest: net0, nameserver and firewall are left"
                  + " as they are)"
              : "Managed (net0, nameserver and firewall written from the pool)");
      if (spec.path("adopt").asBoolean(false)) {
        field(out, "Adopt", "true (takes over the existing container at its VMID when it matches)");
      }
    }
    out.println("Spec:");
    tree(out, o.path("spec"), "  ");
    out.println("Status:");
    ObjectNode st =
        o.path("status").isObject()
            ? ((ObjectNode) o.get("status")).deepCopy()
            : Json.NODES.objectNode();
    JsonNode conditions = st.remove("conditions");
    if (st.isEmpty()) {
      out.println("  <none>");
    } else {
      tree(out, st, "  ");
    }
    out.println("Conditions:");
    if (conditions == null || conditions.isEmpty()) {
      out.println("  <none>");
    } else {
      Table t = new Table(List.of("  TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"));
      for (JsonNode c : conditions) {
        t.row(
            List.of(
                "  " + c.path("type").asText(),
                c.path("status").asText(),
                c.path("reason").asText(""),
                Table.age(c.get("lastTransitionTime"), now),
                c.path("message").asText("")));
      }
      t.print(out, true);
    }
    out.println("Events:");
    if (events.isEmpty()) {
      out.println("  <none>");
    } else {
      Table t = new Table(List.of("  AGE", "LEVEL", "REASON", "ACTOR", "MESSAGE"));
      List<JsonNode> recent =
          events.size() > 20 ? events.subList(events.size() - 20, events.size()) : events;
      for (JsonNode e : recent) {
        t.row(
            List.of(
                "  " + Table.age(e.get("ts"), now),
                e.path("level").asText(""),
                e.path("reason").asText(""),
                Events.actor(e),
                Events.message(e, now)));
      }
      t.print(out, true);
    }
  }

  private static void field(PrintStream out, String label, String value) {
    String l = label + ":";
    out.println(l + " ".repeat(Math.max(1, 18 - l.length())) + value);
  }

  /** A JSON tree as indented {@code key: value} lines, arrays of scalars on one line. */
  private static void tree(PrintStream out, JsonNode n, String indent) {
    if (n == null || n.isMissingNode() || n.isNull() || (n.isContainerNode() && n.isEmpty())) {
      out.println(indent + "<none>");
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        out.println(indent + e.getKey() + ":");
        tree(out, v, indent + "  ");
      } else if (v.isArray() && !allScalars(v)) {
        out.println(indent + e.getKey() + ":");
        int i = 0;
        for (JsonNode item : v) {
          out.println(indent + "  [" + i++ + "]:");
          tree(out, item, indent + "    ");
        }
      } else if (v.isArray()) {
        List<String> parts = new ArrayList<>();
        v.forEach(x -> parts.add(x.asText()));
        out.println(indent + e.getKey() + ": " + String.join(", ", parts));
      } else {
        out.println(indent + e.getKey() + ": " + v.asText());
      }
    }
  }

  private static boolean allScalars(JsonNode arr) {
    for (JsonNode x : arr) {
      if (x.isContainerNode()) {
        return false;
      }
    }
    return true;
  }

  // ---- delete -----------------------------------------------------------------------------------

  int delete(Args a) {
    List<String> ops = a.operands();
    boolean ignoreMissing = a.bool("ignore-not-found");
    boolean skipFinalBackup = a.bool("skip-final-backup");
    List<String[]> targets = new ArrayList<>(); // kind, tenant, name
    List<ResourceKind> kinds = new ArrayList<>();
    if (a.has("filename")) {
      if (!ops.isEmpty()) {
        throw CliException.usage("delete takes either -f FILE or KIND NAME, not both");
      }
      List<Manifest> ms =
          new ArrayList<>(Manifest.load(a.values("filename"), cli.in, cli.cwd, a.value("tenant")));
      // what is owned goes before its owner: pods, then PodSets, then pools and tenants
      ms.sort(Comparator.comparing((Manifest x) -> x.kind().ordinal()).reversed());
      for (Manifest x : ms) {
        kinds.add(x.kind());
        targets.add(new String[] {x.tenant(), x.name()});
      }
    } else {
      if (ops.isEmpty()) {
        throw CliException.usage("usage: cloudpods delete KIND NAME [NAME...] | -f FILE");
      }
      ResourceKind kind;
      List<String> names = new ArrayList<>();
      if (ops.get(0).contains("/")) {
        kind = ResourceKind.require(ops.get(0).substring(0, ops.get(0).indexOf('/')));
        for (String op : ops) {
          int s = op.indexOf('/');
          if (s < 0 || ResourceKind.require(op.substring(0, s)) != kind) {
            throw CliException.usage("mix of KIND/NAME and other arguments: '" + op + "'");
          }
          names.add(op.substring(s + 1));
        }
      } else {
        kind = ResourceKind.require(ops.get(0));
        names.addAll(ops.subList(1, ops.size()));
      }
      if (names.isEmpty()) {
        throw CliException.usage(
            "delete needs a name: cloudpods delete " + kind.singular() + " NAME");
      }
      String tenant = kind.tenantScoped() ? cli.tenant(a) : null;
      for (String n : names) {
        kinds.add(kind);
        targets.add(new String[] {tenant, n});
      }
    }
    if (skipFinalBackup
        && kinds.stream().noneMatch(k -> k == ResourceKind.CLOUDPOD || k == ResourceKind.PODSET)) {
      throw CliException.usage(
          "--skip-final-backup applies to cloudpods and podsets only (their pods' Final backups)");
    }
    // tenants this command deletes: their objects may already be gone when it gets to them
    java.util.Set<String> deletedTenants = new java.util.HashSet<>();
    for (int i = 0; i < targets.size(); i++) {
      if (kinds.get(i) == ResourceKind.TENANT) {
        deletedTenants.add(targets.get(i)[1]);
      }
    }
    Http http = cli.http();
    int failed = 0;
    for (int i = 0; i < targets.size(); i++) {
      ResourceKind kind = kinds.get(i);
      String tenant = targets.get(i)[0];
      String name = targets.get(i)[1];
      try {
        boolean skips =
            skipFinalBackup && (kind == ResourceKind.CLOUDPOD || kind == ResourceKind.PODSET);
        JsonNode answer =
            http.call(
                "DELETE",
                kind.objectPath(tenant, name) + (skips ? "?skipFinalBackup=true" : ""),
                null);
        String done;
        if (kind == ResourceKind.TENANT) {
          // a tenant goes once the controller has deleted what it owns, like a namespace
          done = "deletion requested";
        } else if (kind == ResourceKind.BACKUP
            && answer.path("metadata").hasNonNull("deletionTimestamp")) {
          done = "marked for deletion (the controller deletes its archive, then the backup)";
        } else {
          done = skips ? "deleted (without a final backup)" : "deleted";
        }
        cli.out.println(kind.qualified() + " \"" + name + "\" " + done);
      } catch (ServerException e) {
        if (e.status() == 404 && ignoreMissing) {
          continue;
        }
        if (e.status() == 404 && tenant != null && deletedTenants.contains(tenant)) {
          cli.out.println(kind.qualified() + " \"" + name + "\" already gone");
          continue;
        }
        failed++;
        cli.err.println("error: " + e.getMessage());
        e.details().forEach(d -> cli.err.println("  " + d));
      }
    }
    return failed == 0 ? 0 : CliException.FAILURE;
  }
}
