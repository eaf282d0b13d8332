package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parameter checks through HTTP as the real schema checker does them: {@code requires}, the formats
 * of the routes' parameters, and the order in which a property's checks run.
 */
class ParameterCheckTest {
  static final String TEMPLATE = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
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

  private static JsonNode errors(SimClient.Reply r) {
    assertThat(r.code()).as(r.body()).isEqualTo(400);
    assertThat(r.reason()).isEqualTo("Parameter verification failed.");
    return r.json().get("errors");
  }

  private static String error(SimClient.Reply r, String param) {
    JsonNode e = errors(r).get(param);
    assertThat(e).as(param + " in " + r.body()).isNotNull();
    return e.asText();
  }

  // ---- requires ----

  @Test
  void vzdump_notesTemplateOrProtectedWithoutStorage_nameTheMissingPartner() {
    SimClient.Reply notes =
        c.post("/nodes/pve/vzdump", "vmid", "101", "notes-template", "{{guestname}}");
    assertThat(error(notes, "storage")).isEqualTo("missing property required by 'notes-template'");
    assertThat(errors(notes).size()).isEqualTo(1);

    SimClient.Reply prot = c.post("/nodes/pve/vzdump", "vmid", "101", "protected", "1");
    assertThat(error(prot, "storage")).isEqualTo("missing property required by 'protected'");

    // a second text for the same parameter is joined with a literal backslash-n (add_error)
    SimClient.Reply both =
        c.post("/nodes/pve/vzdump", "vmid", "101", "notes-template", "x", "protected", "0");
    assertThat(error(both, "storage"))
        .isEqualTo(
            "missing property required by 'notes-template'\\n"
                + "missing property required by 'protected'");
  }

  @Test
  void requires_isCheckedEvenWhenTheValueItselfIsBad_andReportedWithOtherErrors() {
    SimClient.Reply r =
        c.post("/nodes/pve/vzdump", "vmid", "101", "protected", "yes", "mode", "fast");
    JsonNode e = errors(r);
    assertThat(e.get("protected").asText()).isEqualTo("type check ('boolean') failed - got 'yes'");
    assertThat(e.get("storage").asText()).isEqualTo("missing property required by 'protected'");
    assertThat(e.get("mode").asText())
        .isEqualTo(
            "value 'fast' does not have a value in the enumeration 'snapshot, suspend, stop'");
  }

  @Test
  void vzdump_withStorage_passesTheSchema() {
    SimClient.Reply r =
        c.post(
            "/nodes/pve/vzdump",
            "vmid",
            "101",
            "storage",
            "t7-backup",
            "notes-template",
            "{{guestname}}",
            "protected",
            "1");
    assertThat(r.code()).as(r.body()).isEqualTo(200);
    assertThat(c.run(r)).isEqualTo("OK");
  }

  @Test
  void create_uniqueWithoutRestore_namesRestore() {
    SimClient.Reply r =
        c.post("/nodes/pve/lxc", "vmid", "9700", "ostemplate", TEMPLATE, "unique", "1");
    assertThat(error(r, "restore")).isEqualTo("missing property required by 'unique'");
    assertThat(sim.guest(9700)).isEmpty();
  }

  @Test
  void poolsIndex_typeWithoutPoolid_namesPoolid() {
    assertThat(error(c.get("/pools?type=lxc"), "poolid"))
        .isEqualTo("missing property required by 'type'");
    assertThat(c.get("/pools?poolid=ClientPods&type=lxc").code()).isEqualTo(200);
  }

  // ---- formats ----

  @Test
  void vmid_leadingZeroPlusSignAndTwoDigits_areInvalidFormat() {
    String text = "invalid format - value does not look like a valid VM ID\n";
    for (String v : new String[] {"0100", "+100", "99", "1000000000"}) {
      assertThat(error(c.post("/nodes/pve/lxc", "vmid", v, "ostemplate", TEMPLATE), "vmid"))
          .as(v)
          .isEqualTo(text);
    }
    // the type check comes first
    assertThat(error(c.get("/cluster/nextid?vmid=abc"), "vmid"))
        .isEqualTo("type check ('integer') failed - got 'abc'");
    // the format decides before minimum/maximum can
    assertThat(error(c.get("/cluster/nextid?vmid=99"), "vmid")).isEqualTo(text);
    assertThat(error(c.get("/nodes/pve/lxc/0100/config"), "vmid")).isEqualTo(text);
    assertThat(error(c.post("/nodes/pve/lxc/9000/clone", "newid", "+9701"), "newid"))
        .isEqualTo(text);
    assertThat(sim.guest(9701)).isEmpty();
  }

