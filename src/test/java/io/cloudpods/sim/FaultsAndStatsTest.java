package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsAndStatsTest {
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
  void lostResponse_actionHappensButCallerGetsAnError() {
    c.sim("PUT", "/_sim/faults", "{\"lostResponseRate\":1.0,\"seed\":7}");
    Throwable dropped = null;
    SimClient.Reply reply = null;
    try {
      reply = c.post("/nodes/pve/lxc/9000/clone", "newid", "9101");
    } catch (UncheckedIOException e) {
      dropped = e;
    }
    assertThat(dropped != null || (reply != null && reply.code() >= 500)).isTrue();
    c.sim("PUT", "/_sim/faults", "{\"lostResponseRate\":0}");
    // the clone really started: the target exists and the source is (or was) locked
    assertThat(sim.guest(9101)).isPresent();
    JsonNode tasks = c.get("/nodes/pve/tasks?source=all&typefilter=vzclone").data();
    assertThat(tasks).hasSize(1);
  }

  @Test
  void journal_recordsLostResponsesButNotRefusedRequests() {
    c.sim("PUT", "/_sim/faults", "{\"errorRate\":1.0,\"seed\":1}");
    c.post("/nodes/pve/lxc/9000/clone", "newid", "9102");
    c.sim("PUT", "/_sim/faults", "{\"errorRate\":0,\"lostResponseRate\":1.0,\"seed\":7}");
    long before = System.currentTimeMillis();
    try {
      c.post("/nodes/pve/lxc/9000/clone", "newid", "9101");
    } catch (UncheckedIOException dropped) {
      // the answer was lost; the clone happened
    }
    c.sim("PUT", "/_sim/faults", "{\"lostResponseRate\":0}");
    assertThat(sim.mutations())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.type()).isEqualTo("clone");
              assertThat(m.vmid()).isEqualTo(9101);
              assertThat(m.node()).isEqualTo("pve");
              assertThat(m.upid()).startsWith("UPID:pve:");
              assertThat(m.timeMillis()).isBetween(before, System.currentTimeMillis());
            });
    long deadline = System.currentTimeMillis() + 20_000;
    while (sim.guest(9101).orElseThrow().get("lock") != null
        && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    c.run(c.post("/nodes/pve/lxc/9101/status/start"));
    c.put("/nodes/pve/lxc/9101/config", "cores", "2");
    JsonNode journal = c.sim("GET", "/_sim/journal", null).json().path("data");
    assertThat(journal).hasSize(3);
    assertThat(journal.get(1).path("type").asText()).isEqualTo("start");
    assertThat(journal.get(2).path("type").asText()).isEqualTo("config");
    assertThat(journal.get(2).path("upid").isNull()).isTrue();
  }

  @Test
  void errorRate_refusesTheRequestAndNothingHappens() {
    c.sim("PUT", "/_sim/faults", "{\"errorRate\":1.0,\"seed\":1}");
    SimClient.Reply r = c.post("/nodes/pve/lxc/9000/clone", "newid", "9101");
    assertThat(r.code()).isEqualTo(595);
    assertThat(r.reason()).startsWith("Errors during connection establishment");
    c.sim("PUT", "/_sim/faults", "{\"errorRate\":0}");
    assertThat(sim.guest(9101)).isEmpty();
  }

  @Test
  void faults_areDeterministicForASeed() {
    List<Integer> first = codes(42);
    List<Integer> second = codes(42);
    assertThat(first).isEqualTo(second);
    assertThat(first).contains(200).contains(595);
  }

  private List<Integer> codes(long seed) {
    c.sim("PUT", "/_sim/faults", "{\"errorRate\":0.5,\"seed\":" + seed + "}");
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      out.add(c.get("/version").code());
    }
    c.sim("PUT", "/_sim/faults", "{\"errorRate\":0}");
    return out;
  }

  @Test
  void taskFailureRate_failsTasksAndRollsBack() {
    c.sim("PUT", "/_sim/faults", "{\"taskFailureRate\":1.0}");
    String exit = c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"));
    assertThat(exit).startsWith("clone failed: ");
    assertThat(sim.guest(9101)).isEmpty();
    assertThat(sim.guest(9000).orElseThrow().get("lock")).isNull();
  }

  @Test
  void latency_delaysResponses() {
    c.sim("PUT", "/_sim/faults", "{\"latencyMs\":[150,150]}");
    long t0 = System.nanoTime();
    c.get("/version");
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(150);
  }

  @Test
  void badFaultJson_is400NamingTheField() {
    SimClient.Reply unknown = c.sim("PUT", "/_sim/faults", "{\"errrorRate\":0.1}");
    assertThat(unknown.code()).isEqualTo(400);
    assertThat(unknown.json().get("errors").has("errrorRate")).isTrue();
    SimClient.Reply range = c.sim("PUT", "/_sim/faults", "{\"errorRate\":2}");
    assertThat(range.json().get("errors").get("errorRate").asText()).contains("between 0 and 1");
    SimClient.Reply lat = c.sim("PUT", "/_sim/faults", "{\"latencyMs\":[5]}");
    assertThat(lat.json().get("errors").has("latencyMs")).isTrue();
    SimClient.Reply junk = c.sim("PUT", "/_sim/faults", "{nope");
    assertThat(junk.code()).isEqualTo(400);
    assertThat(c.sim("GET", "/_sim/faults", null).data().get("errorRate").asDouble())
        .isEqualTo(0.0);
  }

  @Test
  void simControls_requireTheToken() {
    SimClient.Reply r =
        c.raw(
            new okhttp3.Request.Builder().url(c.base.replace("/api2/json", "/_sim/state")).build());
    assertThat(r.code()).isEqualTo(401);
  }

  @Test
  void stats_countRequestsPerRouteTemplate() {
    c.get("/nodes/pve/lxc");
    c.get("/nodes/pve/lxc");
    c.get("/nodes/pve/lxc/9000/config");
    JsonNode req = c.sim("GET", "/_sim/stats", null).data().get("requests");
    assertThat(req.get("GET /nodes/{node}/lxc").asInt()).isEqualTo(2);
    assertThat(req.get("GET /nodes/{node}/lxc/{vmid}/config").asInt()).isEqualTo(1);
    assertThat(sim.requestCounts()).containsEntry("GET /nodes/{node}/lxc", 2L);
  }

  @Test
  void timing_canBeReadAndChanged() {
    JsonNode t = c.sim("GET", "/_sim/timing", null).data();
    assertThat(t.get("fullClonePerGiB").asText()).isEqualTo("5s");
    assertThat(t.get("timeScale").asDouble()).isEqualTo(0.01);
    JsonNode changed =
        c.sim("PUT", "/_sim/timing", "{\"start\":\"250ms\",\"timeScale\":0.5}").data();
    assertThat(changed.get("start").asText()).isEqualTo("250ms");
    assertThat(sim.timing().timeScale()).isEqualTo(0.5);
    SimClient.Reply bad = c.sim("PUT", "/_sim/timing", "{\"strat\":\"1s\"}");
    assertThat(bad.code()).isEqualTo(400);
    assertThat(bad.json().get("errors").has("strat")).isTrue();
  }

  @Test
  void state_listsEveryGuestWithConfigStatusLockNodeAndPool() {
    JsonNode state = c.sim("GET", "/_sim/state", null).data();
    JsonNode guests = state.get("guests");
    assertThat(guests).hasSize(5);
    JsonNode t = null;
    for (JsonNode g : guests) {
      if (g.get("vmid").asInt() == 9000) {
        t = g;
      }
    }
    assertThat(t.get("node").asText()).isEqualTo("pve");
    assertThat(t.get("pool").asText()).isEqualTo("ClientPods");
    assertThat(t.get("status").asText()).isEqualTo("stopped");
    assertThat(t.get("config").get("hostname").asText()).isEqualTo("cloudpod-template");
    assertThat((List<?>) sim.state().get("guests")).hasSize(5);
  }
}
