package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Proxmox property strings and value formats: {@code netN}, {@code features}, {@code rootfs}, tags,
 * sizes, DNS names. Validation errors use the wording of pve-common's JSONSchema.
 */
final class PropertyStrings {
  static final String NOT_IN_SCHEMA =
      "property is not defined in schema and the schema does not allow additional properties";
  static final String MISSING = "property is missing and it is not optional";

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
  private static final Pattern TAG =
      Pattern.compile("[a-z0-9_][a-z0-9_\\-+.]*", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT])?");
  private static final Pattern BRIDGE = Pattern.compile("[-_.\\w\\d]+");
  private static final Pattern IFNAME = Pattern.compile("[-_.\\w\\d]+");

  private static final Set<String> NET_KEYS =
      Set.of(
          "name",
          "bridge",
          "hwaddr",
          "ip",
          "gw",
          "ip6",
          "gw6",
          "firewall",
          "tag",
          "trunks",
          "rate",
          "mtu",
          "link_down",
          "type",
          "host-managed");
  private static final Set<String> FEATURE_KEYS =
      Set.of("nesting", "keyctl", "fuse", "mount", "mknod", "force_rw_sys");
  private static final Set<String> MOUNT_KEYS =
      Set.of(
          "volume",
          "size",
          "acl",
          "backup",
          "mountoptions",
          "quota",
          "replicate",
          "ro",
          "shared",
          "mp");

  private PropertyStrings() {}

  /**
   * Splits {@code a=1,b=2} keeping order; a part without {@code =} is stored under {@code
   * defaultKey}.
   */
  static Map<String, String> split(String param, String value, String defaultKey) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : value.split(",")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k;
      String v;
      if (eq < 0) {
        if (defaultKey == null || out.containsKey(defaultKey)) {
          throw formatError(param, "value without key, but schema does not define a default key");
        }
        k = defaultKey;
        v = part;
      } else {
        k = part.substring(0, eq);
        v = part.substring(eq + 1);
      }
      if (out.containsKey(k)) {
        throw formatError(
            param, param + "." + k + ": duplicate key in comma-separated list property");
      }
      out.put(k, v);
    }
    return out;
  }

  static ApiException formatError(String param, String detail) {
    return ApiException.param(param, "invalid format - format error\n" + detail + "\n");
  }

  /**
   * Validates and normalises a {@code netN} value: type=veth added, hwaddr generated, name first
   * then sorted.
   */
  static String normalizeNet(String param, String value, Supplier<String> macSupplier) {
    Map<String, String> kv = split(param, value, null);
    for (Map.Entry<String, String> e : kv.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      String err = null;
      if (!NET_KEYS.contains(k)) {
        err = NOT_IN_SCHEMA;
      } else {
        switch (k) {
          case "name" ->
              err =
                  IFNAME.matcher(v).matches() && v.length() <= 16
                      ? null
                      : "value does not match the regex pattern";
          case "bridge" ->
              err = BRIDGE.matcher(v).matches() ? null : "value does not match the regex pattern";
          case "hwaddr" ->
              err =
                  MAC.matcher(v).matches() && (Integer.parseInt(v.substring(0, 2), 16) & 1) == 0
                      ? null
                      : "value does not look like a valid unicast MAC address";
          case "ip" ->
              err =
                  v.equals("dhcp") || v.equals("manual") || isIpv4Cidr(v)
                      ? null
                      : "value does not look like a valid ipv4 network configuration";
          case "gw" ->
              err =
                  IPV4.matcher(v).matches()
                      ? null
                      : "value does not look like a valid IPv4 address";
          case "ip6" ->
              err =
                  v.equals("auto") || v.equals("dhcp") || v.equals("manual") || isIpv6Cidr(v)
                      ? null
                      : "value does not look like a valid ipv6 network configuration";
          case "gw6" ->
              err = v.contains(":") ? null : "value does not look like a valid IPv6 address";
          case "firewall", "link_down", "host-managed" ->
              err =
                  v.equals("0") || v.equals("1")
                      ? null
                      : "type check ('boolean') failed - got '" + v + "'";
          case "tag" -> err = intRangeError(v, 1, 4094);
          case "mtu" -> err = intRangeError(v, 64, 65535);
          case "rate" ->
              err =
                  v.matches("\\d+(\\.\\d+)?")
                      ? null
                      : "type check ('number') failed - got '" + v + "'";
          case "trunks" ->
              err = v.matches("\\d+(;\\d+)*") ? null : "value does not match the regex pattern";
          case "type" ->
              err =
                  v.equals("veth")
                      ? null
                      : "value '" + v + "' does not have a value in the enumeration 'veth'";
          default -> err = null;
        }
      }
      if (err != null) {
        throw formatError(param, param + "." + k + ": " + err);
      }
    }
    if (!kv.containsKey("name")) {
      throw formatError(param, param + ".name: " + MISSING);
    }
    kv.putIfAbsent("type", "veth");
    kv.putIfAbsent("hwaddr", macSupplier.get());
    StringBuilder sb = new StringBuilder("name=").append(kv.remove("name"));
    new TreeMap<>(kv).forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
    return sb.toString();
  }

  /** Returns the same net string with a fresh hwaddr (clone gives every NIC a new MAC). */
  static String withNewMac(String net, String mac) {
    Map<String, String> kv = split("net", net, null);
    kv.put("hwaddr", mac);
    StringBuilder sb = new StringBuilder("name=").append(kv.remove("name"));
    new TreeMap<>(kv).forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
    return sb.toString();
  }

  private static String intRangeError(String v, int min, int max) {
    if (!v.matches("-?\\d+")) {
      return "type check ('integer') failed - got '" + v + "'";
    }
    long n = Long.parseLong(v);
    if (n < min) {
      return "value must have a minimum value of " + min;
    }
    if (n > max) {
      return "value must have a maximum value of " + max;
    }
    return null;
  }

  static boolean isIpv4Cidr(String v) {
    int slash = v.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String mask = v.substring(slash + 1);
    return IPV4.matcher(v.substring(0, slash)).matches()
        && mask.matches("\\d{1,2}")
        && Integer.parseInt(mask) <= 32;
  }

  private static boolean isIpv6Cidr(String v) {
    int slash = v.indexOf('/');
    return slash > 0
        && v.substring(0, slash).matches("[0-9a-fA-F:.]+")
        && v.substring(0, slash).contains(":")
        && v.substring(slash + 1).matches("\\d{1,3}")
        && Integer.parseInt(v.substring(slash + 1)) <= 128;
  }

  /**
   * Tags: split at {@code , ; whitespace}, validated, lower-cased, de-duplicated, sorted, joined
   * with {@code ;}.
   */
  static String normalizeTags(String param, String value) {
    TreeSet<String> tags = new TreeSet<>();
    for (String t : value.split("[,;\\s]+")) {
      if (t.isEmpty()) {
        continue;
      }
      if (!TAG.matcher(t).matches()) {
        throw ApiException.param(param, "invalid format - invalid characters in tag\n");
      }
      tags.add(t.toLowerCase(Locale.ROOT));
    }
    return String.join(";", tags);
  }

  /** Features: known keys only, booleans 0/1 (mount is a ;-list), printed sorted. */
  static String normalizeFeatures(String param, String value) {
    Map<String, String> kv = split(param, value, null);
    for (Map.Entry<String, String> e : kv.entrySet()) {
      if (!FEATURE_KEYS.contains(e.getKey())) {
        throw formatError(param, param + "." + e.getKey() + ": " + NOT_IN_SCHEMA);
      }
      if (!e.getKey().equals("mount") && !(e.getValue().equals("0") || e.getValue().equals("1"))) {
        throw formatError(
            param,
            param
                + "."
                + e.getKey()
                + ": type check ('boolean') failed - got '"
                + e.getValue()
                + "'");
      }
    }
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(kv)
        .forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }

  /**
   * Parses {@code 8G}, {@code 512M}, {@code 1.5T}, {@code 1024} (bytes) into bytes; null if
   * malformed.
   */
  static Long parseSize(String v) {
    var m = SIZE.matcher(v);
    if (!m.matches()) {
      return null;
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    double mult =
        switch (unit) {
          case "K" -> 1024d;
          case "M" -> 1024d * 1024;
          case "G" -> 1024d * 1024 * 1024;
          case "T" -> 1024d * 1024 * 1024 * 1024;
          default -> 1d;
        };
    return (long) Math.floor(n * mult);
  }

  /** {@code PVE::JSONSchema::format_size}: the largest unit that divides evenly. */
  static String formatSize(long bytes) {
    long k = 1024;
    if (bytes % (k * k * k * k) == 0 && bytes > 0) {
      return bytes / (k * k * k * k) + "T";
    }
    if (bytes % (k * k * k) == 0 && bytes > 0) {
      return bytes / (k * k * k) + "G";
    }
    if (bytes % (k * k) == 0 && bytes > 0) {
      return bytes / (k * k) + "M";
    }
    if (bytes % k == 0 && bytes > 0) {
      return bytes / k + "K";
    }
    return Long.toString(bytes);
  }

  /** A parsed mount point value ({@code rootfs}/{@code mpN}). */
  record Mount(String volume, Map<String, String> options) {
    String storage() {
      int c = volume.indexOf(':');
      return c < 0 ? null : volume.substring(0, c);
    }

    String volname() {
      int c = volume.indexOf(':');
      return c < 0 ? volume : volume.substring(c + 1);
    }

    long sizeBytes() {
      String s = options.get("size");
      Long b = s == null ? null : parseSize(s);
      return b == null ? 4L << 30 : b;
    }

    String print() {
      StringBuilder sb = new StringBuilder(volume);
      options.forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
      return sb.toString();
    }

    Mount withVolume(String v) {
      return new Mount(v, options);
    }

    Mount withSize(long bytes) {
      Map<String, String> o = new LinkedHashMap<>(options);
      o.put("size", formatSize(bytes));
      return new Mount(volume, o);
    }
  }

  static Mount parseMount(String param, String value) {
    Map<String, String> kv = split(param, value, "volume");
    if (!kv.containsKey("volume")) {
      throw formatError(param, param + ".volume: " + MISSING);
    }
    for (Map.Entry<String, String> e : kv.entrySet()) {
      if (!MOUNT_KEYS.contains(e.getKey())) {
        throw formatError(param, param + "." + e.getKey() + ": " + NOT_IN_SCHEMA);
      }
      if (e.getKey().equals("size") && parseSize(e.getValue()) == null) {
        throw formatError(param, param + ".size: value does not match the regex pattern");
      }
    }
    String volume = kv.remove("volume");
    return new Mount(volume, kv);
  }

  // ---- hash formats parsed like JSONSchema.pm parse_property_string ----

  /** One key of a hash format ({@code $format->{key}}). */
  record Key(String name, Schema.Check check, boolean optional, boolean bool, boolean defaultKey) {}

  static Key opt(String name, Schema.Check check) {
    return new Key(name, check, true, false, false);
  }

  static Key optBool(String name) {
    return new Key(name, Schema.bool(), true, true, false);
  }

  private static final Pattern KEY_VALUE = Formats.perl("([^=]+)=(.+)");
  private static final Pattern BLANK = Formats.perl("\\s*");
  private static final Pattern TRUE = Formats.perl("1|on|yes|true", Pattern.CASE_INSENSITIVE);
  private static final Pattern FALSE = Formats.perl("0|off|no|false", Pattern.CASE_INSENSITIVE);

  /**
   * A property string of a registered hash format, checked as {@code check_format} does: {@code
   * parse_property_string} (its die texts, then {@code check_object} on the keys, reported as
   * {@code format error} with one {@code path.key: text} line each, in the format's key order where
   * Perl uses hash order), then the format's validator. {@code path} is the parameter name.
   */
  static Schema.Check hashFormat(
      String path,
      List<Key> format,
      java.util.function.Function<Map<String, String>, String> validator) {
    return v -> {
      String err = parseHashFormat(path, format, validator, v);
      return err == null ? null : "invalid format - " + err;
    };
  }

  private static String parseHashFormat(
      String path,
      List<Key> format,
      java.util.function.Function<Map<String, String>, String> validator,
      String data) {
    Map<String, Key> byName = new LinkedHashMap<>();
    format.forEach(k -> byName.put(k.name(), k));
    Map<String, String> res = new LinkedHashMap<>();
    String defaultKey = null;
    for (String part : Formats.perlSplit(data, ",")) {
      if (Formats.matches(BLANK, part)) {
        continue;
      }
      var kv = KEY_VALUE.matcher(part);
      if (Formats.matches(KEY_VALUE, part) && kv.find()) {
        String k = kv.group(1);
        String v = kv.group(2);
        if (res.containsKey(k)) {
          return "duplicate key in comma-separated list property: " + k + "\n";
        }
        Key key = byName.get(k);
        if (key == null) {
          return "invalid key in comma-separated list property: " + k + "\n";
        }
        if (key.bool()) {
          // parse_boolean($v) // $v
          v = Formats.matches(TRUE, v) ? "1" : Formats.matches(FALSE, v) ? "0" : v;
        }
        res.put(k, v);
      } else if (part.indexOf('=') < 0) {
        if (defaultKey != null) {
          return "duplicate key in comma-separated list property: " + defaultKey + "\n";
        }
        for (Key key : format) {
          if (key.defaultKey()) {
            defaultKey = key.name();
            String have = res.get(defaultKey);
            if (have != null && !have.isEmpty() && !have.equals("0")) {
              return "duplicate key in comma-separated list property: " + defaultKey + "\n";
            }
            res.put(defaultKey, part);
            break;
          }
        }
        if (defaultKey == null) {
          return "value without key, but schema does not define a default key\n";
        }
      } else {
        return "missing key in comma-separated list property\n";
      }
    }
    StringBuilder errors = new StringBuilder();
    for (Key key : format) {
      String v = res.get(key.name());
      String err;
      if (v == null) {
        err = key.optional() ? null : MISSING;
      } else {
        err = key.check().apply(v);
      }
      if (err != null) {
        errors.append(path).append('.').append(key.name()).append(": ").append(err).append('\n');
      }
    }
    if (errors.length() > 0) {
      return "format error\n" + errors;
    }
    return validator == null ? null : validator.apply(res);
  }

  /** {@code %prune_option}: an integer, minimum 0. */
  private static Key pruneOption(String name) {
    return opt(name, Schema.integer(0, Long.MAX_VALUE));
  }

  /** pve-storage {@code Storage/Plugin.pm $prune_backups_format}. */
  static final List<Key> PRUNE_BACKUPS =
      List.of(
          optBool("keep-all"),
          pruneOption("keep-last"),
          pruneOption("keep-hourly"),
          pruneOption("keep-daily"),
          pruneOption("keep-weekly"),
          pruneOption("keep-monthly"),
          pruneOption("keep-yearly"));

  /**
   * pve-storage {@code Storage/Plugin.pm validate_prune_backups}: nothing above 0 means keep all;
   * keep-all together with a positive option dies.
   */
  static String validatePruneBackups(Map<String, String> res) {
    boolean positive = false;
    for (Map.Entry<String, String> e : res.entrySet()) {
      if (!e.getKey().equals("keep-all") && Long.parseLong(e.getValue()) > 0) {
        positive = true;
      }
    }
    String keepAll = res.get("keep-all");
    if (positive && "1".equals(keepAll)) {
      return "keep-all cannot be set together with other options.\n";
    }
    return null;
  }

  /** The {@code prune-backups} parameter (vzdump; storage create/update where simulated). */
  static Schema.Check pruneBackups(String param) {
    return hashFormat(param, PRUNE_BACKUPS, PropertyStrings::validatePruneBackups);
  }

  /**
   * pve-guest-common {@code VZDump/Common.pm backup-fleecing} and {@code verify_backup_fleecing}.
   */
  static Schema.Check backupFleecing(String param) {
    return hashFormat(
        param,
        List.of(
            new Key("enabled", Schema.bool(), true, true, true), opt("storage", Schema.STORAGE_ID)),
        res ->
            "1".equals(res.get("enabled"))
                    && (res.get("storage") == null
                        || res.get("storage").isEmpty()
                        || res.get("storage").equals("0"))
                ? "'storage' parameter is required when 'enabled' is set\n"
                : null);
  }

  /** pve-guest-common {@code VZDump/Common.pm backup-performance}. */
  static Schema.Check backupPerformance(String param) {
    return hashFormat(
        param,
        List.of(
            opt("max-workers", Schema.integer(1, 256)),
            opt("pbs-entries-max", Schema.integer(1, Long.MAX_VALUE))),
        null);
  }

  /**
   * pve-container {@code LXC/Config.pm $dev_desc} ({@code devN}). Its path check is not anchored at
   * the end, so {@code /dev/null\n} passes the schema and keeps its newline; the real method then
   * fails on it (no such device, a newline in the config file), which the simulator does not model:
   * the value counts as accepted only thanks to the newline (see {@link Formats#strictEnd}).
   */
  static Schema.Check device(String param) {
    Schema.Check check = deviceFormat(param);
    return v -> Formats.inStrictEnd() && v.endsWith("\n") ? "ends in a newline" : check.apply(v);
  }

  private static Schema.Check deviceFormat(String param) {
    return hashFormat(
        param,
        List.of(
            new Key("path", Schema.format("pve-lxc-dev-string"), true, false, true),
            opt("mode", Schema.pattern("0[0-7]{3}")),
            opt("uid", Schema.integer(0, Long.MAX_VALUE)),
            opt("gid", Schema.integer(0, Long.MAX_VALUE))),
        null);
  }

  /** pve-container {@code LXC/Config.pm $unused_desc} ({@code unusedN}). */
  static Schema.Check unusedVolume(String param) {
    return hashFormat(
        param,
        List.of(new Key("volume", Schema.format("pve-volume-id"), false, false, true)),
        null);
  }

  /** Splits a Proxmox list value ({@code ,} {@code ;} or whitespace separated). */
  static List<String> splitList(String v) {
    List<String> out = new ArrayList<>();
    for (String s : v.split("[,;\\s\\x00]+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
