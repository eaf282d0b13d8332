package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parameter schema of one API method, checked the way pve-common's JSONSchema does: every problem
 * is collected per parameter and reported together as a 400 with an {@code errors} map.
 */
final class Schema {
  /** Validates one value; returns the error text or null. */
  interface Check extends Function<String, String> {}

  /**
   * One property: a {@code requires} names the partner that must be present whenever this one is
   * ({@code check_object} then reports "missing property required by 'X'" under the partner).
   */
  private record Prop(boolean required, Check check, String requires) {}

  private record Family(Pattern pattern, int max, Function<String, Check> check) {}

  private final Map<String, Prop> props = new LinkedHashMap<>();
  private final List<Family> families = new ArrayList<>();
  private final List<Function<Map<String, String>, Map<String, String>>> rules = new ArrayList<>();

  Schema copy() {
    Schema s = new Schema();
    s.props.putAll(props);
    s.families.addAll(families);
    s.rules.addAll(rules);
    return s;
  }

  /**
   * A check the method's own code makes with {@code raise_param_exc} once the schema has passed
   * (e.g. vzdump's "option conflicts with option 'vmid'"): returns the errors, empty if none.
   */
  Schema then(Function<Map<String, String>, Map<String, String>> rule) {
    rules.add(rule);
    return this;
  }

  Schema add(String name, boolean required, Check check) {
    props.put(name, new Prop(required, check, null));
    return this;
  }

  /** Marks {@code name} (already declared) as requiring {@code partner}, like the schema key. */
  Schema requires(String name, String partner) {
    Prop p = props.get(name);
    if (p == null || !props.containsKey(partner)) {
      throw new IllegalArgumentException(name + " requires " + partner + ": both must be declared");
    }
    props.put(name, new Prop(p.required, p.check, partner));
    return this;
  }

  Schema opt(String name, Check check) {
    return add(name, false, check);
  }

  Schema req(String name, Check check) {
    return add(name, true, check);
  }

  /** Indexed keys such as {@code net0..net31}. */
  Schema family(String prefix, int max, Function<String, Check> check) {
    families.add(new Family(Pattern.compile(Pattern.quote(prefix) + "(\\d+)"), max, check));
    return this;
  }

  boolean knows(String key) {
    return props.containsKey(key) || familyOf(key) != null;
  }

  private Family familyOf(String key) {
    for (Family f : families) {
      Matcher m = f.pattern.matcher(key);
      if (m.matches()
          && m.group(1).length() < 6
          && Integer.parseInt(m.group(1)) <= f.max
          && (m.group(1).equals("0") || !m.group(1).startsWith("0"))) {
        return f;
      }
    }
    return null;
  }

