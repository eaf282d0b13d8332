package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.ADMIN;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.store.EventStore;
import io.cloudpods.testsupport.PostgresResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/events?watch=true} streams new events as Server-Sent Events. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class EventStreamTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Test
  void watch_streamsEventsOfWritesMadeAfterConnecting() throws Exception {
    String[] tp = tenantWithPool(null);
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:" + port + "/api/v1/events?watch=true&tenant=" + tp[0]))
            .header("Authorization", "Bearer " + ADMIN)
            .timeout(Duration.ofSeconds(20))
            .build();
    HttpResponse<InputStream> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      CompletableFuture<String> firstData =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  String line;
                  while ((line = reader.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                      return line.substring(6);
                    }
                  }
                  return null;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      applyAsAdmin(pod(tp[0], "watched", Map.of("ipPool", tp[1])));
      String data = firstData.get(15, TimeUnit.SECONDS);
      assertThat(data).contains("\"name\":\"watched\"").contains("\"reason\":\"Created\"");
    }
  }

  @Inject EventStore events;

  @Test
  void watch_sendsARepeatedEventAgain_withItsCount() throws Exception {
    String tenant = TestApi.unique("t");
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:" + port + "/api/v1/events?watch=true&tenant=" + tenant))
            .header("Authorization", "Bearer " + ADMIN)
            .timeout(Duration.ofSeconds(20))
            .build();
    HttpResponse<InputStream> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      CompletableFuture<List<String>> twoData =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> data = new ArrayList<>();
                try {
                  String line;
                  while (data.size() < 2 && (line = reader.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                      data.add(line.substring(6));
                    }
                  }
                  return data;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Event e = Event.of(Event.WARN, "ProxmoxUnreachable", "refused", "CloudPod", tenant, "web");
      events.append(e);
      Thread.sleep(500); // the stream sends the first occurrence before the second renews it
      events.append(e);
      List<String> data = twoData.get(15, TimeUnit.SECONDS);
      assertThat(data.get(0)).contains("\"count\":1");
      assertThat(data.get(1)).contains("\"count\":2").contains("\"lastSeen\"");
    }
  }

  @Test
  void watch_withoutToken_answers401() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/events?watch=true"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("\"code\":401");
  }
}
