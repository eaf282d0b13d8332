package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code blackHole}: a cluster that stops answering (not refusing) while /_sim keeps working. */
class BlackHoleTest {
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

  private SimClient clientWithReadTimeout(long seconds) {
    return new SimClient(
        sim,
        new OkHttpClient.Builder()
            .readTimeout(seconds, TimeUnit.SECONDS)
            .retryOnConnectionFailure(false)
            .build());
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void whileBlackHoled_anApiCallTimesOutWithoutAnyAnswer_butSimControlsStillAnswer() {
    JsonNode set = c.sim("PUT", "/_sim/faults", "{\"blackHole\":true}").data();
    assertThat(set.get("blackHole").asBoolean()).isTrue();

    SimClient impatient = clientWithReadTimeout(1);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> impatient.get("/version"))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(InterruptedIOException.class); // a read timeout, not an HTTP error
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(900);

    SimClient.Reply faults = c.sim("GET", "/_sim/faults", null);
    assertThat(faults.code()).isEqualTo(200);
    assertThat(faults.data().get("blackHole").asBoolean()).isTrue();
    assertThat(c.sim("GET", "/_sim/state", null).code()).isEqualTo(200);
  }

  @Test
  void whileBlackHoled_aNewConnectionIsAcceptedAndReadButGetsNotASingleByte() throws Exception {
    sim.setBlackHole(true);
    String request =
        "GET /api2/json/version HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
            + sim.authorizationHeader()
            + "\r\n\r\n";
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", sim.port()), 2000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await(() -> sim.blackHoledRequests() == 1, "the request to be held");
      InputStream in = s.getInputStream();
      assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);

