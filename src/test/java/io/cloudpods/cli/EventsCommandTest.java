package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import okhttp3.mockwebserver.MockResponse;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventsCommandTest {
  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  static String event(long id, String reason, String name, String message) {
    return "{\"id\":"
        + id
        + ",\"ts\":\""
        + Fixtures.ago(90)
        + "\",\"level\":\"info\",\"reason\":\""
        + reason
        + "\",\"message\":\""
        + message
        + "\",\"kind\":\"CloudPod\",\"tenant\":\"t\",\"name\":\""
        + name
        + "\",\"vmid\":9101}";
  }

  /** An event series: {@code count} occurrences, the latest {@code lastAgo} seconds ago. */
  static String series(long id, String name, String message, int count, long lastAgo) {
    return "{\"id\":"
        + id
        + ",\"ts\":\""
        + Fixtures.ago(3600)
        + "\",\"level\":\"warn\",\"reason\":\"ProxmoxUnreachable\",\"message\":\""
        + message
        + "\",\"kind\":\"CloudPod\",\"tenant\":\"t\",\"name\":\""
        + name
        + "\",\"count\":"
        + count
        + ",\"firstSeen\":\""
        + Fixtures.ago(3600)
        + "\",\"lastSeen\":\""
        + Fixtures.ago(lastAgo)
        + "\",\"actor\":\"controller\"}";
  }

  @Test
  void events_repeatedEvent_showsItsCountAndLastOccurrence() throws Exception {
    cli.enqueue(
        "["
            + event(1, "Created", "web-1", "container created")
            + ","
            + series(5, "web-1", "connection refused", 12, 180)
            + "]");

    assertThat(cli.run("events", "-n", "t")).isZero();

    List<String> lines = cli.out.lines().toList();
    assertThat(lines.get(1)).endsWith("container created");
    assertThat(lines.get(2))
        .matches(
            "1h\\s+t\\s+warn\\s+ProxmoxUnreachable\\s+cloudpod/web-1\\s+"
                + "connection refused \\(x12, last 3m ago\\)");
  }

  @Test
  void events_wide_addsTheActorColumn() throws Exception {
    cli.enqueue(
        "["
            + event(1, "Created", "web-1", "container created")
            + ","
            + series(2, "web-1", "connection refused", 2, 60)
            + "]");

    assertThat(cli.run("events", "-n", "t", "-o", "wide")).isZero();

    List<String> lines = cli.out.lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("AGE", "TENANT", "LEVEL", "REASON", "OBJECT", "ACTOR", "MESSAGE");
    assertThat(lines.get(1)).matches(".*cloudpod/web-1\\s+<unknown>\\s+container created");
    assertThat(lines.get(2))
        .matches(".*cloudpod/web-1\\s+controller\\s+connection refused \\(x2, last 1m ago\\)");
  }

  @Test
  void events_unknownOutput_namesTheFormats() {
    assertThat(cli.run("events", "-o", "yaml")).isEqualTo(2);
    assertThat(cli.err).contains("one of: json, wide");
  }

  @Test
  void events_list_printsATableOldestFirst() throws Exception {
    cli.enqueue(
        "["
            + event(1, "Created", "web-1", "container created")
            + ","
            + event(2, "Started", "web-1", "container started")
            + "]");

    assertThat(cli.run("events", "-n", "t")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/events?limit=100&tenant=t");
    List<String> lines = cli.out.lines().toList();
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("AGE", "TENANT", "LEVEL", "REASON", "OBJECT", "MESSAGE");
    assertThat(lines.get(1))
        .matches("1m\\s+t\\s+info\\s+Created\\s+cloudpod/web-1\\s+container created");
    assertThat(lines.get(2)).contains("Started", "container started");
  }

  @Test
  void events_watch_printsEachStreamedEvent_fromWhereTheListEnded() throws Exception {
    cli.enqueue("[" + event(7, "Created", "web-1", "container created") + "]");
    cli.server.enqueue(
        new MockResponse()
            .setHeader("Content-Type", "text/event-stream")
            .setBody(
                ": watching events\n\n"
                    + "id: 8\nevent: event\ndata: "
                    + event(8, "Started", "web-1", "container started")
                    + "\n\n"
                    + "id: 9\nevent: event\ndata: "
                    + event(9, "Drift", "web-2", "cores changed by hand")
                    + "\n\n"));

    int code = cli.run("events", "--watch", "--tenant=t");

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/events?limit=100&tenant=t");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/events?watch=true&tenant=t&since=7");
    List<String> lines = cli.out.lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1)).contains("Created", "cloudpod/web-1");
    assertThat(lines.get(2)).contains("Started", "cloudpod/web-1", "container started");
    assertThat(lines.get(3)).contains("Drift", "cloudpod/web-2", "cores changed by hand");
    // the server never ends a watch on its own: an ended stream is reported
    assertThat(code).isEqualTo(1);
    assertThat(cli.err)
        .isEqualTo(
            "error: the event stream from " + cli.baseUrl() + " ended (the server closed it)\n");
  }

  @Test
  void events_watchJson_printsOneCompactObjectPerLine() throws Exception {
    cli.enqueue("[]");
    cli.server.enqueue(
        new MockResponse().setBody("data: " + event(3, "Created", "a", "m") + "\n\n"));

    cli.run("events", "-w", "-o", "json");

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/events?limit=100");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/events?watch=true");
    assertThat(cli.out.lines().toList()).hasSize(1).allMatch(l -> l.startsWith("{\"id\":3,"));
  }

  @Test
  void readStream_joinsDataLinesAndSkipsCommentsAndOtherFields() throws Exception {
    Buffer b =
        new Buffer()
            .writeUtf8(
                ": hello\n\nid: 1\nevent: event\ndata: {\"a\":\ndata: 1}\nretry: 10\n\ndata:x\n\n\n");
    List<String> got = new ArrayList<>();

    Events.readStream(b, got::add);

    assertThat(got).containsExactly("{\"a\":\n1}", "x");
  }
}