  @Test
  void vmidLists_checkEveryItem() {
    String text = "invalid format - value does not look like a valid VM ID\n";
    assertThat(error(c.post("/nodes/pve/vzdump", "vmid", "101,0102"), "vmid")).isEqualTo(text);
    assertThat(error(c.post("/nodes/pve/vzdump", "all", "1", "exclude", "101;99"), "exclude"))
        .isEqualTo(text);
    assertThat(error(c.put("/pools?poolid=ClientPods", "vms", "101 +102"), "vms")).isEqualTo(text);
  }

  @Test
  void storageIds_areCaseInsensitive_andShortOrIllegalOnesAreRefused() {
    // Local-ZFS is a valid id: the schema passes and the node simply has no such storage
    SimClient.Reply st = c.get("/nodes/pve/storage/Local-ZFS/status");
    assertThat(st.code()).as(st.body()).isEqualTo(500);
    assertThat(st.json().get("errors")).isNull();
    assertThat(c.get("/nodes/pve/storage?storage=Clients-Main").code()).isEqualTo(200);
    SimClient.Reply vz = c.post("/nodes/pve/vzdump", "vmid", "101", "storage", "T7-Backup");
    assertThat(vz.code()).as(vz.body()).isEqualTo(500);

    assertThat(error(c.get("/nodes/pve/storage/a/status"), "storage"))
        .isEqualTo("invalid format - storage ID 'a' cannot be shorter than 2 characters\n");
    assertThat(error(c.get("/nodes/pve/storage/local-/status"), "storage"))
        .isEqualTo("invalid format - storage ID 'local-' contains illegal characters\n");
    assertThat(
            error(
                c.post("/nodes/pve/lxc/9000/clone", "newid", "9702", "storage", "1st"), "storage"))
        .isEqualTo("invalid format - storage ID '1st' contains illegal characters\n");
    assertThat(error(c.put("/pools?poolid=ClientPods", "storage", "local,x"), "storage"))
        .isEqualTo("invalid format - storage ID 'x' cannot be shorter than 2 characters\n");
  }

  @Test
  void poolIds_followVerifyPoolname() {
    assertThat(c.post("/pools", "poolid", "1team").code()).isEqualTo(200);
    assertThat(c.post("/pools", "poolid", "_infra").code()).isEqualTo(200);
    assertThat(c.post("/pools", "poolid", "tenants/acme/prod").code()).isEqualTo(200);
    assertThat(c.get("/pools?poolid=1team").data().get(0).get("poolid").asText())
        .isEqualTo("1team");

    assertThat(error(c.post("/pools", "poolid", "bad name"), "poolid"))
        .isEqualTo("invalid format - pool name 'bad name' contains invalid characters\n");
    assertThat(error(c.post("/pools", "poolid", "x:y"), "poolid"))
        .isEqualTo("invalid format - pool name 'x:y' contains invalid characters\n");
    assertThat(error(c.post("/pools", "poolid", "a/b/c/d"), "poolid"))
        .isEqualTo("invalid format - pool name 'a/b/c/d' nested too deeply (max levels = 3)\n");
    assertThat(
            error(
                c.post("/nodes/pve/lxc", "vmid", "9703", "ostemplate", TEMPLATE, "pool", "a b"),
                "pool"))
        .isEqualTo("invalid format - pool name 'a b' contains invalid characters\n");
    assertThat(error(c.delete("/pools?poolid=x%3Ay"), "poolid"))
        .isEqualTo("invalid format - pool name 'x:y' contains invalid characters\n");
  }

  @Test
  void nodeNames_mayBeCapitalised_butNotContainDotsOrUnderscores() {
    // a valid but unknown node is a domain error, not a parameter error
    SimClient.Reply upper = c.get("/nodes/PVE-2/status");
    assertThat(upper.code()).as(upper.body()).isEqualTo(500);
    assertThat(error(c.get("/nodes/pve_2/status"), "node"))
        .isEqualTo("invalid format - value does not look like a valid node name\n");
    assertThat(
            error(c.post("/nodes/pve/lxc/9000/clone", "newid", "9704", "target", "a.b"), "target"))
        .isEqualTo("invalid format - value does not look like a valid node name\n");
  }

