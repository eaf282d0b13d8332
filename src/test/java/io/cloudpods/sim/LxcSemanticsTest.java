package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LxcSemanticsTest {
  static final String DEBIAN = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
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
  void create_existingVmid_failsWithWordingOfTheExistingGuestType() {
    SimClient.Reply ct =
        c.post("/nodes/pve/lxc", "vmid", "101", "ostemplate", DEBIAN, "rootfs", "clients-main:2");
    assertThat(ct.code()).isEqualTo(500);
    assertThat(ct.reason()).isEqualTo("CT 101 already exists on node 'pve'");
    SimClient.Reply vm = c.post("/nodes/pve/lxc/9000/clone", "newid", "104");
    assertThat(vm.reason()).isEqualTo("VM 104 already exists on node 'pve'");
    assertThat(c.get("/nodes/pve/lxc/9000/config").data().has("lock")).isFalse();
  }

  @Test
  void concurrentCreatesWithTheSameNextid_exactlyOneWins() throws Exception {
    String id = c.get("/cluster/nextid").data().asText();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<SimClient.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Callable<SimClient.Reply> call =
          () ->
              c.post(
                  "/nodes/pve/lxc", "vmid", id, "ostemplate", DEBIAN, "rootfs", "clients-main:2");
      replies.add(pool.submit(call));
    }
    int won = 0;
    for (Future<SimClient.Reply> f : replies) {
      SimClient.Reply r = f.get();
      if (r.code() == 200) {
        won++;
      } else {
        assertThat(r.reason()).isEqualTo("CT " + id + " already exists on node 'pve'");
      }
    }
    pool.shutdown();
    assertThat(won).isEqualTo(1);
  }

  @Test
  void linkedClone_fromNonTemplateOrDirStorage_isNotAvailable() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    SimClient.Reply r = c.post("/nodes/pve/lxc/9101/clone", "newid", "9102", "full", "0");
    assertThat(r.code()).isEqualTo(500);
    assertThat(r.reason())
        .isEqualTo(
            "Linked clone feature for 'clients-main:basevol-9000-disk-0/subvol-9101-disk-0'"
                + " is not available");
  }

  @Test
  void storageParameter_withoutFull_isNotAllowedForLinkedClones() {
    SimClient.Reply r =
        c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "storage", "clients-backup");
    assertThat(r.code()).isEqualTo(500);
    assertThat(r.reason()).isEqualTo("parameter 'storage' not allowed for linked clones");
    assertThat(c.get("/nodes/pve/lxc/9000/config").data().has("lock")).isFalse();
    assertThat(
            c.run(
                c.post(
                    "/nodes/pve/lxc/9000/clone",
                    "newid",
                    "9101",
                    "storage",
                    "clients-backup",
                    "full",
                    "1")))
        .isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9101/config").data().get("rootfs").asText())
        .isEqualTo("clients-backup:subvol-9101-disk-0,size=8G");
  }

  @Test
  void clone_ontoStorageWithoutRootdir_failsInTheTask() {
    String upid =
        c.upid(
            c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "storage", "local", "full", "1"));
    assertThat(c.await(upid).get("exitstatus").asText())
        .isEqualTo(
            "clone failed: content type 'rootdir' is not available or configured on storage 'local'");
    assertThat(sim.guest(9101)).isEmpty();
  }

  @Test
  void clone_givesNewMacs_copiesTagsButNotPool() {
    c.put("/nodes/pve/lxc/9000/config", "tags", "base");
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "hostname", "web-1"));
    c.run(
        c.post(
            "/nodes/pve/lxc/9000/clone",
            "newid",
            "9102",
            "hostname",
            "web-2",
            "pool",
            "ClientPods"));
    JsonNode src = c.get("/nodes/pve/lxc/9000/config").data();
    JsonNode a = c.get("/nodes/pve/lxc/9101/config").data();
    assertThat(a.get("net0").asText()).isNotEqualTo(src.get("net0").asText());
    assertThat(a.get("net0").asText())
        .matches(
            "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11(:[0-9A-F]{2}){3},"
                + "ip=dhcp,type=veth");
    assertThat(a.get("tags").asText()).isEqualTo("base");
    assertThat(a.has("template")).isFalse();
    assertThat(sim.guest(9101).orElseThrow().get("pool")).isNull();
    assertThat(sim.guest(9102).orElseThrow().get("pool")).isEqualTo("ClientPods");
  }

  @Test
  void createOrClone_intoMissingPool_is403PermissionCheckFailed() {
    SimClient.Reply r = c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "pool", "nope");
    assertThat(r.code()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("Permission check failed (pool 'nope' does not exist)");
    SimClient.Reply cr =
        c.post("/nodes/pve/lxc", "vmid", "9101", "ostemplate", DEBIAN, "pool", "nope");
    assertThat(cr.code()).isEqualTo(403);
    assertThat(sim.guest(9101)).isEmpty();
  }

  @Test
  void destroy_runningCt_failsSyncUnlessForced() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    c.run(c.post("/nodes/pve/lxc/9101/status/start"));
    SimClient.Reply r = c.delete("/nodes/pve/lxc/9101");
    assertThat(r.code()).isEqualTo(500);
    assertThat(r.reason()).isEqualTo("unable to destroy CT 9101 - container is running");
    assertThat(c.run(c.delete("/nodes/pve/lxc/9101?force=1&purge=1"))).isEqualTo("OK");
    assertThat(sim.guest(9101)).isEmpty();
  }

  @Test
  void power_alreadyRunningAndNotRunning_areSyncErrors() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    assertThat(c.post("/nodes/pve/lxc/9101/status/stop").reason()).isEqualTo("CT 9101 not running");
    assertThat(c.post("/nodes/pve/lxc/9101/status/shutdown").reason())
        .isEqualTo("CT 9101 not running");
    assertThat(c.run(c.post("/nodes/pve/lxc/9101/status/start"))).isEqualTo("OK");
    JsonNode cur = c.get("/nodes/pve/lxc/9101/status/current").data();
    assertThat(cur.get("status").asText()).isEqualTo("running");
    assertThat(cur.get("vmid").asInt()).isEqualTo(9101);
    assertThat(cur.get("ha").get("managed").asInt()).isEqualTo(0);
    assertThat(cur.has("pid")).isTrue();
    assertThat(c.post("/nodes/pve/lxc/9101/status/start").reason())
        .isEqualTo("CT 9101 already running");
    assertThat(c.run(c.post("/nodes/pve/lxc/9101/status/shutdown", "timeout", "30")))
        .isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9101/status/current").data().get("status").asText())
        .isEqualTo("stopped");
  }

  @Test
  void configPut_normalisesNetTagsDescription_andChangesDigest() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    String before = c.get("/nodes/pve/lxc/9101/config").data().get("digest").asText();
    SimClient.Reply r =
        c.put(
            "/nodes/pve/lxc/9101/config",
            "net0",
            "ip=10.1.10.91/24,name=eth0,gw=10.1.10.1,tag=20,bridge=vmbr0,firewall=1",
            "tags",
            "Web,cloudpods;web managed",
            "description",
            "web server",
            "digest",
            before);
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.data().isNull()).isTrue();
    JsonNode conf = c.get("/nodes/pve/lxc/9101/config").data();
    assertThat(conf.get("net0").asText())
        .matches(
            "name=eth0,bridge=vmbr0,firewall=1,gw=10\\.1\\.10\\.1,"
                + "hwaddr=BC:24:11(:[0-9A-F]{2}){3},ip=10\\.1\\.10\\.91/24,tag=20,type=veth");
    assertThat(conf.get("tags").asText()).isEqualTo("cloudpods;managed;web");
    assertThat(conf.get("description").asText()).isEqualTo("web server\n");
    assertThat(conf.get("digest").asText()).matches("[0-9a-f]{40}").isNotEqualTo(before);
  }

  @Test
  void configPut_withStaleDigest_failsAndChangesNothing() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    String digest = c.get("/nodes/pve/lxc/9101/config").data().get("digest").asText();
    c.put("/nodes/pve/lxc/9101/config", "cores", "3");
    SimClient.Reply r = c.put("/nodes/pve/lxc/9101/config", "memory", "4096", "digest", digest);
    assertThat(r.code()).isEqualTo(500);
    assertThat(r.reason())
        .isEqualTo("detected modified configuration - file changed by other user? Try again.");
    assertThat(c.get("/nodes/pve/lxc/9101/config").data().get("memory").asInt()).isEqualTo(2048);
  }

  @Test
  void configPut_validationErrors_nameTheField() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    SimClient.Reply ip =
        c.put("/nodes/pve/lxc/9101/config", "net0", "name=eth0,bridge=vmbr0,ip=10.1.10.300/24");
    assertThat(ip.code()).isEqualTo(400);
    assertThat(ip.json().get("errors").get("net0").asText())
        .isEqualTo(
            "invalid format - format error\nnet0.ip: value does not look like a valid ipv4 network configuration\n");
    SimClient.Reply host = c.put("/nodes/pve/lxc/9101/config", "hostname", "bad_name!");
    assertThat(host.json().get("errors").get("hostname").asText()).contains("valid DNS name");
    SimClient.Reply del = c.put("/nodes/pve/lxc/9101/config", "delete", "memory");
    assertThat(del.reason()).isEqualTo("unable to delete required option 'memory'");
    SimClient.Reply none = c.put("/nodes/pve/lxc/9101/config");
    assertThat(none.reason()).isEqualTo("no options specified");
    SimClient.Reply ro = c.put("/nodes/pve/lxc/9101/config", "unprivileged", "0");
    assertThat(ro.reason()).isEqualTo("unable to modify read-only option: 'unprivileged'");
    SimClient.Reply unknown = c.put("/nodes/pve/lxc/9101/config", "delete", "bogus");
    assertThat(unknown.json().get("errors").get("delete").asText())
        .isEqualTo("unknown option 'bogus'");
  }

  @Test
  void configPut_deleteRemovesKey_andHandMadeDriftIsVisible() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "description", "x"));
    assertThat(
            c.put("/nodes/pve/lxc/9101/config", "delete", "description,features", "onboot", "1")
                .code())
        .isEqualTo(200);
    JsonNode conf = c.get("/nodes/pve/lxc/9101/config").data();
    assertThat(conf.has("description")).isFalse();
    assertThat(conf.has("features")).isFalse();
    assertThat(conf.get("onboot").asInt()).isEqualTo(1);
  }

  @Test
  void fullClone_ontoFullStorage_failsItsTaskWithOutOfSpace() {
    // clients-backup: 2048 GiB, 312 GiB used by infrastructure; grow a clone until 1 GiB is left
    c.run(
        c.post(
            "/nodes/pve/lxc/9000/clone",
            "newid",
            "9101",
            "full",
            "1",
            "storage",
            "clients-backup"));
    assertThat(c.run(c.put("/nodes/pve/lxc/9101/resize", "disk", "rootfs", "size", "2000G")))
        .isEqualTo(
            "zfs error: cannot set property for 'rpool/clients-backup/subvol-9101-disk-0': size is greater"
                + " than available space");
    assertThat(c.run(c.put("/nodes/pve/lxc/9101/resize", "disk", "rootfs", "size", "1735G")))
        .isEqualTo("OK");
    String upid =
        c.upid(
            c.post(
                "/nodes/pve/lxc/9000/clone",
                "newid",
                "9102",
                "full",
                "1",
                "storage",
                "clients-backup"));
    assertThat(c.await(upid).get("exitstatus").asText())
        .isEqualTo(
            "clone failed: zfs error: cannot create 'rpool/clients-backup/subvol-9102-disk-0': out of space");
    assertThat(sim.guest(9102)).isEmpty();
  }

  @Test
  void resize_growsAndRejectsShrink() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "full", "1"));
    assertThat(c.run(c.put("/nodes/pve/lxc/9101/resize", "disk", "rootfs", "size", "+2G")))
        .isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9101/config").data().get("rootfs").asText())
        .isEqualTo("clients-main:subvol-9101-disk-0,size=10G");
    assertThat(c.put("/nodes/pve/lxc/9101/resize", "disk", "rootfs", "size", "4G").reason())
        .isEqualTo("unable to shrink disk size");
    assertThat(c.put("/nodes/pve/lxc/9101/resize", "disk", "rootfs", "size", "10G").reason())
        .isEqualTo("disk is already at specified size");
  }

  @Test
  void create_startOne_spawnsSeparateVzstart() {
    String upid =
        c.upid(
            c.post(
                "/nodes/pve/lxc",
                "vmid",
                "9300",
                "ostemplate",
                DEBIAN,
                "rootfs",
                "clients-main:4",
                "hostname",
                "web-9",
                "cores",
                "2",
                "memory",
                "1024",
                "net0",
                "name=eth0,bridge=vmbr0,ip=dhcp",
                "unprivileged",
                "1",
                "features",
                "nesting=1",
                "start",
                "1",
                "pool",
                "ClientPods",
                "tags",
                "cloudpods"));
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    long deadline = System.currentTimeMillis() + 5000;
    while (!"running".equals(sim.guest(9300).orElseThrow().get("status"))
        && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(sim.guest(9300).orElseThrow().get("status")).isEqualTo("running");
    assertThat(c.get("/nodes/pve/tasks?vmid=9300&typefilter=vzstart").data()).hasSize(1);
    assertThat(sim.guest(9300).orElseThrow().get("pool")).isEqualTo("ClientPods");
  }

  @Test
  void rollback_restoresConfigFromSnapshot() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    c.run(c.post("/nodes/pve/lxc/9101/snapshot", "snapname", "s1", "description", "before"));
    c.put("/nodes/pve/lxc/9101/config", "cores", "6");
    assertThat(c.run(c.post("/nodes/pve/lxc/9101/snapshot/s1/rollback"))).isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9101/config").data().get("cores").asInt()).isEqualTo(2);
    assertThat(c.run(c.post("/nodes/pve/lxc/9101/snapshot", "snapname", "s1")))
        .isEqualTo("snapshot name 's1' already used");
    assertThat(c.run(c.delete("/nodes/pve/lxc/9101/snapshot/s1"))).isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9101/snapshot").data()).hasSize(1);
    assertThat(c.post("/nodes/pve/lxc/9101/snapshot", "snapname", "current").reason())
        .isEqualTo("unable to use snapshot name 'current' (reserved name)");
  }

  @Test
  void destroyTemplate_withLinkedClones_failsInTheTaskAndKeepsTheTemplate() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    String exit = c.run(c.delete("/nodes/pve/lxc/9000"));
    assertThat(exit)
        .isEqualTo("base volume 'basevol-9000-disk-0' is still in use by linked clones");
    JsonNode conf = c.get("/nodes/pve/lxc/9000/config").data();
    assertThat(conf.get("template").asInt()).isEqualTo(1);
    assertThat(conf.has("lock")).isFalse();
  }
}
