package io.cloudpods.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudpods.api.v1alpha1.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLineLogTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void format_hasTheOriginalLogFieldsPlusReasonKindName() throws Exception {
    Event e =
        new Event(
            0,
            null,
            "info",
            "Cloning",
            "full clone of \"template\" 9000",
            "CloudPod",
            "tenant-123",
            "web-1",
            9101,
            "web-1",
            "10.1.10.91",
            null);

    JsonNode line =
        JSON.readTree(
            JsonLineLog.format(e, OffsetDateTime.of(2026, 5, 1, 10, 0, 0, 123, ZoneOffset.UTC)));

    assertThat(line.path("ts").asText()).isEqualTo("2026-05-01T10:00:00Z");
    assertThat(line.path("level").asText()).isEqualTo("info");
    assertThat(line.path("message").asText()).isEqualTo("full clone of \"template\" 9000");
    assertThat(line.path("vmid").asInt()).isEqualTo(9101);
    assertThat(line.path("hostname").asText()).isEqualTo("web-1");
    assertThat(line.path("ip").asText()).isEqualTo("10.1.10.91");
    assertThat(line.path("tenant").asText()).isEqualTo("tenant-123");
    assertThat(line.path("reason").asText()).isEqualTo("Cloning");
    assertThat(line.path("kind").asText()).isEqualTo("CloudPod");
  }

  @Test
  void format_aRepeatedEventCarriesItsCountAndEveryLineItsActor() throws Exception {
    Event single = Event.info("Created", "CloudPod t/web created", "CloudPod", "t", "web");
    Event stored =
        new Event(
            7,
            null,
            "warn",
            "TaskFailed",
            "vzcreate: storage full",
            "CloudPod",
            "t",
            "web",
            null,
            null,
            null,
            null,
            12,
            null,
            null,
            "controller");

    JsonNode first =
        JSON.readTree(JsonLineLog.format(single.by("ops"), OffsetDateTime.now(ZoneOffset.UTC)));
    JsonNode repeat = JSON.readTree(JsonLineLog.format(stored, OffsetDateTime.now(ZoneOffset.UTC)));

    assertThat(first.has("count")).as("count only when > 1").isFalse();
    assertThat(first.path("actor").asText()).isEqualTo("ops");
    assertThat(repeat.path("count").asInt()).isEqualTo(12);
    assertThat(repeat.path("actor").asText()).isEqualTo("controller");
  }

  @Test
  void format_withContext_addsCoresMemoryUidGenerationUpidRegionAfterTheSeedFields()
      throws Exception {
    Event e =
        Event.of("info", "TaskSucceeded", "vzclone finished", "CloudPod", "tenant-123", "web-1")
            .about(9101, "web-1", "10.1.10.91")
            .by("controller");
    String upid = "UPID:pve:0000AB12:00C0FFEE:6630A1B2:vzclone:9000:cloudpods@pve!controller:";
    EventContext c =
        new EventContext("0b6b3f55-1c1c-4c7a-9d1e-3f8a2c7d9e01", 3L, upid, "default", 2, 2048);

    String text =
        JsonLineLog.format(e, c, OffsetDateTime.of(2026, 5, 1, 10, 0, 0, 0, ZoneOffset.UTC));
    JsonNode line = JSON.readTree(text);

    List<String> fields = new ArrayList<>();
    line.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .as("the seed's fields first, in the seed's order")
        .containsExactly(
            "ts",
            "level",
            "message",
            "vmid",
            "hostname",
            "ip",
            "tenant",
            "cores",
            "memory_mb",
            "reason",
            "kind",
            "name",
            "uid",
            "generation",
            "upid",
            "region",
            "actor");
    assertThat(line.path("ts").asText()).isEqualTo("2026-05-01T10:00:00Z");
    assertThat(line.path("cores").asInt()).isEqualTo(2);
    assertThat(line.path("memory_mb").asInt()).isEqualTo(2048);
    assertThat(line.path("uid").asText()).isEqualTo("0b6b3f55-1c1c-4c7a-9d1e-3f8a2c7d9e01");
    assertThat(line.path("generation").asLong()).isEqualTo(3);
    assertThat(line.path("upid").asText()).isEqualTo(upid);
    assertThat(line.path("region").asText()).isEqualTo("default");
  }

  @Test
  void format_withoutContext_takesTheUpidFromExtraAndTheDefaultRegion() throws Exception {
    String upid = "UPID:pve:0000AB12:00C0FFEE:6630A1B2:vzstart:9101:cloudpods@pve!controller:";
    Event e =
        Event.info("TaskSucceeded", "vzstart finished", "CloudPod", "t", "web")
            .withExtra(Map.of("upid", upid, "attempt", 2));

    JsonNode line = JSON.readTree(JsonLineLog.format(e, OffsetDateTime.now(ZoneOffset.UTC)));

    assertThat(line.path("upid").asText()).isEqualTo(upid);
    assertThat(line.path("region").asText()).isEqualTo("default");
    assertThat(line.has("attempt")).as("other extra details stay in the database").isFalse();
    assertThat(line.has("uid")).isFalse();
  }

  @Test
  void append_timesTheLineAtTheEventsLatestOccurrence(@TempDir Path dir) throws Exception {
    JsonLineLog log = new JsonLineLog(dir.resolve("events.log"));
    Instant seen = Instant.parse("2026-05-01T10:00:07.250Z");
    Event stored =
        new Event(
            3,
            Instant.parse("2026-05-01T09:58:00Z"),
            "warn",
            "ProxmoxUnreachable",
            "refused",
            "CloudPod",
            "t",
            "web",
            null,
            null,
            null,
            null,
            4,
            Instant.parse("2026-05-01T09:58:00Z"),
            seen,
            "controller");

    log.append(stored, EventContext.NONE);

    JsonNode line = JSON.readTree(Files.readAllLines(dir.resolve("events.log")).get(0));
    assertThat(line.path("ts").asText()).isEqualTo("2026-05-01T10:00:07Z");
    assertThat(line.path("count").asInt()).isEqualTo(4);
  }

  @Test
  void format_absentFieldsAreLeftOut() throws Exception {
    JsonNode line =
        JSON.readTree(
            JsonLineLog.format(
                Event.info("Scaled", "replicas 3", "PodSet", "t", "web"),
                OffsetDateTime.now(ZoneOffset.UTC)));

    assertThat(line.has("vmid")).isFalse();
    assertThat(line.has("ip")).isFalse();
  }

  @Test
  void append_concurrentWriters_produceOneWholeJsonObjectPerLine(@TempDir Path dir)
      throws Exception {
    JsonLineLog log = new JsonLineLog(dir.resolve("sub/events.log"));
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < 200; i++) {
                  log.append(
                      Event.info(
                          "R" + id,
                          "message " + i + " with, commas and \n newline",
                          "CloudPod",
                          "t",
                          "p" + id));
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }

    List<String> lines = Files.readAllLines(dir.resolve("sub/events.log"));
    assertThat(lines).hasSize(800);
    for (String l : lines) {
      assertThat(JSON.readTree(l).path("message").asText()).startsWith("message ");
    }
  }
}