  @Test
  void snapshotNames_areConfigIds_formatBeforeLength() {
    assertThat(error(c.post("/nodes/pve/lxc/9000/snapshot", "snapname", "1abc"), "snapname"))
        .isEqualTo("invalid format - invalid configuration ID '1abc'\n");
    // 41 characters that are also no config id: the format error wins
    assertThat(
            error(
                c.post("/nodes/pve/lxc/9000/snapshot", "snapname", "_" + "a".repeat(40)),
                "snapname"))
        .isEqualTo("invalid format - invalid configuration ID '_" + "a".repeat(40) + "'\n");
    assertThat(
            error(c.post("/nodes/pve/lxc/9000/snapshot", "snapname", "a".repeat(41)), "snapname"))
        .isEqualTo("value may only be 40 characters long");
    assertThat(error(c.put("/nodes/pve/lxc/9000/config", "delete", "cores,1x"), "delete"))
        .isEqualTo("invalid format - invalid configuration ID '1x'\n");
  }

  @Test
  void configFormats_tagsNameserverSearchdomainStartupHookscript() {
    String ct = "/nodes/pve/lxc/9000/config";
    assertThat(error(c.put(ct, "tags", "web;bad!"), "tags"))
        .isEqualTo("invalid format - invalid characters in tag\n");
    assertThat(error(c.put(ct, "nameserver", "1.1.1.1 8.8.8"), "nameserver"))
        .isEqualTo("invalid format - value does not look like a valid IP address\n");
    assertThat(error(c.put(ct, "searchdomain", "lan,-x"), "searchdomain"))
        .isEqualTo("invalid format - value does not look like a valid DNS name\n");
    assertThat(error(c.put(ct, "startup", "0"), "startup"))
        .isEqualTo("invalid format - unable to parse startup options\n");
    assertThat(error(c.put(ct, "hookscript", "hook.sh"), "hookscript"))
        .isEqualTo("invalid format - unable to parse volume ID 'hook.sh'\n");
    // a hostname that is too long and no DNS name fails on the format, which comes first
    assertThat(error(c.put(ct, "hostname", "-" + "a".repeat(300)), "hostname"))
        .isEqualTo("invalid format - value does not look like a valid DNS name\n");
    assertThat(error(c.put(ct, "hostname", "a".repeat(256)), "hostname"))
        .isEqualTo("value may only be 255 characters long");
  }

  @Test
  void storageContentAndTaskStatusFilters_areFormats() {
    assertThat(error(c.get("/nodes/pve/storage?content=images,disk"), "content"))
        .isEqualTo("invalid format - invalid content type 'disk'\n");
    assertThat(c.get("/nodes/pve/storage?content=none").code()).isEqualTo(200);
    assertThat(error(c.get("/nodes/pve/storage/local/content?content=disk"), "content"))
        .isEqualTo("invalid format - invalid content type 'disk'\n");
    assertThat(error(c.get("/nodes/pve/tasks?statusfilter=ok,failed"), "statusfilter"))
        .isEqualTo("invalid format - invalid status 'failed'\n");
    assertThat(c.get("/nodes/pve/tasks?statusfilter=ok,error&since=-5").code()).isEqualTo(200);
  }

  @Test
  void resize_unknownDisk_listsTheWholeEnumeration() {
    String text =
        error(c.put("/nodes/pve/lxc/9000/resize", "disk", "mp256", "size", "+1G"), "disk");
    assertThat(text)
        .startsWith("value 'mp256' does not have a value in the enumeration 'rootfs, mp0, mp1, ");
    assertThat(text).endsWith(", mp254, mp255'");
  }

  @Test
  void limitsTheRealSchemaDoesNotHave_areGone() {
    // clone and snapshot descriptions, pool comments and password have no maxLength
    SimClient.Reply r =
        c.post("/nodes/pve/lxc/9000/clone", "newid", "9705", "description", "d".repeat(9000));
    assertThat(r.code()).as(r.body()).isEqualTo(200);
    c.run(r);
    assertThat(c.post("/pools", "poolid", "long-comment", "comment", "c".repeat(5000)).code())
        .isEqualTo(200);
    SimClient.Reply z = c.post("/nodes/pve/vzdump", "vmid", "101", "zstd", "1000", "storage", "x");
    assertThat(errors(z).get("zstd")).isNull();
  }
}
