package io.cloudpods.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container firewall endpoints under {@code /nodes/{node}/lxc/{vmid}/firewall/} (pve-firewall
 * {@code API2/Firewall/VM.pm} and {@code IPSet.pm}): options, IP sets and their entries. Like the
 * real server they do not check that the container exists; they read and write the guest's {@code
 * <vmid>.fw}, which destroying the container removes and cloning copies. Runs under the state
 * monitor.
 */
final class FirewallOps {

  /** {@code $ipset_name_pattern} of {@code Firewall.pm}. */
  static final String IPSET_NAME = "[A-Za-z][A-Za-z0-9\\-\\_]+";

  /** {@code $ip_alias_pattern}, optionally scoped, as {@code create_ip} tells aliases apart. */
  private static final Pattern ALIAS = Pattern.compile("(dc/|guest/)?([A-Za-z][A-Za-z0-9\\-_]+)");

  private static final String OCTET = "(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])";
  private static final Pattern IPV4_CIDR =
      Pattern.compile("(" + OCTET + "(?:\\." + OCTET + "){3})(?:/(\\d+))?");
  private static final Pattern IPV6_CIDR =
      Pattern.compile("([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:/(\\d+))?");

  static final String NOT_AN_ADDRESS =
      "value does not look like a valid IP address or CIDR network\n";

  /** {@code $vm_option_properties}: the options PUT accepts and {@code delete} may name. */
  static final Set<String> OPTIONS =
      Set.of(
          "enable",
          "macfilter",
          "dhcp",
          "ndp",
          "radv",
          "ipfilter",
          "policy_in",
          "policy_out",
          "log_level_in",
          "log_level_out");

  private final ClusterState s;

  FirewallOps(ClusterState state) {
    this.s = state;
  }

  /** The {@code ipset-name} standard option: pattern, then 2..64 characters. */
  static Schema.Check ipsetName() {
    return Schema.all(Schema.pattern(IPSET_NAME), Schema.string(2, 64));
  }

  /** The {@code IPorCIDRorAlias} format. */
  static Schema.Check cidrFormat() {
    return v -> {
      if (ALIAS.matcher(v).matches()) {
        return null;
      }
      String e = ipOrCidrError(v);
      return e == null ? null : "invalid format - " + e;
    };
  }

  private static String ipOrCidrError(String v) {
    Matcher m4 = IPV4_CIDR.matcher(v);
    if (m4.matches()) {
      return m4.group(2) == null || prefix(m4.group(2)) <= 32 ? null : NOT_AN_ADDRESS;
    }
    Matcher m6 = IPV6_CIDR.matcher(v);
    if (m6.matches() && isIpv6(m6.group(1))) {
      return m6.group(2) == null || prefix(m6.group(2)) <= 128 ? null : NOT_AN_ADDRESS;
    }
    return NOT_AN_ADDRESS;
  }

  private static int prefix(String digits) {
    return digits.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(digits);
  }

  private static boolean isIpv6(String literal) {
    try {
      return java.net.InetAddress.getByName("[" + literal + "]") instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException | RuntimeException e) {
      return false;
    }
  }

  /**
   * {@code clean_cidr} then {@code parse_ip_or_cidr}: host bits below the prefix cleared, a {@code
   * /32} (IPv4) or {@code /128} (IPv6) dropped, so {@code 10.1.10.50/32} is stored as {@code
   * 10.1.10.50}.
   */
  static String normalizeCidr(String cidr) {
    Matcher m4 = IPV4_CIDR.matcher(cidr);
    if (m4.matches()) {
      if (m4.group(2) == null) {
        return cidr;
      }
      int len = Integer.parseInt(m4.group(2));
      if (len == 32) {
        return m4.group(1);
      }
      long a = 0;
      for (String part : m4.group(1).split("\\.")) {
        a = (a << 8) | Integer.parseInt(part);
      }
      long mask = len == 0 ? 0 : (0xFFFFFFFFL << (32 - len)) & 0xFFFFFFFFL;
      a &= mask;
      return (a >> 24)
          + "."
          + ((a >> 16) & 255)
          + "."
          + ((a >> 8) & 255)
          + "."
          + (a & 255)
          + "/"
          + len;
    }
    return cidr.endsWith("/128") ? cidr.substring(0, cidr.length() - 4) : cidr;
  }

  private SimFirewall load(Call c) {
    s.node(c.node());
    return s.firewalls.getOrDefault(c.vmid(), new SimFirewall());
  }

  private void save(Call c, SimFirewall fw) {
    if (fw.isEmpty()) {
      s.firewalls.remove(c.vmid());
    } else {
      s.firewalls.put(c.vmid(), fw);
    }
    Guest g = s.guests.get(c.vmid());
    s.journal(g == null ? c.node() : g.node, c.vmid(), "firewall", null, c);
  }

  private static void assertNotModified(String current, Call c) {
    if (c.has("digest") && !c.str("digest").isEmpty() && !c.str("digest").equals(current)) {
      throw ApiException.fail(
          "detected modified configuration - file changed by other user? Try again.");
    }
  }

  // ---- options ----

  Map<String, Object> getOptions(Call c) {
    return load(c).optionsJson();
  }

