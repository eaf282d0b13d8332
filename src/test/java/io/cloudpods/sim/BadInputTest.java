package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile or malformed input never produces an internal error: always a 4xx/5xx naming the problem.
 */
class BadInputTest {
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

  private static void rejected(SimClient.Reply r) {
    assertThat(r.code()).as(r.body()).isBetween(400, 599);
    assertThat(r.reason()).doesNotContain("internal simulator error");
    if (r.code() != 401) {
      assertThat(r.json().get("message").asText()).isNotBlank();
    }
  }

  @Test
  void malformedCreateParameters_areRejectedWithoutInternalErrors() {
    String t = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
    rejected(
        c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "rootfs", "clients-main:abc"));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "rootfs", "nostorage:4"));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "rootfs", "local:4"));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "rootfs", "clients-main:0"));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", "nonsense"));
    rejected(
        c.post(
            "/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "memory", "99999999999999999999"));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "net0", ""));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "net0", "bridge=vmbr0"));
    rejected(
        c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "net0", "name=eth0,tag=5000"));
    rejected(
        c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "net0", "name=eth0,name=eth1"));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "net32", "name=eth0"));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "tags", "bad tag!"));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "features", "nesting=yes"));
    rejected(
        c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "description", "x".repeat(9000)));
    rejected(c.post("/nodes/pve/lxc", "vmid", "1000000000", "ostemplate", t));
    rejected(c.post("/nodes/pve/lxc", "vmid", "9500", "ostemplate", t, "password", "abc"));
    rejected(c.postJson("/nodes/pve/lxc", "[1,2]"));
    rejected(c.postJson("/nodes/pve/lxc", "{\"vmid\":{\"a\":1}}"));
    rejected(c.postJson("/nodes/pve/lxc", "{broken"));
    assertThat(sim.guest(9500)).isEmpty();
  }

  @Test
  void malformedOperationsOnExistingGuests_areRejectedWithoutInternalErrors() {
    rejected(c.post("/nodes/pve/lxc/9000/clone", "newid", "9000"));
    rejected(c.post("/nodes/pve/lxc/9000/clone", "newid", "9501", "target", "pve-99"));
    rejected(c.post("/nodes/pve/lxc/9000/clone", "newid", "9501", "snapname", "nosnap"));
    rejected(c.post("/nodes/pve/lxc/9000/clone", "newid", "9501", "hostname", "-bad-"));
    rejected(c.put("/nodes/pve/lxc/9000/resize", "disk", "mp0", "size", "+1G"));
    rejected(c.put("/nodes/pve/lxc/9000/resize", "disk", "rootfs", "size", "1X"));
    rejected(c.put("/nodes/pve/lxc/9000/config", "rootfs", "clients-main:other-vol,size=8G"));
    rejected(c.put("/nodes/pve/lxc/9000/config", "cores", "2", "delete", "cores"));
    rejected(c.put("/nodes/pve/lxc/9000/config", "lock", "nonsense"));
    rejected(c.post("/nodes/pve/lxc/9000/snapshot", "snapname", "1abc"));
    // snapshot deletion checks inside the task, like the real server
    assertThat(c.run(c.delete("/nodes/pve/lxc/9000/snapshot/none")))
        .isEqualTo("you can't delete a snapshot if vm is a template");
    rejected(c.post("/nodes/pve/lxc/9000/template"));
    rejected(c.post("/nodes/pve/vzdump", "vmid", "abc"));
    rejected(c.post("/nodes/pve/vzdump"));
    rejected(c.post("/nodes/pve/vzdump", "vmid", "101", "storage", "nostore"));
    rejected(c.post("/pools", "poolid", "bad name"));
    rejected(c.post("/pools", "poolid", "a/b/c/d"));
    rejected(c.put("/pools?poolid=ClientPods", "vms", "424242"));
    rejected(c.put("/pools?poolid=ClientPods", "vms", "99999999999"));
    rejected(c.post("/nodes/pve/vzdump", "vmid", "99999999999", "storage", "t7-backup"));
    rejected(c.put("/pools?poolid=ClientPods", "storage", "nostore"));
    rejected(c.delete("/pools/MigraTeck_Production"));
    rejected(c.get("/nodes/pve/storage/nostore/content"));
    rejected(c.get("/nodes/pve/tasks?limit=-1"));
    rejected(c.get("/nodes/pve/lxc/9000/config?snapshot=missing"));
    rejected(c.get("/api2/json/../../etc/passwd"));
    assertThat(sim.guest(9501)).isEmpty();
    assertThat(sim.guest(9000).orElseThrow().get("lock")).isNull();
  }
}
