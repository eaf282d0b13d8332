package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedLayoutTest {

  private static List<String> texts(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  @Test
  void defaultLayout_matchesTheSeedSpec() {
    try (ProxmoxSimulator sim = SimTestSupport.start()) {
      SimClient c = new SimClient(sim);
      assertThat(texts(c.get("/nodes").data(), "node")).containsExactly("pve");
      JsonNode storages = c.get("/nodes/pve/storage").data();
      assertThat(texts(storages, "storage"))
          .containsExactly(
              "local",
              "clients-main",
              "vzdump-backups",
              "clients-backup",
              "t7-backup",
              "iso-store");
      assertThat(texts(storages, "content"))
          .containsExactly(
              "vztmpl,iso", "rootdir,images", "backup", "rootdir,images", "backup", "iso,vztmpl");
      JsonNode cfg = c.get("/storage").data();
      assertThat(cfg)
          .anyMatch(
              n ->
                  n.get("storage").asText().equals("vzdump-backups")
                      && n.get("prune-backups").asText().equals("keep-last=7"));
      assertThat(texts(c.get("/pools").data(), "poolid"))
          .containsExactly("ClientPods", "MigraTeck_Production");

      JsonNode t = c.get("/nodes/pve/lxc/9000/config").data();
      assertThat(t.get("hostname").asText()).isEqualTo("cloudpod-template");
      assertThat(t.get("cores").asInt()).isEqualTo(2);
      assertThat(t.get("memory").asInt()).isEqualTo(2048);
      assertThat(t.get("swap").asInt()).isEqualTo(512);
      assertThat(t.get("rootfs").asText()).isEqualTo("clients-main:basevol-9000-disk-0,size=8G");
      assertThat(t.get("unprivileged").asInt()).isEqualTo(1);
      assertThat(t.get("features").asText()).isEqualTo("nesting=1");
      assertThat(t.get("net0").asText()).contains("bridge=vmbr0");
      assertThat(t.get("template").asInt()).isEqualTo(1);

      JsonNode prod = c.get("/pools?poolid=MigraTeck_Production").data().get(0);
      List<String> names = texts(prod.get("members"), "name");
      assertThat(names)
          .containsExactlyInAnyOrder("mail-core", "dns-core", "mpanel-core", "db-core");
      assertThat(prod.get("members"))
          .allMatch(
              m ->
                  m.get("vmid").asInt() >= 100
                      && m.get("vmid").asInt() <= 499
                      && m.get("status").asText().equals("running"));
      JsonNode client = c.get("/pools/ClientPods").data();
      assertThat(client.get("members").get(0).get("vmid").asInt()).isEqualTo(9000);
      JsonNode lxc = c.get("/nodes/pve/lxc").data();
      assertThat(lxc.get(0).get("vmid").isInt()).isTrue();
      assertThat(LockTest.find(lxc, 9000).get("template").asInt()).isEqualTo(1);
      assertThat(LockTest.find(lxc, 101).has("template")).isFalse();
    }
  }

  @Test
  void extraNodes_haveOwnStorageAndTemplate() {
    try (ProxmoxSimulator sim = ProxmoxSimulator.start(SimTestSupport.fast().nodes(3).build())) {
      SimClient c = new SimClient(sim);
      assertThat(texts(c.get("/nodes").data(), "node")).containsExactly("pve", "pve-02", "pve-03");
      assertThat(texts(c.get("/nodes/pve-02/storage").data(), "storage"))
          .containsExactly("local", "clients-main", "vzdump-backups");
      assertThat(c.get("/nodes/pve-03/lxc/8903/config").data().get("rootfs").asText())
          .isEqualTo("clients-main:basevol-8903-disk-0,size=8G");
      String upid = c.upid(c.post("/nodes/pve-02/lxc/8902/clone", "newid", "9101"));
      assertThat(upid).startsWith("UPID:pve-02:");
      assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
      assertThat(c.get("/nodes/pve/lxc/9101/config").code()).isEqualTo(500);
      JsonNode cfg = c.get("/storage").data();
      // the backup dir storage is on every node (no 'nodes' list), the seed's extras on pve only
      assertThat(cfg)
          .anyMatch(n -> n.get("storage").asText().equals("vzdump-backups") && !n.has("nodes"));
      assertThat(cfg)
          .anyMatch(
              n ->
                  n.get("storage").asText().equals("t7-backup")
                      && n.get("nodes").asText().equals("pve"));
    }
  }

  @Test
  void emptyScenario_hasStoragesAndPoolsButNoGuests() {
    try (ProxmoxSimulator sim =
        ProxmoxSimulator.start(SimTestSupport.fast().scenario(Scenario.EMPTY).build())) {
      SimClient c = new SimClient(sim);
      assertThat(c.get("/cluster/resources?type=vm").data()).isEmpty();
      assertThat(c.get("/pools").data()).hasSize(2);
      assertThat(c.get("/nodes/pve/storage").data()).hasSize(6);
      assertThat(c.get("/cluster/nextid").data().asText()).isEqualTo("100");
    }
  }

  @Test
  void oldPveVersion_listsVmidAsString() {
    try (ProxmoxSimulator sim =
        ProxmoxSimulator.start(SimTestSupport.fast().pveVersion("8.1.4").build())) {
      SimClient c = new SimClient(sim);
      JsonNode lxc = c.get("/nodes/pve/lxc").data();
      assertThat(lxc.get(0).get("vmid").isTextual()).isTrue();
      assertThat(c.get("/version").data().get("release").asText()).isEqualTo("8.1");
    }
  }
}
