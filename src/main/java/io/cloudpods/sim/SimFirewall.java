package io.cloudpods.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One guest's {@code /etc/pve/firewall/<vmid>.fw} (pve-firewall {@code Firewall.pm}): the {@code
 * [OPTIONS]} and the {@code [IPSET name]} sections (rules and aliases are not simulated). The file
 * is kept as what {@code load_vmfw_conf} would read back: set names lower-cased, entries sorted by
 * address, since every API call reloads the file that the last one wrote in that order. Guarded by
 * the {@link ClusterState} monitor.
 */
final class SimFirewall {

  /** One {@code [IPSET name]} entry: {@code !} marks nomatch, a comment follows {@code #}. */
  record Entry(String cidr, boolean nomatch, String comment) {}

  /** One IP set with its optional comment, entries by address. */
  static final class IpSet {
    String comment;
    final TreeMap<String, Entry> entries = new TreeMap<>();
  }

  /** Option values as stored: booleans {@code 0|1}, policies upper case, log levels lower case. */
  final TreeMap<String, String> options = new TreeMap<>();

  final TreeMap<String, IpSet> ipsets = new TreeMap<>();

  /** Options that {@code copy_opject_with_digest} returns as JSON numbers. */
  private static final java.util.Set<String> NUMERIC =
      java.util.Set.of("enable", "dhcp", "ndp", "radv", "macfilter", "ipfilter");

  boolean isEmpty() {
    return options.isEmpty() && ipsets.isEmpty();
  }

  SimFirewall copy() {
    SimFirewall c = new SimFirewall();
    c.options.putAll(options);
    ipsets.forEach(
        (name, set) -> {
          IpSet s = new IpSet();
          s.comment = set.comment;
          s.entries.putAll(set.entries);
          c.ipsets.put(name, s);
        });
    return c;
  }

  /** The file as {@code save_vmfw_conf} writes it; empty when it would be removed. */
  String serialize() {
    StringBuilder sb = new StringBuilder();
    if (!options.isEmpty()) {
      sb.append("[OPTIONS]\n\n");
      options.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
      sb.append('\n');
    }
    ipsets.forEach(
        (name, set) -> {
          sb.append("[IPSET ").append(name).append(']');
          if (set.comment != null && !set.comment.isEmpty()) {
            sb.append(" # ").append(set.comment);
          }
          sb.append("\n\n");
          for (Entry e : set.entries.values()) {
            sb.append(e.nomatch() ? "!" : "").append(e.cidr());
            if (e.comment() != null && !e.comment().isBlank()) {
              sb.append(" # ").append(e.comment());
            }
            sb.append('\n');
          }
          sb.append('\n');
        });
    return sb.toString();
  }

  /** {@code GET .../options}: the set options plus the digest over {@code key:value} lines. */
  Map<String, Object> optionsJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    options.forEach(
        (k, v) -> {
          out.put(k, NUMERIC.contains(k) ? (Object) Long.parseLong(v) : v);
          lines.add(k + ":" + v + "\n");
        });
    out.put("digest", sha1(String.join("", lines)));
    return out;
  }

  String optionsDigest() {
    return (String) optionsJson().get("digest");
  }

  /** {@code GET .../ipset}: names sorted, each with the one list digest. */
  List<Map<String, Object>> ipsetListJson() {
    List<Map<String, Object>> items = new ArrayList<>();
    ipsets.forEach(
        (name, set) -> {
          Map<String, Object> m = new TreeMap<>();
          if (set.comment != null && !set.comment.isEmpty()) {
            m.put("comment", set.comment);
          }
          m.put("name", name);
          items.add(m);
        });
    return withDigest(items);
  }

  /** {@code GET .../ipset/{name}}: entries sorted by address, each with the one list digest. */
  static List<Map<String, Object>> entriesJson(IpSet set) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (Entry e : set.entries.values()) {
      Map<String, Object> m = new TreeMap<>();
      m.put("cidr", e.cidr());
      if (e.comment() != null) {
        m.put("comment", e.comment());
      }
      if (e.nomatch()) {
        m.put("nomatch", 1);
      }
      items.add(m);
    }
    return withDigest(items);
  }

  /** {@code copy_list_with_digest}: SHA1 over every entry's sorted {@code key:value} lines. */
  static List<Map<String, Object>> withDigest(List<Map<String, Object>> sortedKeyItems) {
    StringBuilder all = new StringBuilder();
    for (Map<String, Object> m : sortedKeyItems) {
      m.forEach((k, v) -> all.append(k).append(':').append(v).append('\n'));
    }
    String digest = sha1(all.toString());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> m : sortedKeyItems) {
      Map<String, Object> copy = new LinkedHashMap<>(m);
      copy.put("digest", digest);
      out.add(copy);
    }
    return out;
  }

  static String listDigest(List<Map<String, Object>> json) {
    if (json.isEmpty()) {
      return sha1("");
    }
    return (String) json.get(0).get("digest");
  }

  static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For {@code GET /_sim/state}: the file text and what it holds. */
  Map<String, Object> stateJson(int vmid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vmid", vmid);
    m.put("options", new LinkedHashMap<>(options));
    Map<String, Object> sets = new LinkedHashMap<>();
    ipsets.forEach(
        (name, set) -> {
          List<String> entries = new ArrayList<>();
          set.entries.values().forEach(e -> entries.add((e.nomatch() ? "!" : "") + e.cidr()));
          sets.put(name, entries);
        });
    m.put("ipsets", sets);
    m.put("file", serialize());
    return m;
  }
}
