package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LockTest {
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
  void clone_whileSourceLocked_failsWithCtIsLockedDisk() {
    // full clone of the 8 GiB template at 20 s/GiB: 160 s model time, 1.6 s here; the source keeps
    // lock 'disk' throughout
    sim.setTiming(sim.timing().with(Map.of("fullClonePerGiB", Duration.ofSeconds(20)), null));
    String first = c.upid(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "full", "1"));
    assertThat(c.get("/nodes/pve/lxc/9000/config").data().get("lock").asText()).isEqualTo("disk");
    SimClient.Reply second = c.post("/nodes/pve/lxc/9000/clone", "newid", "9102", "full", "1");
    assertThat(second.code()).isEqualTo(500);
    assertThat(second.reason()).isEqualTo("CT is locked (disk)");
    assertThat(second.json().get("message").asText()).isEqualTo("CT is locked (disk)\n");
    assertThat(sim.guest(9102)).isEmpty();
    assertThat(c.await(first).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9000/config").data().has("lock")).isFalse();
    // after the first clone the source is free again
    assertThat(c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9102"))).isEqualTo("OK");
  }

  @Test
  void cloneTarget_isLockedCreateUntilTheTaskEnds() {
    sim.setTiming(sim.timing().with(Map.of("fullClonePerGiB", Duration.ofSeconds(20)), null));
    String upid = c.upid(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "full", "1"));
    JsonNode conf = c.get("/nodes/pve/lxc/9101/config").data();
    assertThat(conf.get("lock").asText()).isEqualTo("create");
    assertThat(conf.has("rootfs")).isFalse();
    JsonNode listed = find(c.get("/nodes/pve/lxc").data(), 9101);
    assertThat(listed.get("lock").asText()).isEqualTo("create");
    SimClient.Reply start = c.post("/nodes/pve/lxc/9101/status/start");
    assertThat(c.await(c.upid(start)).get("exitstatus").asText())
        .isEqualTo("CT is locked (create)");
    c.await(upid);
    assertThat(c.get("/nodes/pve/lxc/9101/config").data().has("lock")).isFalse();
  }

  @Test
  void create_configShowsOnlyDigestAndLockDuringTheTask() {
    sim.setTiming(sim.timing().with(Map.of("create", Duration.ofSeconds(100)), null));
    String upid =
        c.upid(
            c.post(
                "/nodes/pve/lxc",
                "vmid",
                "9200",
                "ostemplate",
                "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                "rootfs",
                "clients-main:8",
                "hostname",
                "c-1"));
    JsonNode conf = c.get("/nodes/pve/lxc/9200/config").data();
    assertThat(conf.size()).isEqualTo(2);
    assertThat(conf.get("lock").asText()).isEqualTo("create");
    assertThat(conf.get("digest").asText()).matches("[0-9a-f]{40}");
    assertThat(find(c.get("/nodes/pve/lxc").data(), 9200).get("name").asText()).isEqualTo("CT9200");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    JsonNode after = c.get("/nodes/pve/lxc/9200/config").data();
    assertThat(after.get("hostname").asText()).isEqualTo("c-1");
    assertThat(after.get("rootfs").asText()).isEqualTo("clients-main:subvol-9200-disk-0,size=8G");
    assertThat(after.get("memory").asInt()).isEqualTo(512);
  }

  @Test
  void destroy_replacesConfigWithLockDestroyedUntilGone() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    sim.setTiming(sim.timing().with(Map.of("destroy", Duration.ofSeconds(30)), null));
    String upid = c.upid(c.delete("/nodes/pve/lxc/9101?purge=1"));
    JsonNode conf = c.get("/nodes/pve/lxc/9101/config").data();
    assertThat(conf.get("lock").asText()).isEqualTo("destroyed");
    assertThat(conf.size()).isEqualTo(2);
    SimClient.Reply again = c.delete("/nodes/pve/lxc/9101");
    assertThat(again.reason()).isEqualTo("CT is locked (destroyed)");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9101/config").reason())
        .isEqualTo("Configuration file 'nodes/pve/lxc/9101.conf' does not exist");
  }

  @Test
  void configPut_onLockedCt_failsSyncWithCtIsLocked() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    c.sim("PUT", "/_sim/guests/9101/lock", "{\"lock\":\"backup\"}");
    SimClient.Reply r = c.put("/nodes/pve/lxc/9101/config", "cores", "4");
    assertThat(r.code()).isEqualTo(500);
    assertThat(r.reason()).isEqualTo("CT is locked (backup)");
    SimClient.Reply unlock = c.put("/nodes/pve/lxc/9101/config", "delete", "lock");
    assertThat(unlock.reason()).isEqualTo("CT is locked (backup)");
    c.sim("PUT", "/_sim/guests/9101/lock", "{\"lock\":null}");
    assertThat(c.put("/nodes/pve/lxc/9101/config", "cores", "4").code()).isEqualTo(200);
  }

  @Test
  void storageAllocationLock_timeoutFailsTheTaskWithTheRealMessage() {
    // allocation holds the lock 60 s, waiting gives up after 10 s (scaled: 600 ms vs 100 ms)
    sim.setTiming(sim.timing().with(Map.of("storageAllocation", Duration.ofSeconds(60)), null));
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "full", "1"));
    assertThat(c.post("/nodes/pve/lxc/9101/template").code()).isEqualTo(200);
    awaitTemplate(9101);
    String a = c.upid(c.post("/nodes/pve/lxc/9000/clone", "newid", "9102", "full", "1"));
    // the second clone is asked for only once the first holds the lock, so which one waits does
    // not depend on how the two workers are scheduled
    awaitAllocationLocked("clients-main");
    String b = c.upid(c.post("/nodes/pve/lxc/9101/clone", "newid", "9103", "full", "1"));
    assertThat(c.await(a).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(c.await(b).get("exitstatus").asText())
        .isEqualTo(
            "clone failed: can't lock file '/var/lock/pve-manager/pve-storage-clients-main' - got timeout");
    // the failed clone leaves nothing behind and unlocks its source
    assertThat(sim.guest(9103)).isEmpty();
    assertThat(c.get("/nodes/pve/lxc/9101/config").data().has("lock")).isFalse();
  }

  @Test
  void stop_onLockedCt_failsInsideTheTask() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    c.run(c.post("/nodes/pve/lxc/9101/status/start"));
    c.sim("PUT", "/_sim/guests/9101/lock", "{\"lock\":\"snapshot\"}");
    SimClient.Reply stop = c.post("/nodes/pve/lxc/9101/status/stop");
    assertThat(stop.code()).isEqualTo(200);
    assertThat(c.await(c.upid(stop)).get("exitstatus").asText())
        .isEqualTo("CT is locked (snapshot)");
    c.sim("PUT", "/_sim/guests/9101/lock", "{\"lock\":\"mounted\"}");
    assertThat(c.run(c.post("/nodes/pve/lxc/9101/status/stop"))).isEqualTo("OK");
  }

  @Test
  void snapshot_locksCtDuringTheTask() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    sim.setTiming(sim.timing().with(Map.of("snapshot", Duration.ofSeconds(30)), null));
    String upid = c.upid(c.post("/nodes/pve/lxc/9101/snapshot", "snapname", "before_upgrade"));
    awaitLock(9101, "snapshot");
    assertThat(c.put("/nodes/pve/lxc/9101/config", "cores", "3").reason())
        .isEqualTo("CT is locked (snapshot)");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    JsonNode snaps = c.get("/nodes/pve/lxc/9101/snapshot").data();
    assertThat(snaps.get(0).get("name").asText()).isEqualTo("before_upgrade");
    assertThat(snaps.get(snaps.size() - 1).get("name").asText()).isEqualTo("current");
    assertThat(snaps.get(snaps.size() - 1).get("parent").asText()).isEqualTo("before_upgrade");
  }

  @Test
  void configPut_duringStart_waitsForTheConfigFlock() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    // start takes 2 s (200 ms at time scale 0.1) and holds the flock; the PUT waits for it (timeout
    // 10 s = 1 s): wide margins, so a loaded machine does not turn the wait into a timeout
    sim.setTiming(sim.timing().with(Map.of("start", Duration.ofSeconds(2)), 0.1));
    String upid = c.upid(c.post("/nodes/pve/lxc/9101/status/start"));
    assertThat(sim.runningTasks()).isEqualTo(1);
    // the task takes the flock in its worker, after the call returned (as on a real node)
    long deadline = System.currentTimeMillis() + 5000;
    while (!upid.equals(sim.guest(9101).orElseThrow().get("flockHolder"))
        && System.currentTimeMillis() < deadline) {
      sleep();
    }
    SimClient.Reply put = c.put("/nodes/pve/lxc/9101/config", "cores", "3");
    assertThat(put.code()).isEqualTo(200);
    // the PUT could only run after the start task released the flock
    assertThat(c.taskStatus(upid).get("status").asText()).isEqualTo("stopped");
    assertThat(c.get("/nodes/pve/lxc/9101/config").data().get("cores").asInt()).isEqualTo(3);
  }

  @Test
  void configPut_whileFlockHeldLongerThanTimeout_failsWithFlockTimeout() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    sim.setTiming(sim.timing().with(Map.of("start", Duration.ofSeconds(60)), null));
    String upid = c.upid(c.post("/nodes/pve/lxc/9101/status/start"));
    // the task takes the flock in its worker, after the call returned (as on a real node)
    long deadline = System.currentTimeMillis() + 5000;
    while (!upid.equals(sim.guest(9101).orElseThrow().get("flockHolder"))
        && System.currentTimeMillis() < deadline) {
      sleep();
    }
    assertThat(sim.guest(9101).orElseThrow().get("flockHolder")).isEqualTo(upid);
    SimClient.Reply put = c.put("/nodes/pve/lxc/9101/config", "cores", "3");
    assertThat(put.code()).isEqualTo(500);
    assertThat(put.reason())
        .isEqualTo("can't lock file '/run/lock/lxc/pve-config-9101.lock' - got timeout");
    // a second start task queues on the same flock and gives up after the timeout too
    String second = c.upid(c.post("/nodes/pve/lxc/9101/status/start"));
    assertThat(c.await(second).get("exitstatus").asText())
        .isEqualTo("can't lock file '/run/lock/lxc/pve-config-9101.lock' - got timeout");
    assertThat(c.get("/nodes/pve/tasks/" + second + "/log").data().get(0).get("t").asText())
        .isEqualTo("trying to acquire lock...");
    assertThat(c.await(upid).get("exitstatus").asText()).isEqualTo("OK");
    assertThat(c.get("/nodes/pve/lxc/9101/config").data().get("cores").asInt()).isEqualTo(2);
  }

  private void awaitLock(int vmid, String lock) {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      if (lock.equals(sim.guest(vmid).orElseThrow().get("lock"))) {
        return;
      }
      sleep();
    }
    throw new AssertionError("lock " + lock + " never set on " + vmid);
  }

  @SuppressWarnings("unchecked")
  private void awaitAllocationLocked(String storage) {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      for (Object o : (List<Object>) sim.state().get("storages")) {
        Map<String, Object> st = (Map<String, Object>) o;
        if (storage.equals(st.get("storage")) && Boolean.TRUE.equals(st.get("allocationLocked"))) {
          return;
        }
      }
      sleep();
    }
    throw new AssertionError("allocation lock of " + storage + " never taken");
  }

  private void awaitTemplate(int vmid) {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode conf = c.get("/nodes/pve/lxc/" + vmid + "/config").data();
      if (conf.has("template")) {
        return;
      }
      sleep();
    }
    throw new AssertionError(vmid + " never became a template");
  }

  private static void sleep() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  static JsonNode find(JsonNode list, int vmid) {
    for (JsonNode n : list) {
      if (n.get("vmid").asInt() == vmid) {
        return n;
      }
    }
    throw new AssertionError("vmid " + vmid + " not in " + list);
  }
}
