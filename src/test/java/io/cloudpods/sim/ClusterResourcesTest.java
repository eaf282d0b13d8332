package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterResourcesTest {
  ProxmoxSimulator sim;
  SimClient c;

  @BeforeEach
  void start() {
    // 10 s lag at time scale 0.01 = 100 ms; use 50 s (500 ms) so the "before" view is observable
    sim =
        ProxmoxSimulator.start(SimTestSupport.fast().resourcesLag(Duration.ofSeconds(50)).build());
    c = new SimClient(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void freshClone_isUnknownWithoutNameUntilTheLagPasses_whileLockAndPoolAreLive() throws Exception {
    // linked clone 50 s (0.5 s), resources lag 200 s (2 s)
    sim.setTiming(
        sim.timing()
            .with(
                java.util.Map.of(
                    "linkedClone", Duration.ofSeconds(50), "resourcesLag", Duration.ofSeconds(200)),
                null));
    long t0 = System.currentTimeMillis();
    String upid =
        c.upid(
            c.post(
                "/nodes/pve/lxc/9000/clone",
                "newid",
                "9101",
                "hostname",
                "web-1",
                "pool",
                "ClientPods"));
    JsonNode during = LockTest.find(c.get("/cluster/resources?type=vm").data(), 9101);
    assertThat(during.get("status").asText()).isEqualTo("unknown");
    assertThat(during.has("name")).isFalse();
    assertThat(during.has("template")).isFalse();
    assertThat(during.get("lock").asText()).isEqualTo("create");
    assertThat(during.get("id").asText()).isEqualTo("lxc/9101");
    c.await(upid);
    JsonNode done = LockTest.find(c.get("/cluster/resources?type=vm").data(), 9101);
    assertThat(done.get("status").asText()).isEqualTo("unknown");
    assertThat(done.has("lock")).isFalse();
    assertThat(done.get("pool").asText()).isEqualTo("ClientPods");
    Thread.sleep(Math.max(0, t0 + 2100 - System.currentTimeMillis()) + 600);
    JsonNode later = LockTest.find(c.get("/cluster/resources?type=vm").data(), 9101);
    assertThat(later.get("status").asText()).isEqualTo("stopped");
    assertThat(later.get("name").asText()).isEqualTo("web-1");
    assertThat(later.get("template").asInt()).isEqualTo(0);
  }

  @Test
  void statusChange_showsWithLag_butTagsImmediately() throws Exception {
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    Thread.sleep(600);
    c.run(c.post("/nodes/pve/lxc/9101/status/start"));
    c.put("/nodes/pve/lxc/9101/config", "tags", "cloudpods");
    JsonNode now = LockTest.find(c.get("/cluster/resources").data(), 9101);
    assertThat(now.get("status").asText()).isEqualTo("stopped");
    assertThat(now.get("tags").asText()).isEqualTo("cloudpods");
    assertThat(c.get("/nodes/pve/lxc/9101/status/current").data().get("status").asText())
        .isEqualTo("running");
    Thread.sleep(600);
    assertThat(LockTest.find(c.get("/cluster/resources").data(), 9101).get("status").asText())
        .isEqualTo("running");
  }

  @Test
  void typeFilter_returnsOnlyThatType_andPoolsOnlyWithoutFilter() {
    JsonNode storages = c.get("/cluster/resources?type=storage").data();
    assertThat(storages).allMatch(n -> n.get("type").asText().equals("storage"));
    JsonNode local = null;
    for (JsonNode n : storages) {
      if (n.get("storage").asText().equals("clients-main")) {
        local = n;
      }
    }
    assertThat(local.get("id").asText()).isEqualTo("storage/pve/clients-main");
    assertThat(local.get("plugintype").asText()).isEqualTo("zfspool");
    assertThat(local.get("maxdisk").asLong()).isGreaterThan(local.get("disk").asLong());
    assertThat(c.get("/cluster/resources?type=node").data())
        .allMatch(n -> n.get("type").asText().equals("node"));
    JsonNode all = c.get("/cluster/resources").data();
    assertThat(all)
        .anyMatch(
            n ->
                n.get("type").asText().equals("pool")
                    && n.get("pool").asText().equals("ClientPods"));
    assertThat(c.get("/cluster/resources?type=vm").data())
        .noneMatch(n -> n.get("type").asText().equals("pool"));
  }

  @Test
  void nodeMemory_accountsForRunningContainers() {
    long before = c.get("/nodes/pve/status").data().get("memory").get("used").asLong();
    c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    c.run(c.post("/nodes/pve/lxc/9101/status/start"));
    long after = c.get("/nodes/pve/status").data().get("memory").get("used").asLong();
    assertThat(after).isGreaterThan(before);
    JsonNode node = c.get("/nodes").data().get(0);
    assertThat(node.get("mem").asLong()).isEqualTo(after);
    assertThat(node.get("ssl_fingerprint").asText()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }
}
