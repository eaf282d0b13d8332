package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PoolsAndBackupTest {
  ProxmoxSimulator sim;
  SimClient c;

  @BeforeEach
  void start() {
    sim = SimTestSupport.start();
    c = new SimClient(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void pools_createAddMoveRemoveDelete_inBothApiForms() {
    assertThat(c.post("/pools", "poolid", "tenant-a", "comment", "A").code()).isEqualTo(200);
    assertThat(c.post("/pools", "poolid", "tenant-a").reason())
        .isEqualTo("create pool failed: pool 'tenant-a' already exists");
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "pool", "ClientPods"));

    SimClient.Reply noMove = c.put("/pools?poolid=tenant-a", "vms", "9101");
    assertThat(noMove.reason())
        .isEqualTo(
            "update pools failed: VM 9101 belongs already to pool 'ClientPods' and "
                + "'allow-move' is not set");
    assertThat(c.put("/pools?poolid=tenant-a", "vms", "9101", "allow-move", "1").code())
        .isEqualTo(200);
    assertThat(sim.guest(9101).orElseThrow().get("pool")).isEqualTo("tenant-a");
    assertThat(c.put("/pools/tenant-a", "vms", "9101").reason())
        .isEqualTo("update pools failed: VM 9101 is already a pool member");

    assertThat(c.delete("/pools?poolid=tenant-a").reason())
        .isEqualTo("delete pool failed: pool 'tenant-a' is not empty (contains VM 9101)");
    JsonNode arr = c.get("/pools?poolid=tenant-a").data();
    assertThat(arr.isArray()).isTrue();
    assertThat(arr.get(0).get("members").get(0).get("vmid").asInt()).isEqualTo(9101);
    JsonNode obj = c.get("/pools/tenant-a").data();
    assertThat(obj.isObject()).isTrue();
    assertThat(obj.get("comment").asText()).isEqualTo("A");

    assertThat(c.put("/pools/tenant-a", "vms", "9101", "delete", "1").code()).isEqualTo(200);
    assertThat(c.delete("/pools/tenant-a").code()).isEqualTo(200);
    assertThat(c.get("/pools?poolid=tenant-a").reason())
        .isEqualTo("pool 'tenant-a' does not exist");
  }

  @Test
  void destroy_removesPoolMembership() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "pool", "ClientPods"));
    c.run(c.delete("/nodes/pve/lxc/9101?purge=1"));
    JsonNode members = c.get("/pools?poolid=ClientPods").data().get(0).get("members");
    assertThat(members).noneMatch(m -> m.get("vmid").asInt() == 9101);
  }

  @Test
  void vzdump_createsBackupContent_locksBackup_andPrunesKeepLast() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "hostname", "web-1"));
    for (int i = 0; i < 9; i++) {
      String upid =
          c.upid(
              c.post(
                  "/nodes/pve/vzdump",
                  "vmid",
                  "9101",
                  "storage",
                  "vzdump-backups",
                  "compress",
                  "zstd",
                  "mode",
                  "snapshot",
                  "notes-template",
                  "{{guestname}}"));
      assertThat(upid).contains(":vzdump:9101:");
      assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    }
    JsonNode content =
        c.get("/nodes/pve/storage/vzdump-backups/content?content=backup&vmid=9101").data();
    assertThat(content).hasSize(7);
    JsonNode b = content.get(0);
    assertThat(b.get("volid").asText())
        .matches(
            "vzdump-backups:backup/vzdump-lxc-9101-\\d{4}_\\d{2}_\\d{2}-"
                + "\\d{2}_\\d{2}_\\d{2}\\.tar\\.zst");
    assertThat(b.get("format").asText()).isEqualTo("tar.zst");
    assertThat(b.get("subtype").asText()).isEqualTo("lxc");
    assertThat(b.get("notes").asText()).isEqualTo("web-1");
    assertThat(b.get("vmid").asInt()).isEqualTo(9101);
  }

  @Test
  void vzdump_ofLockedGuest_endsWithJobErrors() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    c.sim("PUT", "/_sim/guests/9101/lock", "{\"lock\":\"snapshot\"}");
    String upid = c.upid(c.post("/nodes/pve/vzdump", "vmid", "9101", "storage", "t7-backup"));
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("job errors");
    assertThat(c.get("/nodes/pve/storage/t7-backup/content").data()).isEmpty();
  }

  @Test
  void vzdump_toStorageWithoutBackupContent_fails() {
    SimClient.Reply r = c.post("/nodes/pve/vzdump", "vmid", "101");
    assertThat(r.code()).isEqualTo(500);
    assertThat(r.reason()).isEqualTo("storage 'local' does not support backups");
  }

  @Test
  void storageContent_listsTemplatesAndVolumes() {
    JsonNode tmpl = c.get("/nodes/pve/storage/local/content?content=vztmpl").data();
    assertThat(tmpl)
        .anyMatch(
            n ->
                n.get("volid")
                    .asText()
                    .equals("local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"));
    JsonNode vols = c.get("/nodes/pve/storage/clients-main/content?vmid=9000").data();
    assertThat(vols.get(0).get("volid").asText()).isEqualTo("clients-main:basevol-9000-disk-0");
    assertThat(vols.get(0).get("size").asLong()).isEqualTo(8L << 30);
  }
}
