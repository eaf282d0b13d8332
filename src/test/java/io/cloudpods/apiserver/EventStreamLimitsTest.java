package io.cloudpods.apiserver;

import static io.cloudpods.apiserver.TokenApiTest.create;
import static io.cloudpods.apiserver.TokenApiTest.sql;
import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.auth.AuthConfig;
import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The event stream's limits, with real SSE clients: streams per token, one shared poller, slow
 * readers dropped, revoked tokens' streams closed.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class EventStreamLimitsTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Inject ApiConfig config;
  @Inject AuthConfig authConfig;
  @Inject EventFanout fanout;

  private final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<InputStream> open(String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/events?watch=true"))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Reads the stream until it ends; completes with everything read. */
  static CompletableFuture<String> readToEnd(HttpResponse<InputStream> r) {
    return CompletableFuture.supplyAsync(
        () -> {
          StringBuilder all = new StringBuilder();
          try (BufferedReader reader =
              new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
              all.append(line).append('\n');
            }
          } catch (Exception e) {
            all.append("!").append(e);
          }
          return all.toString();
        });
  }

  @Test
  void streamsPerToken_areCapped_with429NamingTheLimit() throws Exception {
    String token = create("name", unique("cap"), "role", "readonly");
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    try {
      for (int i = 0; i < config.maxStreamsPerToken(); i++) {
        HttpResponse<InputStream> r = open(token);
        assertThat(r.statusCode()).isEqualTo(200);
        open.add(r);
      }
      HttpResponse<InputStream> over = open(token);
      String body = new String(over.body().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(over.statusCode()).isEqualTo(429);
      assertThat(body)
          .contains("\"reason\":\"TooManyRequests\"")
          .contains("cloudpods.api.max-streams-per-token")
          .contains(Integer.toString(config.maxStreamsPerToken()));
      // another token is not affected
      HttpResponse<InputStream> other = open(create("name", unique("cap"), "role", "readonly"));
      assertThat(other.statusCode()).isEqualTo(200);
      other.body().close();
    } finally {
      for (HttpResponse<InputStream> r : open) {
        r.body().close();
      }
    }
  }

  @Test
  void oneSharedPoller_servesEveryStream() throws Exception {
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(open(create("name", unique("poll"), "role", "readonly")));
      }
      await().until(() -> fanout.open() >= 3);
      long before = fanout.polls();
      Thread.sleep(1000);
      long perSecond = fanout.polls() - before;
      long ticksPerSecond = 1000 / config.watchPollInterval().toMillis();
      // one query per tick for all streams (a poller per stream would make three)
      assertThat(perSecond).isLessThanOrEqualTo(ticksPerSecond + 2);
    } finally {
      for (HttpResponse<InputStream> r : open) {
        r.body().close();
      }
    }
  }

  @Test
  void revokingAToken_closesItsOpenStreamAtOnce() throws Exception {
    String name = unique("rev");
    String token = create("name", name, "role", "readonly");
    HttpResponse<InputStream> r = open(token);
    assertThat(r.statusCode()).isEqualTo(200);
    CompletableFuture<String> all = readToEnd(r);

    admin().delete("/api/v1/tokens/" + name).then().statusCode(200);

    String text = all.get(5, TimeUnit.SECONDS);
    assertThat(text).contains("event: closed").contains("TokenRevoked");
  }

  @Test
  void aTokenRemovedBySql_losesItsStreamWithinTheCacheTtl() throws Exception {
    String name = unique("revsql");
    String token = create("name", name, "role", "readonly");
    HttpResponse<InputStream> r = open(token);
    CompletableFuture<String> all = readToEnd(r);
    await().until(() -> fanout.open() >= 1);

    sql("DELETE FROM api_token WHERE name = ?", name);

    String text =
        all.get(
            authConfig.cacheTtl().plus(config.watchPollInterval()).toMillis() + 2000,
            TimeUnit.MILLISECONDS);
    assertThat(text).contains("TokenRevoked");
  }

  @Test
  void aReaderThatDoesNotRead_isDropped_notBufferedWithoutLimit() throws Exception {
    String token = create("name", unique("slow"), "role", "readonly");
    String tenant = unique("flood");
    long droppedBefore = fanout.droppedSlowReaders();
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /api/v1/events?watch=true&tenant="
                  + tenant
                  + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + token
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().until(() -> fanout.subscribers().stream().anyMatch(x -> tenant.equals(x.tenant)));
      // about 12 MB of events for this stream, more than the socket buffers and the stream's own
      sql(
          "INSERT INTO events (reason, message, kind, tenant, name)"
              + " SELECT 'Flood', repeat('x', 400), 'CloudPod', ?, 'p-' || g FROM generate_series(1, 30000) g",
          tenant);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> fanout.droppedSlowReaders() > droppedBefore);
      assertThat(fanout.subscribers()).noneMatch(x -> tenant.equals(x.tenant));
    }
  }
}
