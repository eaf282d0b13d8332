package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The string formats of Proxmox's schema checker, one verifier per registered name, as in
 * pve-common's {@code JSONSchema.pm register_format} (plus those pve-storage, pve-container and
 * pve-access-control register). A verifier returns null or the text its Perl counterpart dies with,
 * trailing newline included; {@link #check} adds the {@code -list} and {@code -opt} handling of
 * {@code check_format}.
 *
 * <p>Every regex check is Perl's {@code $value =~ m/^RE$/} ({@link #perl}): without {@code /m},
 * {@code $} also matches just before a final newline, so {@code "100\n"} passes {@code pve-vmid} on
 * a real server. Checks that compare with {@code eq} or look a value up in a hash ({@code
 * pve-storage-content}, {@code timezone}, booleans, enumerations) do not have that leniency.
 */
final class Formats {
  private Formats() {}

  private static final Map<String, Function<String, String>> REGISTRY = new LinkedHashMap<>();

  /**
   * Set while {@link #strictEnd} runs a check: {@code $} then matches only at the very end, which
   * tells whether a value passed only thanks to Perl's final-newline leniency.
   */
  private static final ThreadLocal<Boolean> STRICT_END = ThreadLocal.withInitial(() -> false);

  /** {@code m/^RE$/}: compiled with Unix lines, so only {@code \n} ends a line, as in Perl. */
  static Pattern perl(String re) {
    return perl(re, 0);
  }

  static Pattern perl(String re, int flags) {
    return Pattern.compile("^(?:" + re + ")$", flags | Pattern.UNIX_LINES);
  }

  /** True while {@link #strictEnd} runs a check. */
  static boolean inStrictEnd() {
    return STRICT_END.get();
  }

  /** Perl's {@code $value =~ $pattern} for a pattern from {@link #perl}. */
  static boolean matches(Pattern perlPattern, String value) {
    if (STRICT_END.get()) {
      String src = perlPattern.pattern();
      Pattern strict =
          Pattern.compile(src.substring(0, src.length() - 1) + "\\z", perlPattern.flags());
      return strict.matcher(value).find();
    }
    return perlPattern.matcher(value).find();
  }

  /**
   * Runs {@code check} as if Perl's {@code $} matched only at the end of the value. A value that
   * passes normally but not here was accepted only because it ends in a newline.
   */
  static <T> T strictEnd(java.util.function.Supplier<T> check) {
    boolean before = STRICT_END.get();
    STRICT_END.set(true);
    try {
      return check.get();
    } finally {
      STRICT_END.set(before);
    }
  }

  // ParseUtils.pm
  private static final String IPV4OCTET = "(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])";
  private static final String IPV4RE = "(?:(?:" + IPV4OCTET + "\\.){3}" + IPV4OCTET + ")";
  private static final String IPV6H16 = "(?:[0-9a-fA-F]{1,4})";
  private static final String IPV6LS32 = "(?:(?:" + IPV4RE + "|" + IPV6H16 + ":" + IPV6H16 + "))";
  private static final String IPV6RE =
      "(?:"
          + ("(?:(?:" + "(?:" + IPV6H16 + ":){6})" + IPV6LS32 + ")|")
          + ("(?:(?:" + "::(?:" + IPV6H16 + ":){5})" + IPV6LS32 + ")|")
          + ("(?:(?:(?:" + IPV6H16 + ")?::(?:" + IPV6H16 + ":){4})" + IPV6LS32 + ")|")
          + ("(?:(?:(?:(?:" + IPV6H16 + ":){0,1}" + IPV6H16 + ")?::(?:" + IPV6H16 + ":){3})")
          + (IPV6LS32 + ")|")
          + ("(?:(?:(?:(?:" + IPV6H16 + ":){0,2}" + IPV6H16 + ")?::(?:" + IPV6H16 + ":){2})")
          + (IPV6LS32 + ")|")
          + ("(?:(?:(?:(?:" + IPV6H16 + ":){0,3}" + IPV6H16 + ")?::(?:" + IPV6H16 + ":){1})")
          + (IPV6LS32 + ")|")
          + ("(?:(?:(?:(?:" + IPV6H16 + ":){0,4}" + IPV6H16 + ")?::" + ")" + IPV6LS32 + ")|")
          + ("(?:(?:(?:(?:" + IPV6H16 + ":){0,5}" + IPV6H16 + ")?::" + ")" + IPV6H16 + ")|")
          + ("(?:(?:(?:(?:" + IPV6H16 + ":){0,6}" + IPV6H16 + ")?::" + ")))");
  private static final Pattern IP = perl("(?:(?:" + IPV4RE + ")|(?:" + IPV6RE + "))");

  // Perl's \w on character strings is Unicode-aware
  private static final String EMAIL_USER_RE = "[\\w+\\-~]+(\\.[\\w+\\-~]+)*";
  private static final Pattern EMAIL_USER = perl(EMAIL_USER_RE, Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern EMAIL =
      perl(
          EMAIL_USER_RE + "@[a-zA-Z0-9\\-]+(\\.[a-zA-Z0-9\\-]+)*", Pattern.UNICODE_CHARACTER_CLASS);

  private static final Pattern VMID = perl("[1-9][0-9]{2,8}");
  private static final Pattern NODE = perl("([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)");
  private static final Pattern ID = perl("[a-z][a-z0-9\\-_.]*[a-z0-9]", Pattern.CASE_INSENSITIVE);
  private static final Pattern CONFIGID = perl("[a-z][a-z0-9_-]+", Pattern.CASE_INSENSITIVE);
  private static final Pattern POOLID = perl("[A-Za-z0-9.\\-_]+(?:/[A-Za-z0-9.\\-_]+){0,2}");
  private static final String DNS_LABEL = "([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)";
  private static final Pattern DNS_NAME = perl("(" + DNS_LABEL + "\\.)*" + DNS_LABEL);
  private static final Pattern TAG = perl("[a-z0-9_][a-z0-9_\\-+.]*", Pattern.CASE_INSENSITIVE);
  private static final Pattern IFACE =
      perl("[a-z][a-z0-9_]{1,20}([:.]\\d+)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern VOLUME_ID =
      perl("([a-z][a-z0-9\\-_.]*[a-z0-9]):(.+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern TASK_STATUS =
      perl("ok|error|warning|unknown", Pattern.CASE_INSENSITIVE);
  private static final Pattern LL_ADDR = perl("(fe80:[^%]+)%(.*)");
  private static final Pattern SPACES = perl("\\s*");
  private static final Pattern ORDER = perl("(order=)?\\d+");
  private static final Pattern UP = perl("up=\\d+");
  private static final Pattern DOWN = perl("down=\\d+");

  /** The third column of zone.tab, read by {@code pve_verify_timezone}. */
  private static final Set<String> ZONE_TAB = zoneTab();

  private static final Set<String> CONTENT_TYPES =
      Set.of("images", "rootdir", "vztmpl", "iso", "backup", "snippets", "none", "import");

  static {
    // JSONSchema.pm
    register("string", v -> null);
    register(
        "pve-configid",
        v -> matches(CONFIGID, v) ? null : "invalid configuration ID '" + v + "'\n");
    register("pve-storage-id", v -> parseId(v, "storage"));
    register("pve-vmid", v -> matches(VMID, v) ? null : "value does not look like a valid VM ID\n");
    register(
        "pve-node", v -> matches(NODE, v) ? null : "value does not look like a valid node name\n");
    register("ip", v -> matches(IP, v) ? null : "value does not look like a valid IP address\n");
    register(
        "email-or-username",
        v ->
            matches(EMAIL, v) || matches(EMAIL_USER, v)
                ? null
                : "value does not look like a valid email address or user name\n");
    register(
        "dns-name",
        v -> matches(DNS_NAME, v) ? null : "value does not look like a valid DNS name\n");
    register(
        "pve-iface",
        v -> matches(IFACE, v) ? null : "invalid network interface name '" + v + "'\n");
    register(
        "pve-startup-order",
        v -> parseStartupOrder(v) ? null : "unable to parse startup options\n");
    register("pve-tag", v -> matches(TAG, v) ? null : "invalid characters in tag\n");
    register(
        "pve-task-status-type",
        v -> matches(TASK_STATUS, v) ? null : "invalid status '" + v + "'\n");
    // pve-access-control AccessControl.pm
    register("pve-poolid", Formats::verifyPoolname);
    // pve-storage Plugin.pm
    register(
        "pve-storage-content",
        v ->
            v.equals("import") || CONTENT_TYPES.contains(v)
                ? null
                : "invalid content type '" + v + "'\n");
    register(
        "pve-volume-id",
        v -> matches(VOLUME_ID, v) ? null : "unable to parse volume ID '" + v + "'\n");
    register("timezone", Formats::verifyTimezone);
    // pve-container LXC/Config.pm
    register("lxc-ip-with-ll-iface", Formats::verifyIpWithLlIface);
    register("pve-ct-timezone", v -> v.equals("host") ? null : verifyTimezone(v));
    register("pve-lxc-dev-string", Formats::verifyLxcDevString);
  }

  /**
   * {@code JSONSchema.pm pve_verify_timezone}: {@code UTC} or a name from zone.tab, compared with
   * {@code eq} (so no trailing newline).
   */
  private static String verifyTimezone(String tz) {
    return tz.equals("UTC") || ZONE_TAB.contains(tz) ? null : "invalid time zone '" + tz + "'\n";
  }

  private static final Pattern DEV_DOTS = Pattern.compile("/\\.\\.?(?:/|$)", Pattern.UNIX_LINES);
  private static final Pattern DEV_PREFIX = Pattern.compile("^/dev/");

  /**
   * {@code LXC/Config.pm verify_lxc_dev_string}: under {@code /dev/}, no {@code /./} or {@code
   * /../} and no {@code /.} or {@code /..} at the end.
   */
  private static String verifyLxcDevString(String dev) {
    if (DEV_DOTS.matcher(dev).find() || !DEV_PREFIX.matcher(dev).find()) {
      return dev + " is not a valid device path\n";
    }
    return null;
  }

  private static Set<String> zoneTab() {
    try (var in = Formats.class.getResourceAsStream("zone-tab-names.txt")) {
      if (in == null) {
        throw new IllegalStateException("zone-tab-names.txt missing from the classpath");
      }
      Set<String> names = new java.util.HashSet<>();
      for (String line :
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.strip());
        }
      }
      return Set.copyOf(names);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void register(String name, Function<String, String> verifier) {
    if (REGISTRY.putIfAbsent(name, verifier) != null) {
      throw new IllegalStateException("JSON schema format '" + name + "' already registered");
    }
  }

  static boolean known(String format) {
    return REGISTRY.containsKey(baseName(format));
  }

  private static String baseName(String format) {
    if (format.endsWith("-list")) {
      return format.substring(0, format.length() - 5);
    }
    if (format.endsWith("-opt")) {
      return format.substring(0, format.length() - 4);
    }
    return format;
  }

  /**
   * {@code check_format}: {@code NAME-list} checks every item of {@code split_list} (an empty list
   * is fine), {@code NAME-opt} checks only a true value. Returns null or the die text.
   */
  static String check(String format, String value) {
    Function<String, String> verifier = REGISTRY.get(baseName(format));
    if (verifier == null) {
      throw new IllegalArgumentException("undefined format '" + format + "'");
    }
    if (format.endsWith("-list")) {
      for (String item : splitList(value)) {
        String err = verifier.apply(item);
        if (err != null) {
          return err;
        }
      }
      return null;
    }
    if (format.endsWith("-opt")) {
      return perlTrue(value) ? verifier.apply(value) : null;
    }
    return verifier.apply(value);
  }

  private static boolean perlTrue(String v) {
    return !v.isEmpty() && !v.equals("0");
  }

  /**
   * {@code ParseUtils::split_list}: NUL-separated if the text has a NUL, else {@code ,} {@code ;}
   * and whitespace separate; Perl's {@code split} drops trailing empty fields.
   */
  static List<String> splitList(String text) {
    if (text.indexOf('\0') >= 0) {
      return perlSplit(text, "\0");
    }
    String t = text.replaceAll("[,;]", " ").replaceFirst("^\\s+", "");
    return perlSplit(t, "\\s+");
  }

  /** Perl {@code split /re/, $text}: leading empty fields stay, trailing ones go. */
  static List<String> perlSplit(String text, String regex) {
    if (text.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(Arrays.asList(text.split(regex, -1)));
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  /** {@code JSONSchema.pm parse_id}, the check behind {@code pve-storage-id}. */
  private static String parseId(String id, String type) {
    if (id.length() < 2) {
      return type + " ID '" + id + "' cannot be shorter than 2 characters\n";
    }
    if (!matches(ID, id)) {
      return type + " ID '" + id + "' contains illegal characters\n";
    }
    return null;
  }

  /** {@code AccessControl.pm verify_poolname}. */
  private static String verifyPoolname(String name) {
    if (perlSplit(name, "/").size() > 3) {
      return "pool name '" + name + "' nested too deeply (max levels = 3)\n";
    }
    if (!matches(POOLID, name)) {
      return "pool name '" + name + "' contains invalid characters\n";
    }
    return null;
  }

  /** {@code JSONSchema.pm pve_parse_startup_order}; a false value ("" or "0") does not parse. */
  private static boolean parseStartupOrder(String value) {
    if (!perlTrue(value)) {
      return false;
    }
    for (String p : perlSplit(value, ",")) {
      if (matches(SPACES, p)) {
        continue;
      }
      if (!matches(ORDER, p) && !matches(UP, p) && !matches(DOWN, p)) {
        return false;
      }
    }
    return true;
  }

  /** {@code LXC/Config.pm verify_ip_with_ll_iface}: {@code fe80::1%eth0} or any IP address. */
  private static String verifyIpWithLlIface(String addr) {
    var m = LL_ADDR.matcher(addr);
    if (matches(LL_ADDR, addr)
        && m.find()
        && matches(IP, m.group(1))
        && matches(IFACE, m.group(2))) {
      return null;
    }
    return REGISTRY.get("ip").apply(addr);
  }
}