  void setOptions(Call c) {
    SimFirewall fw = load(c).copy();
    assertNotModified(fw.optionsDigest(), c);
    if (c.has("delete")) {
      for (String opt : PropertyStrings.splitList(c.str("delete"))) {
        if (!OPTIONS.contains(opt)) {
          throw ApiException.param("delete", "no such option '" + opt + "'");
        }
        fw.options.remove(opt);
      }
    }
    for (String k : OPTIONS) {
      if (c.has(k)) {
        fw.options.put(k, c.str(k));
      }
    }
    save(c, fw);
  }

  // ---- IP sets ----

  List<Map<String, Object>> listIpsets(Call c) {
    return load(c).ipsetListJson();
  }

  void createIpset(Call c) {
    SimFirewall fw = load(c).copy();
    String name = c.str("name");
    if (c.has("rename")) {
      String from = c.str("rename");
      assertNotModified(SimFirewall.listDigest(fw.ipsetListJson()), c);
      if (!fw.ipsets.containsKey(from)) {
        throw ApiException.param("name", "IPSet '" + from + "' does not exist");
      }
      if (fw.ipsets.containsKey(name) && !name.equals(from)) {
        throw ApiException.param("name", "IPSet '" + name + "' does already exist");
      }
      SimFirewall.IpSet set = fw.ipsets.remove(from);
      if (c.has("comment")) {
        set.comment = c.str("comment");
      }
      fw.ipsets.put(lower(name), set);
    } else {
      if (fw.ipsets.containsKey(name)) {
        throw ApiException.param("name", "IPSet '" + name + "' already exists");
      }
      // the file is read back with the name lower-cased; a set of that name already there wins
      if (!fw.ipsets.containsKey(lower(name))) {
        SimFirewall.IpSet set = new SimFirewall.IpSet();
        set.comment = c.str("comment");
        fw.ipsets.put(lower(name), set);
      }
    }
    save(c, fw);
  }

  void deleteIpset(Call c) {
    SimFirewall fw = load(c).copy();
    SimFirewall.IpSet set = ipset(fw, c.str("name"));
    if (!set.entries.isEmpty() && !c.bool("force")) {
      throw ApiException.fail("IPSet '" + c.str("name") + "' is not empty");
    }
    fw.ipsets.remove(c.str("name"));
    save(c, fw);
  }

  List<Map<String, Object>> listEntries(Call c) {
    return SimFirewall.entriesJson(ipset(load(c), c.str("name")));
  }

  void addEntry(Call c) {
    SimFirewall fw = load(c).copy();
    SimFirewall.IpSet set = ipset(fw, c.str("name"));
    String cidr = c.str("cidr");
    Matcher alias = ALIAS.matcher(cidr);
    if (alias.matches()) {
      // aliases are not simulated, so none resolves
      throw ApiException.fail("no such alias '" + alias.group(2) + "'");
    }
    cidr = normalizeCidr(cidr);
    if (set.entries.containsKey(cidr)) {
      throw ApiException.param("cidr", "address '" + cidr + "' already exists");
    }
    if (cidr.matches(".*/0+")) {
      throw ApiException.param("cidr", "a zero prefix is not allowed in ipset entries");
    }
    String comment = c.has("comment") && !c.str("comment").isEmpty() ? c.str("comment") : null;
    set.entries.put(cidr, new SimFirewall.Entry(cidr, c.bool("nomatch"), comment));
    save(c, fw);
  }

  Map<String, Object> readEntry(Call c) {
    for (Map<String, Object> e : listEntries(c)) {
      if (e.get("cidr").equals(c.str("cidr"))) {
        return e;
      }
    }
    throw ApiException.param("cidr", "no such IP/Network");
  }

  void updateEntry(Call c) {
    SimFirewall fw = load(c).copy();
    SimFirewall.IpSet set = ipset(fw, c.str("name"));
    assertNotModified(SimFirewall.listDigest(SimFirewall.entriesJson(set)), c);
    SimFirewall.Entry e = set.entries.get(c.str("cidr"));
    if (e == null) {
      throw ApiException.param("cidr", "no such IP/Network");
    }
    // update_ip replaces both: an absent parameter clears it
    String comment = c.has("comment") && !c.str("comment").isEmpty() ? c.str("comment") : null;
    set.entries.put(e.cidr(), new SimFirewall.Entry(e.cidr(), c.bool("nomatch"), comment));
    save(c, fw);
  }

  void removeEntry(Call c) {
    SimFirewall fw = load(c).copy();
    SimFirewall.IpSet set = ipset(fw, c.str("name"));
    assertNotModified(SimFirewall.listDigest(SimFirewall.entriesJson(set)), c);
    set.entries.remove(c.str("cidr"));
    save(c, fw);
  }

  private static SimFirewall.IpSet ipset(SimFirewall fw, String name) {
    SimFirewall.IpSet set = fw.ipsets.get(name);
    if (set == null) {
      throw ApiException.fail("no such IPSet '" + name + "'");
    }
    return set;
  }

  private static String lower(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code GET /nodes/{node}/lxc/{vmid}/firewall}: the directory index. */
  static List<Map<String, Object>> index() {
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (String n : List.of("rules", "aliases", "ipset", "refs", "options")) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", n);
      out.add(m);
    }
    return out;
  }
}
