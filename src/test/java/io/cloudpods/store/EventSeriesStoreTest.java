package io.cloudpods.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.events.EventRecorder;
import io.cloudpods.events.EventRetention;
import io.cloudpods.events.EventsConfig;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The events table as the store writes it: event series (one row per series, counted, with a new id
 * per occurrence, safe under concurrent writers) and retention. A database of its own, since the
 * retention tests delete events that other test classes would look for.
 */
@QuarkusTest
@WithTestResource(IsolatedDatabaseResource.class)
class EventSeriesStoreTest {

  @Inject EventStore events;
  @Inject EntityManager em;

  private static Event failure(String tenant, String name, String message) {
    return Event.of(Event.WARN, "ProxmoxUnreachable", message, "CloudPod", tenant, name)
        .about(9101, name, "10.1.10.91")
        .by(Event.CONTROLLER);
  }

  private List<Event> of(String tenant) {
    return events.query(0, 1000, tenant);
  }

  private void sql(String statement, Object... params) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              var q = em.createNativeQuery(statement);
              for (int i = 0; i < params.length; i++) {
                q.setParameter(i + 1, params[i]);
              }
              q.executeUpdate();
            });
  }

  @Test
  void repeatedFailureCollapsesIntoOneEventWithCount() {
    String t = TestApi.unique("t");
    long first = events.append(failure(t, "web", "GET /nodes: connection refused"));
    long second = events.append(failure(t, "web", "GET /nodes: connection refused"));
    long third = events.append(failure(t, "web", "GET /nodes: connection refused"));

    List<Event> stored = of(t);
    assertThat(stored).hasSize(1);
    Event e = stored.get(0);
    assertThat(e.count()).isEqualTo(3);
    assertThat(e.id()).as("each occurrence renews the id").isEqualTo(third);
    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
    assertThat(e.firstSeen()).isEqualTo(e.ts());
    assertThat(e.lastSeen()).isAfterOrEqualTo(e.firstSeen());
    assertThat(e.actor()).isEqualTo(Event.CONTROLLER);
    assertThat(events.query(second, 10, t))
        .as("a reader that had seen the second occurrence sees the series again")
        .extracting(Event::count)
        .containsExactly(3);
  }

  @Test
  void aSingleEventHasCountOne() {
    String t = TestApi.unique("t");
    events.append(failure(t, "web", "once"));

    assertThat(of(t)).singleElement().satisfies(e -> assertThat(e.count()).isEqualTo(1));
  }

  @Test
  void eventsThatDifferInMessageObjectVmidOrActorAreSeparateSeries() {
    String t = TestApi.unique("t");
    events.append(failure(t, "web", "refused"));
    events.append(failure(t, "web", "timed out"));
    events.append(failure(t, "db", "refused"));
    events.append(failure(t, "web", "refused").about(9102, "web", null));
    events.append(failure(t, "web", "refused").by("ops-token"));
    events.append(failure(t, "web", "refused"));

    assertThat(of(t)).extracting(Event::count).containsExactlyInAnyOrder(2, 1, 1, 1, 1);
  }

  @Test
  void anOccurrenceAfterTheSeriesWindowStartsANewEvent() {
    String t = TestApi.unique("t");
    long old = events.append(failure(t, "web", "refused"));
    events.append(failure(t, "web", "refused"));
    sql("UPDATE events SET last_seen = now() - interval '11 minutes' WHERE id = ?1", old + 1);

    events.append(failure(t, "web", "refused"));
    events.append(failure(t, "web", "refused"));

    assertThat(of(t)).extracting(Event::count).containsExactly(2, 2);
  }

  @Test
  void concurrentIdenticalEventsEndAsOneSeries() throws Exception {
    String t = TestApi.unique("t");
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Long>> done = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  return events.append(failure(t, "web", "clone failed: storage busy"));
                }));
      }
      start.countDown();
      for (Future<Long> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(of(t)).singleElement().satisfies(e -> assertThat(e.count()).isEqualTo(writers));
  }

  @Test
  void aSecondWriterWaitsForTheFirstAndCountsOnItsRow() throws Exception {
    String t = TestApi.unique("t");
    CountDownLatch firstWrote = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> a =
          pool.submit(
              () ->
                  QuarkusTransaction.requiringNew()
                      .run(
                          () -> {
                            events.append(failure(t, "web", "locked"));
                            firstWrote.countDown();
                            await(release);
                          }));
      firstWrote.await(10, TimeUnit.SECONDS);
      Future<?> b = pool.submit(() -> events.append(failure(t, "web", "locked")));
      Thread.sleep(300); // b is now waiting on a's uncommitted row
      release.countDown();
      a.get(10, TimeUnit.SECONDS);
      b.get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertThat(of(t)).singleElement().satisfies(e -> assertThat(e.count()).isEqualTo(2));
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void anEventOfARolledBackTransactionLeavesItsSeriesAsItWas() {
    String t = TestApi.unique("t");
    events.append(failure(t, "web", "refused"));
    assertThatThrownBy(
            () ->
                QuarkusTransaction.requiringNew()
                    .run(
                        () -> {
                          events.append(failure(t, "web", "refused"));
                          throw new IllegalStateException("the write is refused");
                        }))
        .hasMessageContaining("refused");

    assertThat(of(t)).singleElement().satisfies(e -> assertThat(e.count()).isEqualTo(1));
  }

  @Test
  void theSeriesLookupIsTheUniqueIndexOfOpenSeries() {
    List<?> plan =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  List<?> rows =
                      em.createNativeQuery(
                              "EXPLAIN INSERT INTO events (level, reason, message, series_key, series_open)"
                                  + " VALUES ('warn', 'R', 'm', 42, true) ON CONFLICT (series_key) WHERE series_open"
                                  + " DO UPDATE SET count = events.count + 1")
                          .getResultList();
                  return rows; // EXPLAIN without ANALYZE: nothing is inserted
                });

    assertThat(plan.toString()).contains("Conflict Arbiter Indexes: events_open_series");
  }

  // ---- retention

  record Series(Duration window) implements EventsConfig.Series {}

  record Retention(Duration maxAge, long maxCount, String pruneInterval, int batchSize)
      implements EventsConfig.Retention {}

  record Config(Optional<Path> logFile, Series series, Retention retention)
      implements EventsConfig {}

  private EventRetention retention(Duration maxAge, long maxCount, int batch) {
    return new EventRetention(
        events,
        new Config(
            Optional.empty(),
            new Series(Duration.ofMinutes(10)),
            new Retention(maxAge, maxCount, "off", batch)));
  }

  @Test
  void retentionDropsEventsOlderThanMaxAge_keepingASeriesThatOccurredRecently() {
    String t = TestApi.unique("t");
    long old = events.append(failure(t, "old", "refused"));
    long longRunning = events.append(failure(t, "series", "refused"));
    long recent = events.append(failure(t, "recent", "refused"));
    sql(
        "UPDATE events SET ts = now() - interval '8 days', last_seen = now() - interval '8 days'"
            + " WHERE id = ?1",
        old);
    sql(
        "UPDATE events SET ts = now() - interval '8 days', last_seen = now() - interval '9 days'"
            + " WHERE id = ?1",
        longRunning);
    // the long-running series occurs again: its last occurrence is now, its first 8 days ago
    sql("UPDATE events SET last_seen = now() - interval '1 minute' WHERE id = ?1", longRunning);
    events.append(failure(t, "series", "refused"));

    retention(Duration.ofDays(7), 1_000_000, 1).prune();

    assertThat(of(t)).extracting(Event::name).containsExactlyInAnyOrder("series", "recent");
    assertThat(of(t))
        .filteredOn(e -> e.name().equals("series"))
        .singleElement()
        .satisfies(e -> assertThat(e.firstSeen()).isBefore(e.lastSeen().minus(Duration.ofDays(7))));
    assertThat(recent).isPositive();
  }

  @Test
  void retentionKeepsOnlyTheNewestMaxCount_inBatches() {
    String t = TestApi.unique("t");
    for (int i = 0; i < 7; i++) {
      events.append(failure(t, "pod-" + i, "refused"));
    }
    events.append(failure(t, "pod-0", "refused")); // pod-0's series is now among the newest

    long deleted = retention(Duration.ofDays(7), 3, 2).prune();

    assertThat(deleted).isGreaterThanOrEqualTo(4);
    assertThat(events.query(-1, 1000, null)).hasSize(3);
    assertThat(of(t)).extracting(Event::name).containsExactly("pod-5", "pod-6", "pod-0");
  }

  @Test
  void retentionWithNothingToDeleteDeletesNothing() {
    String t = TestApi.unique("t");
    events.append(failure(t, "web", "refused"));

    retention(Duration.ofDays(7), 1_000_000, 10).prune();

    assertThat(of(t)).hasSize(1);
  }

  @Test
  void controllerEventsNameTheController() {
    String t = TestApi.unique("t");
    EventRecorder recorder = new EventRecorder(events, null);
    Event e = Event.of(Event.WARN, "TaskFailed", "vzcreate: storage full", "CloudPod", t, "web");

    recorder.record(e);
    recorder.recordIntent(e);

    assertThat(of(t))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.actor()).isEqualTo(Event.CONTROLLER);
              assertThat(s.count()).isEqualTo(2);
            });
  }

  @Test
  void storedEventsCarryTheirExtraAndContainerFieldsOfTheLatestOccurrence() {
    String t = TestApi.unique("t");
    events.append(failure(t, "web", "refused").withExtra(Map.of("attempt", 1)));
    events.append(failure(t, "web", "refused").withExtra(Map.of("attempt", 2)));

    assertThat(of(t))
        .singleElement()
        .satisfies(e -> assertThat(e.extra()).containsEntry("attempt", 2));
  }
}
