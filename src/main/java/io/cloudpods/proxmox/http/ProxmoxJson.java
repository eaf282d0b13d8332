package io.cloudpods.proxmox.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.FirewallOptions;
import io.cloudpods.proxmox.IpSet;
import io.cloudpods.proxmox.IpSetEntry;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.LxcStatus;
import io.cloudpods.proxmox.NodeInfo;
import io.cloudpods.proxmox.NodeStatus;
import io.cloudpods.proxmox.NodeStorage;
import io.cloudpods.proxmox.Pool;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.PruneMark;
import io.cloudpods.proxmox.Snapshot;
import io.cloudpods.proxmox.StorageConfig;
import io.cloudpods.proxmox.StorageContent;
import io.cloudpods.proxmox.TaskLog;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.VersionInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the server's JSON into our records. Tolerant the way the server varies: numbers may come as
 * strings ({@code "vmid":"106"} before PVE 8.2, {@code nextid}, {@code cpuinfo.mhz}), booleans as
 * 0/1, absent keys mean unset, unknown keys and unknown resource types are ignored. A required
 * field missing or unreadable raises {@link IllegalArgumentException} (reported as a protocol
 * error).
 */
final class ProxmoxJson {

  static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static final Pattern NET_KEY = Pattern.compile("^net(\\d+)$");
  private static final Pattern TAG_SPLIT = Pattern.compile("[;,\\s]+");
  private static final Pattern ID_VMID = Pattern.compile("^(?:lxc|qemu)/(\\d+)$");

  private ProxmoxJson() {}

  // ---- scalar readers ---------------------------------------------------------------------------

  static boolean present(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && !v.isNull() && !v.isMissingNode();
  }

  static Optional<String> text(JsonNode n, String field) {
    if (!present(n, field)) {
      return Optional.empty();
    }
    JsonNode v = n.get(field);
    return Optional.of(v.isValueNode() ? v.asText() : v.toString());
  }

  static String requiredText(JsonNode n, String field) {
    return text(n, field)
        .orElseThrow(() -> new IllegalArgumentException("field '" + field + "' missing"));
  }

  static OptionalLong optLong(JsonNode n, String field) {
    if (!present(n, field)) {
      return OptionalLong.empty();
    }
    JsonNode v = n.get(field);
    if (v.isNumber()) {
      return OptionalLong.of(v.asLong());
    }
    if (v.isBoolean()) {
      return OptionalLong.of(v.asBoolean() ? 1 : 0);
    }
    if (v.isTextual()) {
      String s = v.asText().strip();
      try {
        return OptionalLong.of(Long.parseLong(s));
      } catch (NumberFormatException e) {
        try {
          return OptionalLong.of((long) Double.parseDouble(s));
        } catch (NumberFormatException e2) {
          throw new IllegalArgumentException("field '" + field + "' is not a number: '" + s + "'");
        }
      }
    }
    throw new IllegalArgumentException("field '" + field + "' is not a number: " + v);
  }

  static long lng(JsonNode n, String field) {
    return optLong(n, field).orElse(0L);
  }

  static OptionalInt optInt(JsonNode n, String field) {
    OptionalLong l = optLong(n, field);
    return l.isPresent() ? OptionalInt.of(Math.toIntExact(l.getAsLong())) : OptionalInt.empty();
  }

  static int integer(JsonNode n, String field) {
    return optInt(n, field).orElse(0);
  }

  static int requiredInt(JsonNode n, String field) {
    return optInt(n, field)
        .orElseThrow(() -> new IllegalArgumentException("field '" + field + "' missing"));
  }

  static double dbl(JsonNode n, String field) {
    if (!present(n, field)) {
      return 0.0;
    }
    JsonNode v = n.get(field);
    if (v.isNumber()) {
      return v.asDouble();
    }
    try {
      return Double.parseDouble(v.asText().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("field '" + field + "' is not a number: " + v);
    }
  }

  static boolean bool(JsonNode n, String field) {
    if (!present(n, field)) {
      return false;
    }
    JsonNode v = n.get(field);
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isNumber()) {
      return v.asLong() != 0;
    }
    String s = v.asText().strip();
    return s.equals("1")
        || s.equalsIgnoreCase("true")
        || s.equalsIgnoreCase("yes")
        || s.equalsIgnoreCase("on");
  }

