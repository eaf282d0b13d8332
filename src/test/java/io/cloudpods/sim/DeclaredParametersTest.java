package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parameters the real methods declare for the version the simulator reports (pve-manager 8.2.4:
 * pve-guest-common 5.1.3 {@code VZDump/Common.pm}, pve-container 5.1.11 {@code LXC/Config.pm}),
 * including those the simulator does nothing with, and the checks the methods' code makes right
 * after the schema. Through HTTP, against the default layout.
 */
class DeclaredParametersTest {
  static ProxmoxSimulator sim;
  static SimClient c;

  @BeforeAll
  static void start() {
    sim = SimTestSupport.start();
    c = new SimClient(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static String error(SimClient.Reply r, String param) {
    assertThat(r.code()).as(r.body()).isEqualTo(400);
    JsonNode e = r.json().get("errors").get(param);
    assertThat(e).as(param + " in " + r.body()).isNotNull();
    return e.asText();
  }

  private static SimClient.Reply vzdump(String... kv) {
    return c.post("/nodes/pve/vzdump", kv);
  }

  // ---- vzdump ----

  @Test
  void vzdump_takesEveryParameterTheRealMethodDeclares_evenThoseItIgnores() {
    SimClient.Reply r =
        vzdump(
            "vmid", "102",
            "storage", "t7-backup",
            "stdexcludes", "0",
            "exclude-path", "/var/cache/?*",
            "fleecing", "enabled=1,storage=clients-main",
            "performance", "max-workers=4,pbs-entries-max=2097152",
            "pbs-change-detection-mode", "metadata",
            "notification-mode", "notification-system",
            "notification-policy", "failure",
            "notification-target", "mail-to-root",
            "tmpdir", "/var/tmp",
            "dumpdir", "/mnt/dump",
            "script", "/usr/local/bin/hook.pl",
            "stop", "0",
            "stopwait", "10",
            "quiet", "1");
    assertThat(c.run(r)).isEqualTo("OK");
  }

  @Test
  void vzdump_stdout_isOnlyForTheCommandLine() {
    assertThat(error(vzdump("vmid", "102", "storage", "t7-backup", "stdout", "1"), "stdout"))
        .isEqualTo("option is only allowed on the command line interface.");
  }

  @Test
  void vzdump_selectionConflictsAndAMissingSelection_areParameterErrors() {
    assertThat(error(vzdump("vmid", "102", "all", "1", "storage", "t7-backup"), "all"))
        .isEqualTo("option conflicts with option 'vmid'");
    assertThat(error(vzdump("vmid", "102", "exclude", "101", "storage", "t7-backup"), "exclude"))
        .isEqualTo("option conflicts with option 'vmid'");
    assertThat(error(vzdump("vmid", "102", "pool", "ClientPods", "storage", "t7-backup"), "pool"))
        .isEqualTo("option conflicts with option 'vmid'");
    assertThat(
            error(
                vzdump(
                    "vmid",
                    "102",
                    "storage",
                    "t7-backup",
                    "maxfiles",
                    "2",
                    "prune-backups",
                    "keep-last=2"),
                "prune-backups"))
        .isEqualTo("option conflicts with option 'maxfiles'");
    assertThat(error(vzdump("storage", "t7-backup"), "vmid")).isEqualTo("property is missing");
    assertThat(error(vzdump("storage", "t7-backup", "all", "0"), "vmid"))
        .isEqualTo("property is missing");
  }

  @Test
  void vzdump_notesTemplate_unknownVariablesAndEscapes_areNamedWithTheirPosition() {
    assertThat(
            error(
                vzdump("vmid", "102", "storage", "t7-backup", "notes-template", "{{guest}} a\\tb"),
                "notes-template"))
        .isEqualTo("found unknown: escape sequence '\\t' at char 11, variable 'guest' at char 4\n");
    assertThat(
            error(
                vzdump("vmid", "102", "storage", "t7-backup", "notes-template", "two\nlines"),
                "notes-template"))
        .isEqualTo("contains a line feed\n");
  }

  @Test
  void vzdump_pruneBackups_isTheRealPropertyString() {
    assertThat(
            error(
                vzdump(
                    "vmid",
                    "102",
                    "storage",
                    "t7-backup",
                    "prune-backups",
                    "keep-all=1,keep-last=3"),
                "prune-backups"))
        .isEqualTo("invalid format - keep-all cannot be set together with other options.\n");
    assertThat(
            error(
                vzdump("vmid", "102", "storage", "t7-backup", "prune-backups", "keep-last=-1"),
                "prune-backups"))
        .isEqualTo(
            "invalid format - format error\n"
                + "prune-backups.keep-last: value must have a minimum value of 0\n");
    assertThat(
            error(
                vzdump("vmid", "102", "storage", "t7-backup", "prune-backups", "keep-hours=1"),
                "prune-backups"))
        .isEqualTo("invalid format - invalid key in comma-separated list property: keep-hours\n");
    assertThat(
            c.run(
                vzdump(
                    "vmid",
                    "102",
                    "storage",
                    "t7-backup",
                    "prune-backups",
                    "keep-all=1,keep-last=0")))
        .isEqualTo("OK");
  }

  @Test
  void vzdump_fleecingWithoutStorage_isRefusedByItsValidator() {
    assertThat(
            error(
                vzdump("vmid", "102", "storage", "t7-backup", "fleecing", "enabled=1"), "fleecing"))
        .isEqualTo("invalid format - 'storage' parameter is required when 'enabled' is set\n");
  }

  // ---- LXC config ----

  @Test
  void timezone_isHostUtcOrAZoneTabName() {
    assertThat(c.put("/nodes/pve/lxc/103/config", "timezone", "Europe/Berlin").code())
        .isEqualTo(200);
    assertThat(c.get("/nodes/pve/lxc/103/config").data().get("timezone").asText())
        .isEqualTo("Europe/Berlin");
    assertThat(c.put("/nodes/pve/lxc/103/config", "timezone", "host").code()).isEqualTo(200);
    assertThat(error(c.put("/nodes/pve/lxc/103/config", "timezone", "Berlin"), "timezone"))
        .isEqualTo("invalid format - invalid time zone 'Berlin'\n");
    assertThat(c.get("/nodes/pve/lxc/103/config").data().get("timezone").asText())
        .isEqualTo("host");
  }

  @Test
  void devices_arePropertyStringsUnderDev() {
    assertThat(c.put("/nodes/pve/lxc/103/config", "dev0", "/dev/net/tun,mode=0666").code())
        .isEqualTo(200);
    assertThat(c.get("/nodes/pve/lxc/103/config").data().get("dev0").asText())
        .isEqualTo("/dev/net/tun,mode=0666");
    assertThat(error(c.put("/nodes/pve/lxc/103/config", "dev1", "/etc/shadow"), "dev1"))
        .isEqualTo(
            "invalid format - format error\n"
                + "dev1.path: invalid format - /etc/shadow is not a valid device path\n\n");
    assertThat(c.get("/nodes/pve/lxc/103/config").data().has("dev1")).isFalse();
    assertThat(error(c.put("/nodes/pve/lxc/103/config", "dev256", "/dev/null"), "dev256"))
        .isEqualTo(PropertyStrings.NOT_IN_SCHEMA);
  }

  @Test
  void entrypointEnvAndHaManaged_doNotExistBeforePve91() {
    assertThat(error(c.put("/nodes/pve/lxc/103/config", "entrypoint", "/bin/sh"), "entrypoint"))
        .isEqualTo(PropertyStrings.NOT_IN_SCHEMA);
    assertThat(error(c.put("/nodes/pve/lxc/103/config", "env", "A=1"), "env"))
        .isEqualTo(PropertyStrings.NOT_IN_SCHEMA);
    SimClient.Reply create =
        c.post(
            "/nodes/pve/lxc",
            "vmid",
            "9720",
            "ostemplate",
            ParameterCheckTest.TEMPLATE,
            "storage",
            "clients-main",
            "ha-managed",
            "1");
    assertThat(error(create, "ha-managed")).isEqualTo(PropertyStrings.NOT_IN_SCHEMA);
    assertThat(sim.guest(9720)).isEmpty();
  }

  @Test
  void entrypointEnvAndHaManaged_areDeclaredFromPve91() {
    try (ProxmoxSimulator nine =
        ProxmoxSimulator.start(SimTestSupport.fast().pveVersion("9.1.1").build())) {
      SimClient c9 = new SimClient(nine);
      assertThat(c9.put("/nodes/pve/lxc/103/config", "entrypoint", "/usr/bin/app --serve").code())
          .isEqualTo(200);
      assertThat(c9.put("/nodes/pve/lxc/103/config", "env", "LANG=C.UTF-8").code()).isEqualTo(200);
      JsonNode conf = c9.get("/nodes/pve/lxc/103/config").data();
      assertThat(conf.get("entrypoint").asText()).isEqualTo("/usr/bin/app --serve");
      assertThat(conf.get("env").asText()).isEqualTo("LANG=C.UTF-8");
      SimClient.Reply bad = c9.put("/nodes/pve/lxc/103/config", "entrypoint", "/bin/sh\u0007");
      assertThat(bad.code()).isEqualTo(400);
      assertThat(bad.json().get("errors").get("entrypoint").asText())
          .isEqualTo("value does not match the regex pattern");
      SimClient.Reply create =
          c9.post(
              "/nodes/pve/lxc",
              "vmid",
              "9721",
              "ostemplate",
              ParameterCheckTest.TEMPLATE,
              "storage",
              "clients-main",
              "ha-managed",
              "0");
      assertThat(c9.run(create)).isEqualTo("OK");
    }
  }

  // ---- Perl's $ before a final newline ----

  @Test
  void trailingNewline_passesTheSchema_andStopsBeforeTheHandlerWithA500NamingTheParameter() {
    SimClient.Reply path = c.get("/nodes/pve/lxc/103%0A/config");
    assertThat(path.code()).as(path.body()).isEqualTo(500);
    assertThat(path.reason()).startsWith("parameter 'vmid' ends in a newline");

    String digest = c.get("/nodes/pve/lxc/103/config").data().get("digest").asText();
    SimClient.Reply cores = c.put("/nodes/pve/lxc/103/config", "cores", "3\n");
    assertThat(cores.code()).as(cores.body()).isEqualTo(500);
    assertThat(cores.reason()).startsWith("parameter 'cores' ends in a newline");
    assertThat(c.get("/nodes/pve/lxc/103/config").data().get("digest").asText()).isEqualTo(digest);

    // a device path keeps its newline (the check is not end-anchored); not stored either
    SimClient.Reply dev = c.put("/nodes/pve/lxc/103/config", "dev7", "/dev/null\n");
    assertThat(dev.code()).as(dev.body()).isEqualTo(500);
    assertThat(dev.reason()).startsWith("parameter 'dev7' ends in a newline");
    assertThat(c.get("/nodes/pve/lxc/103/config").data().has("dev7")).isFalse();

    // two newlines are too many for $, as in Perl: a plain 400
    assertThat(error(c.put("/nodes/pve/lxc/103/config", "cores", "2\n\n"), "cores"))
        .isEqualTo("type check ('integer') failed - got '2\n\n'");
    // booleans compare with eq: no leniency
    assertThat(error(c.put("/nodes/pve/lxc/103/config", "onboot", "1\n"), "onboot"))
        .isEqualTo("type check ('boolean') failed - got '1\n'");
  }

  @Test
  void trailingNewline_inAPlainStringOrAList_isJustContent() {
    assertThat(c.put("/nodes/pve/lxc/103/config", "description", "line one\n").code())
        .isEqualTo(200);
    assertThat(
            c.run(vzdump("vmid", "102\n", "storage", "t7-backup", "prune-backups", "keep-all=1")))
        .isEqualTo("OK");
  }
}
