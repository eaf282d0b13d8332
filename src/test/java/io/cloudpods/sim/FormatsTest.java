package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every format against the regexes and die texts of its Perl verifier (pve-common JSONSchema.pm,
 * pve-access-control AccessControl.pm, pve-storage Plugin.pm, pve-container LXC/Config.pm). A row
 * is {@code format, value, expected error} where an empty error means accepted. {@code \0} in a
 * value stands for a NUL byte.
 */
class FormatsTest {

  private static String check(String format, String value) {
    return Formats.check(format, value.replace("\\0", "\0"));
  }

  private static void row(String format, String value, String error) {
    String v = value == null ? "" : value;
    assertThat(check(format, v))
        .as(format + " '" + v + "'")
        .isEqualTo(error == null ? null : error + "\n");
  }

  /** pve_verify_vmid: m/^[1-9][0-9]{2,8}$/. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "100|",
        "9001|",
        "999999999|",
        "99|value does not look like a valid VM ID",
        "0100|value does not look like a valid VM ID",
        "+100|value does not look like a valid VM ID",
        "-100|value does not look like a valid VM ID",
        "1000000000|value does not look like a valid VM ID",
        "10a|value does not look like a valid VM ID",
        "\" 100\"|value does not look like a valid VM ID",
        "\"\"|value does not look like a valid VM ID",
      })
  void pveVmid(String value, String error) {
    row("pve-vmid", value, error);
  }

  /** parse_storage_id / parse_id: length >= 2, m/^[a-z][a-z0-9\-\_\.]*[a-z0-9]$/i. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "local|",
        "local-zfs|",
        "Local-ZFS|",
        "LOCAL|",
        "clients-main|",
        "t7.backup_2|",
        "ab|",
        "a1|",
        "a|storage ID 'a' cannot be shorter than 2 characters",
        "\"\"|storage ID '' cannot be shorter than 2 characters",
        "1local|storage ID '1local' contains illegal characters",
        "_local|storage ID '_local' contains illegal characters",
        "local-|storage ID 'local-' contains illegal characters",
        "local.|storage ID 'local.' contains illegal characters",
        "lo cal|storage ID 'lo cal' contains illegal characters",
        "lo:cal|storage ID 'lo:cal' contains illegal characters",
        "lo/cal|storage ID 'lo/cal' contains illegal characters",
      })
  void pveStorageId(String value, String error) {
    row("pve-storage-id", value, error);
  }

  /**
   * verify_poolname: more than three {@code split('/')} fields is "nested too deeply", then
   * m!^[A-Za-z0-9\.\-_]+(?:/[A-Za-z0-9\.\-_]+){0,2}$!.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "ClientPods|",
        "MigraTeck_Production|",
        "1team|",
        "_team|",
        "-team|",
        ".team|",
        "t|",
        "a/b|",
        "tenants/acme/prod|",
        "a/b/c/d|pool name 'a/b/c/d' nested too deeply (max levels = 3)",
        "/a/b/c|pool name '/a/b/c' nested too deeply (max levels = 3)",
        "bad name|pool name 'bad name' contains invalid characters",
        "x:y|pool name 'x:y' contains invalid characters",
        "a//b|pool name 'a//b' contains invalid characters",
        "a/|pool name 'a/' contains invalid characters",
        "/a|pool name '/a' contains invalid characters",
        "a/b/c/|pool name 'a/b/c/' contains invalid characters",
        "tëam|pool name 'tëam' contains invalid characters",
        "\"\"|pool name '' contains invalid characters",
      })
  void pvePoolid(String value, String error) {
    row("pve-poolid", value, error);
  }

  /** pve_verify_node_name: m/^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$/. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "pve|",
        "PVE-01|",
        "Node7|",
        "1|",
        "pve-2|",
        "-pve|value does not look like a valid node name",
        "pve-|value does not look like a valid node name",
        "pve_1|value does not look like a valid node name",
        "pve.example.com|value does not look like a valid node name",
        "\"\"|value does not look like a valid node name",
      })
  void pveNode(String value, String error) {
    row("pve-node", value, error);
  }

  /** pve_verify_configid: m/^[a-z][a-z0-9_-]+$/i (snapshot names, delete/revert keys). */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "before-upgrade|",
        "Snap_1|",
        "ab|",
        "a|invalid configuration ID 'a'",
        "1abc|invalid configuration ID '1abc'",
        "_ab|invalid configuration ID '_ab'",
        "a.b|invalid configuration ID 'a.b'",
      })
  void pveConfigid(String value, String error) {
    row("pve-configid", value, error);
  }

  /**
   * check_format's -list: every item of split_list (NUL-separated when there is a NUL, else {@code
   * , ; whitespace}); an empty list is valid.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "pve-vmid-list|100|",
        "pve-vmid-list|100,101;102 103|",
        "pve-vmid-list|100,,101|",
        "pve-vmid-list|\" 100 \"|",
        "pve-vmid-list|\"\"|",
        "pve-vmid-list|100\\0101|",
        "pve-vmid-list|100,0100|value does not look like a valid VM ID",
        "pve-vmid-list|100,+101|value does not look like a valid VM ID",
        "pve-vmid-list|100,abc|value does not look like a valid VM ID",
        "pve-vmid-list|100\\0\\0101|value does not look like a valid VM ID",
        "pve-vmid-list|100\\0101 102|value does not look like a valid VM ID",
        "pve-storage-id-list|local,Local-ZFS|",
        "pve-storage-id-list|local;a|storage ID 'a' cannot be shorter than 2 characters",
        "pve-node-list|pve,PVE-2|",
        "pve-node-list|pve,pve_2|value does not look like a valid node name",
        "pve-configid-list|cores,memory net0|",
        "pve-configid-list|cores,1x|invalid configuration ID '1x'",
        "pve-tag-list|web;Managed,x+y|",
        "pve-tag-list|web;bad!|invalid characters in tag",
        "dns-name-list|example.com lan|",
        "dns-name-list|example.com,-bad|value does not look like a valid DNS name",
        "pve-storage-content-list|images,rootdir,none,import|",
        "pve-storage-content-list|images,disk|invalid content type 'disk'",
        "pve-task-status-type-list|ok,Error,WARNING,unknown|",
        "pve-task-status-type-list|ok,failed|invalid status 'failed'",
        "email-or-username-list|root,ops@example.com|",
        "email-or-username-list|root ops@|"
            + "value does not look like a valid email address or user name",
        "lxc-ip-with-ll-iface-list|1.1.1.1,8.8.8.8 2606:4700::1111|",
        "lxc-ip-with-ll-iface-list|fe80::1%eth0|",
        "lxc-ip-with-ll-iface-list|1.1.1.1;256.1.1.1|value does not look like a valid IP address",
        "lxc-ip-with-ll-iface-list|fe80::1%-x|value does not look like a valid IP address",
      })
  void lists(String format, String value, String error) {
    row(format, value, error);
  }

  /** The other formats the implemented routes name. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "dns-name|web-1|",
        "dns-name|web-1.example.com|",
        "dns-name|-web|value does not look like a valid DNS name",
        "dns-name|web_1|value does not look like a valid DNS name",
        "dns-name|web.|value does not look like a valid DNS name",
        "pve-storage-content|backup|",
        "pve-storage-content|import|",
        "pve-storage-content|Backup|invalid content type 'Backup'",
        "pve-startup-order|1|",
        "pve-startup-order|order=1,up=30,down=60|",
        "pve-startup-order|up=5,|",
        "pve-startup-order|0|unable to parse startup options",
        "pve-startup-order|\"\"|unable to parse startup options",
        "pve-startup-order|order=-1|unable to parse startup options",
        "pve-startup-order|first=1|unable to parse startup options",
        "pve-volume-id|local:snippets/hook.sh|",
        "pve-volume-id|Local-ZFS:snippets/hook.sh|",
        "pve-volume-id|hook.sh|unable to parse volume ID 'hook.sh'",
        "pve-volume-id|1x:snippets/hook.sh|unable to parse volume ID '1x:snippets/hook.sh'",
        "ip|10.0.0.1|",
        "ip|::1|",
        "ip|2001:db8::10:1|",
        "ip|::ffff:10.0.0.1|",
        "ip|10.0.0|value does not look like a valid IP address",
        "ip|01.0.0.1|value does not look like a valid IP address",
        "ip|2001:db8:::1|value does not look like a valid IP address",
        "pve-iface|eth0|",
        "pve-iface|vmbr0.20|",
        "pve-iface|e|invalid network interface name 'e'",
        "pve-tag|x_1.a+b-c|",
        "pve-tag|-x|invalid characters in tag",
        "email-or-username|root|",
        "email-or-username|first.last@example.com|",
        "email-or-username|@example.com|"
            + "value does not look like a valid email address or user name",
      })
  void otherFormats(String format, String value, String error) {
    row(format, value, error);
  }

  /**
   * Perl's {@code $} matches before a final newline: every format checked with {@code m/^...$/}
   * takes a value with one trailing newline; those that compare with {@code eq} or look the value
   * up in a hash do not. {@code \\n} in a row stands for a newline.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "pve-vmid|100\\n|",
        "pve-vmid|100\\n\\n|value does not look like a valid VM ID",
        "pve-vmid|\\n100|value does not look like a valid VM ID",
        "pve-vmid|10\\n0|value does not look like a valid VM ID",
        "pve-node|pve\\n|",
        "pve-storage-id|Local-ZFS\\n|",
        "pve-storage-id|a\\n|storage ID 'a\\n' contains illegal characters",
        "pve-configid|snap1\\n|",
        "pve-poolid|team/web\\n|",
        "pve-poolid|a/b/c/d\\n|pool name 'a/b/c/d\\n' nested too deeply (max levels = 3)",
        "dns-name|web-1.example.com\\n|",
        "pve-tag|web\\n|",
        "pve-iface|eth0\\n|",
        "ip|10.0.0.1\\n|",
        "email-or-username|root\\n|",
        "pve-task-status-type|ok\\n|",
        "pve-volume-id|local:snippets/hook.sh\\n|",
        "pve-volume-id|local:\\n|unable to parse volume ID 'local:\\n'",
        "pve-startup-order|order=1,up=30\\n|",
        "lxc-ip-with-ll-iface|fe80::1%eth0\\n|",
        "pve-storage-content|backup\\n|invalid content type 'backup\\n'",
        "timezone|UTC\\n|invalid time zone 'UTC\\n'",
        "pve-ct-timezone|host\\n|invalid time zone 'host\\n'",
      })
  void trailingNewline_passesRegexChecks_butNotEqualityChecks(
      String format, String value, String error) {
    row(format, value.replace("\\n", "\n"), error == null ? null : error.replace("\\n", "\n"));
  }

  /** The same values, checked as if {@code $} matched only at the very end. */
  @Test
  void strictEnd_tellsWhichValuesPassedOnlyThanksToTheNewline() {
    assertThat(Formats.strictEnd(() -> Formats.check("pve-vmid", "100\n")))
        .isEqualTo("value does not look like a valid VM ID\n");
    assertThat(Formats.strictEnd(() -> Formats.check("pve-vmid", "100"))).isNull();
    // a list splits at whitespace, so its newline is a separator, not part of an item
    assertThat(Formats.strictEnd(() -> Formats.check("pve-vmid-list", "100\n"))).isNull();
    assertThat(Formats.check("pve-vmid", "100\n")).isNull();
  }

  /** The type, pattern and enumeration checks of check_prop. */
  @Test
  void trailingNewline_integerNumberAndPattern_pass_booleanAndEnum_doNot() {
    assertThat(Schema.integer(1, 8192).apply("4\n")).isNull();
    assertThat(Schema.integer(1, 8192).apply("0\n"))
        .isEqualTo("value must have a minimum value of 1");
    assertThat(Schema.number(0, 8192).apply("1.5\n")).isNull();
    assertThat(Schema.pattern("0[0-7]{3}").apply("0660\n")).isNull();
    assertThat(Schema.bool().apply("1\n")).isEqualTo("type check ('boolean') failed - got '1\n'");
    assertThat(Schema.enumOf("snapshot", "stop").apply("stop\n"))
        .isEqualTo("value 'stop\n' does not have a value in the enumeration 'snapshot, stop'");
    assertThat(Schema.string(0, 3).apply("abc\n")).isEqualTo("value may only be 3 characters long");
  }

  /**
   * pve_verify_timezone: {@code UTC} or a zone.tab name, compared with eq; pve-container's
   * pve-ct-timezone also takes {@code host}.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "timezone|UTC|",
        "timezone|Europe/Berlin|",
        "timezone|America/Argentina/Buenos_Aires|",
        "timezone|host|invalid time zone 'host'",
        "timezone|utc|invalid time zone 'utc'",
        "timezone|Etc/UTC|invalid time zone 'Etc/UTC'",
        "timezone|GMT|invalid time zone 'GMT'",
        "timezone|US/Eastern|invalid time zone 'US/Eastern'",
        "timezone|europe/berlin|invalid time zone 'europe/berlin'",
        "timezone|\"\"|invalid time zone ''",
        "pve-ct-timezone|host|",
        "pve-ct-timezone|UTC|",
        "pve-ct-timezone|Asia/Tokyo|",
        "pve-ct-timezone|Host|invalid time zone 'Host'",
        "pve-ct-timezone|Mars/Olympus|invalid time zone 'Mars/Olympus'",
      })
  void timezones(String format, String value, String error) {
    row(format, value, error);
  }

  /** verify_lxc_dev_string: under /dev/, no /./ or /../ and no /. or /.. at the end. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "/dev/null|",
        "/dev/dri/renderD128|",
        "/dev/net/tun|",
        "/dev/..hidden|",
        "/dev/../etc/shadow|/dev/../etc/shadow is not a valid device path",
        "/dev/./null|/dev/./null is not a valid device path",
        "/dev/dri/..|/dev/dri/.. is not a valid device path",
        "/etc/passwd|/etc/passwd is not a valid device path",
        "dev/null|dev/null is not a valid device path",
      })
  void lxcDevicePaths(String value, String error) {
    row("pve-lxc-dev-string", value, error);
  }

  @Test
  void optFormat_checksOnlyATrueValue() {
    assertThat(Formats.check("pve-vmid-opt", "")).isNull();
    assertThat(Formats.check("pve-vmid-opt", "0")).isNull();
    assertThat(Formats.check("pve-vmid-opt", "12"))
        .isEqualTo("value does not look like a valid VM ID\n");
  }

  @Test
  void unknownFormat_isAProgrammingError() {
    assertThatThrownBy(() -> Formats.check("pve-nonsense", "x"))
        .hasMessage("undefined format 'pve-nonsense'");
    assertThatThrownBy(() -> Schema.format("pve-nonsense"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void splitList_followsPerlSplit() {
    assertThat(Formats.splitList(" 100, 101;;102\t103 "))
        .containsExactly("100", "101", "102", "103");
    assertThat(Formats.splitList("")).isEmpty();
    assertThat(Formats.splitList(",")).isEmpty();
    assertThat(Formats.splitList("\0a\0\0")).containsExactly("", "a");
  }
}