  static List<String> tags(JsonNode n, String field) {
    return text(n, field)
        .map(s -> Arrays.stream(TAG_SPLIT.split(s.strip())).filter(t -> !t.isEmpty()).toList())
        .orElse(List.of());
  }

  static Set<String> commaSet(JsonNode n, String field) {
    Set<String> out = new LinkedHashSet<>();
    text(n, field)
        .ifPresent(
            s -> Arrays.stream(s.split("[,;\\s]+")).filter(t -> !t.isEmpty()).forEach(out::add));
    return out;
  }

  static <T> List<T> list(JsonNode data, Function<JsonNode, T> mapper) {
    if (data == null || data.isNull() || data.isMissingNode()) {
      return List.of();
    }
    if (!data.isArray()) {
      throw new IllegalArgumentException("expected a JSON array, got " + data.getNodeType());
    }
    List<T> out = new ArrayList<>();
    for (JsonNode e : data) {
      T t = mapper.apply(e);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  static void requireObject(JsonNode data) {
    if (data == null || !data.isObject()) {
      throw new IllegalArgumentException(
          "expected a JSON object, got " + (data == null ? "nothing" : data.getNodeType()));
    }
  }

  static Upid upid(JsonNode d) {
    if (d == null || !d.isTextual()) {
      throw new IllegalArgumentException(
          "expected a task id (UPID), got " + (d == null ? "nothing" : d.toString()));
    }
    return Upid.parse(d.asText());
  }

  /** {@code nextid} answers a string ({@code "100"}); tolerate a number too. */
  static int vmidValue(JsonNode d) {
    if (d != null && (d.isNumber() || d.isTextual())) {
      try {
        return Integer.parseInt(d.asText().strip());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException(
        "expected a vmid, got " + (d == null ? "nothing" : d.toString()));
  }

  /** {@code vzdump} answers a UPID, or the string {@code OK} when there is nothing to do. */
  static io.cloudpods.proxmox.VzdumpResult vzdumpResult(JsonNode d) {
    if (d != null && d.isTextual() && d.asText().equals("OK")) {
      return io.cloudpods.proxmox.VzdumpResult.nothingToDo();
    }
    return io.cloudpods.proxmox.VzdumpResult.started(upid(d));
  }

  // ---- records
  // -----------------------------------------------------------------------------------

  static VersionInfo version(JsonNode d) {
    requireObject(d);
    return new VersionInfo(
        requiredText(d, "version"), text(d, "release").orElse(""), text(d, "repoid").orElse(""));
  }

  static NodeInfo node(JsonNode d) {
    return new NodeInfo(
        requiredText(d, "node"),
        text(d, "status").orElse("unknown"),
        text(d, "ssl_fingerprint").orElse(""),
        lng(d, "uptime"),
        dbl(d, "cpu"),
        integer(d, "maxcpu"),
        lng(d, "mem"),
        lng(d, "maxmem"),
        lng(d, "disk"),
        lng(d, "maxdisk"));
  }

  static NodeStatus nodeStatus(JsonNode d) {
    requireObject(d);
    JsonNode cpu = d.path("cpuinfo");
    JsonNode mem = d.path("memory");
    JsonNode swap = d.path("swap");
    JsonNode rootfs = d.path("rootfs");
    List<Double> load = new ArrayList<>();
    for (JsonNode l : d.path("loadavg")) {
      try {
        load.add(Double.parseDouble(l.asText()));
      } catch (NumberFormatException e) {
        load.add(0.0);
      }
    }
    long free = lng(mem, "free");
    return new NodeStatus(
        text(d, "pveversion").orElse(""),
        text(d, "kversion").orElse(""),
        lng(d, "uptime"),
        dbl(d, "cpu"),
        integer(cpu, "cpus"),
        integer(cpu, "cores"),
        integer(cpu, "sockets"),
        text(cpu, "model").orElse(""),
        load,
        lng(mem, "total"),
        lng(mem, "used"),
        free,
        optLong(mem, "available").orElse(free),
        lng(swap, "total"),
        lng(swap, "used"),
        lng(rootfs, "total"),
        lng(rootfs, "used"),
        lng(rootfs, "avail"));
  }

  /** A cluster resource entry; null (skipped) for types this client does not know. */
  static ClusterResource clusterResource(JsonNode d) {
    String type = text(d, "type").orElse("");
    String id = text(d, "id").orElse("");
    switch (type) {
      case "lxc":
      case "qemu":
        return guest(d, type, id);
      case "node":
        return new ClusterResource.Node(
            id,
            requiredText(d, "node"),
            text(d, "status").orElse("unknown"),
            dbl(d, "cpu"),
            integer(d, "maxcpu"),
            lng(d, "mem"),
            lng(d, "maxmem"),
            lng(d, "disk"),
            lng(d, "maxdisk"),
            lng(d, "uptime"));
      case "storage":
        return new ClusterResource.Storage(
            id,
            requiredText(d, "storage"),
            text(d, "node").orElse(""),
            text(d, "plugintype").orElse(""),
            text(d, "status").orElse("unknown"),
            bool(d, "shared"),
            commaSet(d, "content"),
            lng(d, "disk"),
            lng(d, "maxdisk"));
      case "pool":
        return new ClusterResource.Pool(id, requiredText(d, "pool"));
      case "sdn":
        return new ClusterResource.Sdn(
            id,
            text(d, "sdn").orElse(""),
            text(d, "node").orElse(""),
            text(d, "status").orElse(""));
      default:
        return null;
    }
  }

  private static ClusterResource.Guest guest(JsonNode d, String type, String id) {
    OptionalInt vmid = optInt(d, "vmid");
    int v;
    if (vmid.isPresent()) {
      v = vmid.getAsInt();
    } else {
      Matcher m = ID_VMID.matcher(id);
      if (!m.matches()) {
        throw new IllegalArgumentException("guest entry without vmid: " + id);
      }
      v = Integer.parseInt(m.group(1));
    }
    return new ClusterResource.Guest(
        id.isEmpty() ? type + "/" + v : id,
        type.equals("lxc") ? ClusterResource.GuestType.LXC : ClusterResource.GuestType.QEMU,
        v,
        text(d, "node").orElse(""),
        PowerState.fromApi(text(d, "status").orElse("")),
        text(d, "name"),
        bool(d, "template"),
        text(d, "pool"),
        text(d, "lock"),
        tags(d, "tags"),
        dbl(d, "cpu"),
        integer(d, "maxcpu"),
        lng(d, "mem"),
        lng(d, "maxmem"),
        lng(d, "disk"),
        lng(d, "maxdisk"),
        lng(d, "uptime"));
  }

  static LxcStatus lxcStatus(JsonNode d) {
    requireObject(d);
    int vmid = requiredInt(d, "vmid");
    return new LxcStatus(
        vmid,
        text(d, "name").orElse("CT" + vmid),
        PowerState.fromApi(text(d, "status").orElse("")),
        bool(d, "template"),
        text(d, "lock"),
        tags(d, "tags"),
        integer(d, "cpus"),
        dbl(d, "cpu"),
        lng(d, "mem"),
        lng(d, "maxmem"),
        lng(d, "swap"),
        lng(d, "maxswap"),
        lng(d, "disk"),
        lng(d, "maxdisk"),
        lng(d, "uptime"),
        bool(d.path("ha"), "managed"));
  }

  static LxcConfig lxcConfig(JsonNode d) {
    requireObject(d);
    Map<String, String> raw = new LinkedHashMap<>();
    TreeMap<Integer, String> nets = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = d.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v == null || v.isNull()) {
        continue;
      }
      String value = v.isValueNode() ? v.asText() : v.toString();
      raw.put(e.getKey(), value);
      Matcher m = NET_KEY.matcher(e.getKey());
      if (m.matches()) {
        nets.put(Integer.parseInt(m.group(1)), value);
      }
    }
    return new LxcConfig(
        text(d, "hostname"),
        optInt(d, "cores"),
        optInt(d, "memory"),
        optInt(d, "swap"),
        text(d, "rootfs"),
        nets,
        text(d, "nameserver"),
        text(d, "searchdomain"),
        tags(d, "tags"),
        text(d, "description"),
        bool(d, "template"),
        text(d, "lock"),
        bool(d, "unprivileged"),
        text(d, "features"),
        bool(d, "onboot"),
        text(d, "digest").orElse(""),
        raw);
  }

  /** Firewall options: every key but {@code digest}, numbers as their decimal text. */
  static FirewallOptions firewallOptions(JsonNode d) {
    Map<String, String> options = new java.util.TreeMap<>();
    String digest = "";
    if (d != null && d.isObject()) {
      for (var it = d.fields(); it.hasNext(); ) {
        var f = it.next();
        if (f.getKey().equals("digest")) {
          digest = f.getValue().asText();
        } else if (!f.getValue().isNull()) {
          options.put(f.getKey(), f.getValue().asText());
        }
      }
    }
    return new FirewallOptions(options, digest);
  }

  static IpSet ipSet(JsonNode d) {
    return new IpSet(requiredText(d, "name"), text(d, "comment"), text(d, "digest").orElse(""));
  }

  static IpSetEntry ipSetEntry(JsonNode d) {
    return new IpSetEntry(
        requiredText(d, "cidr"),
        bool(d, "nomatch"),
        text(d, "comment"),
        text(d, "digest").orElse(""));
  }

  /** A snapshot entry; null for the server's {@code current} pseudo-entry. */
  static Snapshot snapshot(JsonNode d) {
    String name = requiredText(d, "name");
    if (name.equals("current")) {
      return null;
    }
    return new Snapshot(name, text(d, "description"), optLong(d, "snaptime"), text(d, "parent"));
  }

  static NodeStorage nodeStorage(JsonNode d) {
    return new NodeStorage(
        requiredText(d, "storage"),
        text(d, "type").orElse(""),
        commaSet(d, "content"),
        !present(d, "enabled") || bool(d, "enabled"),
        bool(d, "active"),
        bool(d, "shared"),
        lng(d, "total"),
        lng(d, "used"),
        lng(d, "avail"));
  }

  static StorageContent storageContent(JsonNode d) {
    return new StorageContent(
        requiredText(d, "volid"),
        text(d, "content").orElse(""),
        text(d, "format").orElse(""),
        lng(d, "size"),
        lng(d, "ctime"),
        optInt(d, "vmid"),
        text(d, "subtype"),
        text(d, "notes"),
        bool(d, "protected"));
  }

  static PruneMark pruneMark(JsonNode d) {
    return new PruneMark(
        requiredText(d, "volid"),
        lng(d, "ctime"),
        requiredText(d, "mark"),
        text(d, "type").orElse(""),
        optInt(d, "vmid"));
  }

  static StorageConfig storageConfig(JsonNode d) {
    Map<String, String> raw = new LinkedHashMap<>();
    d.fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isNull()) {
                raw.put(
                    e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
              }
            });
    return new StorageConfig(
        requiredText(d, "storage"),
        text(d, "type").orElse(""),
        commaSet(d, "content"),
        bool(d, "shared"),
        bool(d, "disable"),
        raw);
  }