  /** Returns the parameters if they are valid, else throws the 400. */
  Map<String, String> validate(Map<String, String> raw) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      Prop p = props.get(e.getKey());
      Check check;
      if (p != null) {
        check = p.check;
      } else {
        Family f = familyOf(e.getKey());
        if (f == null) {
          errors.put(e.getKey(), PropertyStrings.NOT_IN_SCHEMA);
          continue;
        }
        check = f.check.apply(e.getKey());
      }
      String err = check.apply(e.getValue());
      if (err != null) {
        errors.put(e.getKey(), err);
      }
    }
    props.forEach(
        (name, p) -> {
          if (p.required && !raw.containsKey(name) && !errors.containsKey(name)) {
            errors.put(name, PropertyStrings.MISSING);
          }
        });
    // check_object: for every given key whose schema has a requires, an absent partner gets the
    // error; add_error joins a second text with a literal backslash-n (single-quoted '\n' in
    // Perl). Perl walks the keys in hash order; here they go in the order they came.
    for (String key : raw.keySet()) {
      Prop p = props.get(key);
      if (p != null && p.requires != null && !raw.containsKey(p.requires)) {
        String text = "missing property required by '" + key + "'";
        errors.merge(p.requires, text, (a, b) -> a + "\\n" + b);
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.params(errors);
    }
    for (var rule : rules) {
      Map<String, String> found = rule.apply(raw);
      if (!found.isEmpty()) {
        throw ApiException.params(found);
      }
    }
    refuseNewlineLeniency(raw);
    return raw;
  }

  /**
   * pve-common checks formats, patterns and number types with {@code m/^...$/}, whose {@code $}
   * also matches before a final newline: {@code "100\n"} is a valid {@code pve-vmid}. The schema
   * above accepts such values as the real one does; what each method then does with the newline (a
   * config write dies, a lookup finds nothing, ...) is not simulated, so the call stops here with a
   * 500 that names the parameter instead of running the handler on a value it cannot use.
   */
  private void refuseNewlineLeniency(Map<String, String> raw) {
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (!e.getValue().endsWith("\n")) {
        continue;
      }
      Check check = checkOf(e.getKey());
      if (check != null && Formats.strictEnd(() -> check.apply(e.getValue())) != null) {
        throw ApiException.fail(
            "parameter '"
                + e.getKey()
                + "' ends in a newline: Proxmox's schema check accepts that (Perl's $ matches"
                + " before a final newline), what the method then does with it is not simulated");
      }
    }
  }

  private Check checkOf(String key) {
    Prop p = props.get(key);
    if (p != null) {
      return p.check;
    }
    Family f = familyOf(key);
    return f == null ? null : f.check.apply(key);
  }

  // ---- value checks ----

  static Check any() {
    return v -> null;
  }

  /** {@code is_integer}: {@code m/^[+-]?\d+$/}. */
  private static final Pattern IS_INTEGER = Formats.perl("[+-]?\\d{1,18}");

  /** {@code is_number}, after {@code man perlretut}. */
  private static final Pattern IS_NUMBER =
      Formats.perl("[+-]?(\\d+\\.\\d+|\\d+\\.|\\.\\d+|\\d+)([eE][+-]?\\d+)?");

  /** The number Perl reads from a string that passed {@code is_integer}/{@code is_number}. */
  private static String numeric(String v) {
    return v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
  }

  static Check integer(long min, long max) {
    return v -> {
      if (!Formats.matches(IS_INTEGER, v)) {
        return "type check ('integer') failed - got '" + v + "'";
      }
      long n = Long.parseLong(numeric(v));
      if (n < min) {
        return "value must have a minimum value of " + min;
      }
      if (n > max) {
        return "value must have a maximum value of " + max;
      }
      return null;
    };
  }

  static Check number(double min, double max) {
    return v -> {
      if (!Formats.matches(IS_NUMBER, v)) {
        return "type check ('number') failed - got '" + v + "'";
      }
      double n = Double.parseDouble(numeric(v));
      if (n < min) {
        return "value must have a minimum value of " + fmt(min);
      }
      if (n > max) {
        return "value must have a maximum value of " + fmt(max);
      }
      return null;
    };
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static Check bool() {
    return v ->
        v.equals("0") || v.equals("1") ? null : "type check ('boolean') failed - got '" + v + "'";
  }

  static Check string(int minLen, int maxLen) {
    return v -> {
      if (v.length() > maxLen) {
        return "value may only be " + maxLen + " characters long";
      }
      if (v.length() < minLen) {
        return "value must be at least " + minLen + " characters long";
      }
      return null;
    };
  }

  /**
   * A registered format ({@link Formats}), {@code NAME-list} for lists: the error is {@code invalid
   * format - } and the verifier's text.
   */
  static Check format(String name) {
    if (!Formats.known(name)) {
      throw new IllegalArgumentException("undefined format '" + name + "'");
    }
    return v -> {
      String e = Formats.check(name, v);
      return e == null ? null : "invalid format - " + e;
    };
  }

  /**
   * The checks of one property in {@code check_prop}'s order (type, format, pattern, maxLength,
   * minLength, maximum/minimum, enum); the first failing one is the property's error.
   */
  static Check all(Check... checks) {
    return v -> {
      for (Check c : checks) {
        String e = c.apply(v);
        if (e != null) {
          return e;
        }
      }
      return null;
    };
  }

  /**
   * {@code check_prop}'s {@code $value !~ m/^$pattern$/}: the pattern is put between the anchors as
   * it is (a string pattern with a top-level {@code |} binds as in Perl).
   */
  static Check pattern(String regex) {
    Pattern p = Pattern.compile("^" + regex + "$", Pattern.UNIX_LINES);
    return v -> Formats.matches(p, v) ? null : "value does not match the regex pattern";
  }

  static Check enumOf(String... values) {
    List<String> list = List.of(values);
    return v ->
        list.contains(v)
            ? null
            : "value '"
                + v
                + "' does not have a value in the enumeration '"
                + String.join(", ", values)
                + "'";
  }

  /** Runs a throwing property-string parser and turns its 400 into the error text. */
  static Check propertyString(String name, java.util.function.Consumer<String> parser) {
    return v -> {
      try {
        parser.accept(v);
        return null;
      } catch (ApiException e) {
        return e.errors.getOrDefault(
            name, e.errors.values().stream().findFirst().orElse(e.getMessage()));
      }
    };
  }

  // standard options of JSONSchema.pm and the formats they name
  /** {@code pve-vmid}: integer, format pve-vmid, 100..999999999 (the format decides first). */
  static final Check VMID =
      all(integer(Long.MIN_VALUE, Long.MAX_VALUE), format("pve-vmid"), integer(100, 999_999_999));

  static final Check NODE = format("pve-node");
  static final Check STORAGE_ID = format("pve-storage-id");
  static final Check POOL_ID = format("pve-poolid");

  /** {@code pve-snapshot-name}: format pve-configid, maxLength 40. */
  static final Check SNAPSHOT_NAME = all(format("pve-configid"), string(0, 40));

  /** {@code hostname} of the LXC config: format dns-name, maxLength 255. */
  static final Check DNS_NAME = all(format("dns-name"), string(0, 255));
}