      sim.setBlackHole(false);
      s.setSoTimeout(5000);
      // released: closed without a status line (end of stream or a reset, never bytes)
      int first;
      try {
        first = in.read();
      } catch (java.net.SocketException reset) {
        first = -1;
      }
      assertThat(first).isEqualTo(-1);
    }
    assertThat(sim.blackHoledRequests()).isZero();
    assertThat(sim.requestCounts()).isEmpty();
  }

  @Test
  void mutatingCallsHeldByTheBlackHole_areClosedUnansweredOnLift_andChangedNothing()
      throws Exception {
    Object coresBefore = configOf(9000).get("cores");
    JsonNode stateBefore = c.sim("GET", "/_sim/state", null).data();
    c.sim("PUT", "/_sim/faults", "{\"blackHole\":true}");

    CompletableFuture<SimClient.Reply> config =
        CompletableFuture.supplyAsync(() -> c.put("/nodes/pve/lxc/9000/config", "cores", "3"));
    CompletableFuture<SimClient.Reply> clone =
        CompletableFuture.supplyAsync(
            () -> c.post("/nodes/pve/lxc/9000/clone", "newid", "9101", "hostname", "held"));
    await(() -> sim.blackHoledRequests() == 2, "both calls to be held");
    assertThat(config).isNotDone();
    assertThat(clone).isNotDone();

    JsonNode lifted = c.sim("PUT", "/_sim/faults", "{\"blackHole\":false}").data();
    assertThat(lifted.get("blackHole").asBoolean()).isFalse();

    for (CompletableFuture<SimClient.Reply> held : List.of(config, clone)) {
      assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(UncheckedIOException.class); // connection closed, no status line
    }
    assertThat(sim.blackHoledRequests()).isZero();
    assertThat(configOf(9000).get("cores")).isEqualTo(coresBefore);
    assertThat(sim.guest(9101)).isEmpty();
    assertThat(sim.mutations()).isEmpty();
    assertThat(sim.runningTasks()).isZero();
    assertThat(sim.requestCounts()).isEmpty(); // never routed, never counted
    assertThat(c.sim("GET", "/_sim/state", null).data()).isEqualTo(stateBefore);

    // the same call made now does change the state: the held one really was not executed
    assertThat(c.put("/nodes/pve/lxc/9000/config", "cores", "3").code()).isEqualTo(200);
    assertThat(String.valueOf(configOf(9000).get("cores"))).isEqualTo("3");
    assertThat(sim.mutations()).singleElement().extracting(Mutation::type).isEqualTo("config");
  }

  @Test
  void afterLifting_callsWorkAgain_andFaultsShowBlackHoleFalse() throws Exception {
    assertThat(c.sim("GET", "/_sim/faults", null).data().get("blackHole").asBoolean()).isFalse();
    c.sim("PUT", "/_sim/faults", "{\"blackHole\":true}");
    CompletableFuture<SimClient.Reply> held =
        CompletableFuture.supplyAsync(() -> clientWithReadTimeout(20).get("/version"));
    await(() -> sim.blackHoledRequests() == 1, "the call to be held");
    c.sim("PUT", "/_sim/faults", "{\"blackHole\":false}");
    assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UncheckedIOException.class);

    assertThat(c.sim("GET", "/_sim/faults", null).data().get("blackHole").asBoolean()).isFalse();
    SimClient.Reply version = c.get("/version");
    assertThat(version.code()).isEqualTo(200);
    assertThat(version.data().has("version")).isTrue();
    assertThat(c.run(c.post("/nodes/pve/lxc/9000/clone", "newid", "9101"))).isEqualTo("OK");
    assertThat(sim.guest(9101)).isPresent();

    // the in-process control does the same
    sim.setBlackHole(true);
    assertThat(c.sim("GET", "/_sim/faults", null).data().get("blackHole").asBoolean()).isTrue();
    assertThatThrownBy(() -> clientWithReadTimeout(1).get("/version"))
        .hasCauseInstanceOf(InterruptedIOException.class);
    sim.setBlackHole(false);
    assertThat(c.get("/version").code()).isEqualTo(200);
  }

  @Test
  void heldRequests_drawNothingFromTheSeededSequence() throws Exception {
    c.sim("PUT", "/_sim/faults", "{\"errorRate\":0.5,\"seed\":42}");
    List<Integer> undisturbed = codes(30);

    c.sim("PUT", "/_sim/faults", "{\"errorRate\":0.5,\"seed\":42}");
    List<Integer> interrupted = new ArrayList<>(codes(12));
    c.sim("PUT", "/_sim/faults", "{\"blackHole\":true}");
    List<CompletableFuture<SimClient.Reply>> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(CompletableFuture.supplyAsync(() -> clientWithReadTimeout(20).get("/version")));
    }
    await(() -> sim.blackHoledRequests() == 5, "five calls to be held");
    c.sim("PUT", "/_sim/faults", "{\"blackHole\":false}");
    for (CompletableFuture<SimClient.Reply> h : held) {
      assertThatThrownBy(() -> h.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(UncheckedIOException.class);
    }
    interrupted.addAll(codes(18));

    assertThat(interrupted).isEqualTo(undisturbed);
    assertThat(undisturbed).contains(200).contains(595);
  }

  private List<Integer> codes(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(c.get("/version").code());
    }
    return out;
  }

  @Test
  void blackHoleMustBeABoolean_isA400NamingTheField() {
    SimClient.Reply bad = c.sim("PUT", "/_sim/faults", "{\"blackHole\":1}");
    assertThat(bad.code()).isEqualTo(400);
    assertThat(bad.json().get("errors").get("blackHole").asText()).contains("true or false");
    assertThat(c.sim("GET", "/_sim/faults", null).data().get("blackHole").asBoolean()).isFalse();
  }

  @Test
  void moreThanTenThousandHeld_closesTheOldestFirst_andLiftingClosesTheRest() {
    Faults faults = new Faults(1);
    faults.blackHole(true);
    List<Integer> closed = new ArrayList<>();
    AtomicInteger n = new AtomicInteger();
    for (int i = 0; i < Faults.MAX_HELD + 2; i++) {
      int id = n.getAndIncrement();
      assertThat(faults.holdIfBlackHole(() -> closed.add(id))).isTrue();
    }
    assertThat(closed).containsExactly(0, 1);
    assertThat(faults.heldRequests()).isEqualTo(Faults.MAX_HELD);
    faults.blackHole(false);
    assertThat(closed).hasSize(Faults.MAX_HELD + 2);
    assertThat(faults.heldRequests()).isZero();
    assertThat(faults.holdIfBlackHole(() -> closed.add(-1))).isFalse();
  }

  @SuppressWarnings("unchecked")
  private java.util.Map<String, Object> configOf(int vmid) {
    return (java.util.Map<String, Object>) sim.guest(vmid).orElseThrow().get("config");
  }
}