  static Pool poolSummary(JsonNode d) {
    return new Pool(requiredText(d, "poolid"), text(d, "comment"), List.of());
  }

  /**
   * A pool with members; {@code poolId} is used when the object lacks {@code poolid} (old form).
   */
  static Pool poolWithMembers(JsonNode d, String poolId) {
    requireObject(d);
    List<ClusterResource> members = list(d.get("members"), ProxmoxJson::clusterResource);
    return new Pool(text(d, "poolid").orElse(poolId), text(d, "comment"), members);
  }

  static TaskStatus taskStatus(JsonNode d, Upid requested) {
    requireObject(d);
    Upid upid = text(d, "upid").filter(Upid::isUpid).map(Upid::parse).orElse(requested);
    String status = requiredText(d, "status");
    return new TaskStatus(
        upid,
        text(d, "node").orElse(upid.node()),
        text(d, "type").orElse(upid.type()),
        text(d, "id").orElse(upid.id()),
        text(d, "user").orElse(upid.userWithoutToken()),
        text(d, "tokenid"),
        status.equals("running"),
        text(d, "exitstatus"),
        optLong(d, "starttime").orElse(upid.startTime()));
  }

  static TaskLog taskLog(JsonNode root) {
    JsonNode data = root.path("data");
    List<TaskLog.Line> lines =
        list(data, l -> new TaskLog.Line(integer(l, "n"), text(l, "t").orElse("")));
    int total = present(root, "total") ? integer(root, "total") : lines.size();
    return new TaskLog(lines, total);
  }
}
