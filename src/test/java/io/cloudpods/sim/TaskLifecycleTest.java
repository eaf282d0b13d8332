package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskLifecycleTest {
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
  void clone_returnsRealUpidWithSourceVmidAndTokenUser() {
    sim.setTiming(
        sim.timing()
            .with(java.util.Map.of("fullClonePerGiB", java.time.Duration.ofSeconds(20)), null));
    String upid =
        c.upid(
            c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "hostname", "web-1", "full", "1"));
    assertThat(upid).matches(ApiRoutes.UPID.pattern());
    String[] f = upid.split(":");
    assertThat(f[1]).isEqualTo("pve");
    assertThat(f[5]).isEqualTo("vzclone");
    assertThat(f[6]).isEqualTo("9000");
    assertThat(f[7]).isEqualTo("ctl@pve!ci");
    assertThat(upid).endsWith(":");

    JsonNode st = c.taskStatus(upid);
    assertThat(st.get("status").asText()).isEqualTo("running");
    assertThat(st.has("exitstatus")).isFalse();
    assertThat(st.get("id").isTextual()).isTrue();
    assertThat(st.get("id").asText()).isEqualTo("9000");
    assertThat(st.get("user").asText()).isEqualTo("ctl@pve");
    assertThat(st.get("tokenid").asText()).isEqualTo("ci");
    assertThat(st.get("pid").asLong()).isEqualTo(Long.parseLong(f[2], 16));
    assertThat(st.get("pstart").asLong()).isEqualTo(Long.parseLong(f[3], 16));
    assertThat(st.get("starttime").asLong()).isEqualTo(Long.parseLong(f[4], 16));

    JsonNode done = c.await(upid);
    assertThat(done.get("status").asText()).isEqualTo("stopped");
    assertThat(done.get("exitstatus").asText()).isEqualTo("OK");
  }

  @Test
  void taskLog_endsWithTaskOk_andPagesWithStartLimitAndTotal() {
    String upid = c.upid(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    c.await(upid);
    SimClient.Reply log = c.get("/nodes/pve/tasks/" + upid + "/log");
    JsonNode lines = log.data();
    int total = log.json().get("total").asInt();
    assertThat(total).isGreaterThanOrEqualTo(2);
    assertThat(lines.get(0).get("n").asInt()).isEqualTo(1);
    assertThat(lines.get(lines.size() - 1).get("t").asText()).isEqualTo("TASK OK");
    SimClient.Reply page = c.get("/nodes/pve/tasks/" + upid + "/log?start=1&limit=1");
    assertThat(page.data().size()).isEqualTo(1);
    assertThat(page.data().get(0).get("n").asInt()).isEqualTo(2);
  }

  @Test
  void failedTask_hasErrorExitstatusAndTaskErrorLogLine() {
    // a template cannot be started: the HTTP call succeeds, the task fails
    String upid = c.upid(c.post("/nodes/pve/lxc/9000/status/start"));
    JsonNode st = c.await(upid);
    assertThat(st.get("exitstatus").asText()).isEqualTo("you can't start a CT if it's a template");
    JsonNode lines = c.get("/nodes/pve/tasks/" + upid + "/log").data();
    assertThat(lines.get(lines.size() - 1).get("t").asText())
        .isEqualTo("TASK ERROR: you can't start a CT if it's a template");
  }

  @Test
  void badOrUnknownUpid_is400WithUpidError() {
    SimClient.Reply bad = c.get("/nodes/pve/tasks/UPID:nonsense/status");
    assertThat(bad.code()).isEqualTo(400);
    assertThat(bad.json().get("errors").get("upid").asText())
        .isEqualTo("unable to parse worker upid");
    SimClient.Reply unknown =
        c.get("/nodes/pve/tasks/UPID:pve:0000AAAA:0000BBBB:6B000000:vzstart:101:root@pam:/status");
    assertThat(unknown.code()).isEqualTo(400);
    assertThat(unknown.json().get("errors").get("upid").asText()).isEqualTo("no such task");
  }

  @Test
  void taskList_filtersByVmidAndType_andShowsEndtimeAndStatus() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    c.run(c.post("/nodes/pve/lxc/9101/status/start"));
    SimClient.Reply all = c.get("/nodes/pve/tasks?vmid=9101");
    assertThat(all.data()).hasSize(1);
    assertThat(all.data().get(0).get("type").asText()).isEqualTo("vzstart");
    assertThat(all.data().get(0).get("status").asText()).isEqualTo("OK");
    assertThat(all.data().get(0).has("endtime")).isTrue();
    SimClient.Reply clones = c.get("/nodes/pve/tasks?typefilter=vzclone");
    assertThat(clones.data()).hasSize(1);
    assertThat(clones.data().get(0).get("id").asText()).isEqualTo("9000");
  }

  @Test
  void template_returnsNull_andRunsAHiddenVztemplateTask() {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "full", "1"));
    SimClient.Reply r = c.post("/nodes/pve/lxc/9101/template");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.data().isNull()).isTrue();
    JsonNode tasks = awaitTaskInList("/nodes/pve/tasks?vmid=9101&typefilter=vztemplate");
    assertThat(tasks.get(0).get("status").asText()).isEqualTo("OK");
    JsonNode conf = c.get("/nodes/pve/lxc/9101/config").data();
    assertThat(conf.get("template").asInt()).isEqualTo(1);
    assertThat(conf.get("rootfs").asText()).startsWith("clients-main:basevol-9101-disk-0,");
  }

  @Test
  void hundredsOfConcurrentTasks_allComplete() {
    // Each allocation holds the storage lock 5 s (50 ms at this scale); waiters give up 10 s (100
    // ms)
    // after they queued. How many waiters get the lock in time depends on how fast the 200 requests
    // arrive, so only the holder and the first waiter (50 ms of a 100 ms patience) are certain.
    sim.setTiming(
        sim.timing()
            .with(java.util.Map.of("storageAllocation", java.time.Duration.ofSeconds(5)), null));
    List<String> upids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      upids.add(
          c.upid(
              c.post(
                  "/nodes/pve/lxc",
                  "vmid",
                  Integer.toString(20000 + i),
                  "ostemplate",
                  "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                  "rootfs",
                  "clients-backup:1")));
    }
    int ok = 0;
    int lockTimeouts = 0;
    for (String u : upids) {
      String exit = c.await(u).get("exitstatus").asText();
      if (exit.equals("OK")) {
        ok++;
      } else if (exit.contains("got timeout")) {
        lockTimeouts++;
      }
    }
    assertThat(ok + lockTimeouts).isEqualTo(200);
    assertThat(ok).isGreaterThanOrEqualTo(2);
    assertThat(lockTimeouts).isGreaterThan(0);
  }

  private JsonNode awaitTaskInList(String path) {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode d = c.get(path).data();
      if (d.size() > 0) {
        return d;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no task at " + path);
  }
}
