package io.cloudpods.apiserver;

import static io.cloudpods.testsupport.TestApi.ADMIN;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
