package io.cloudpods.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GaugeRowsTest {

  private static final Tags A = Tags.of("tenant", "a");
  private static final Tags B = Tags.of("tenant", "b");

  @Test
  void aRowThatStays_keepsItsGauge_andOnlyItsValueChanges() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger removed = new AtomicInteger();
    registry.config().onMeterRemoved(m -> removed.incrementAndGet());
    GaugeRows rows = new GaugeRows(registry, "x_ready", "help");

    rows.update(Map.of(A, 1, B, 2));
    Gauge first = registry.get("x_ready").tags(A).gauge();
    rows.update(Map.of(A, 5, B, 2));

    assertThat(registry.get("x_ready").tags(A).gauge()).isSameAs(first);
    assertThat(first.value()).isEqualTo(5.0);
    assertThat(removed).hasValue(0);
  }

  @Test
  void aRowThatIsGone_isRemoved_andOneThatComesBackIsASeriesAgain() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GaugeRows rows = new GaugeRows(registry, "x_ready", "help");

    rows.update(Map.of(A, 1, B, 2));
    rows.update(Map.of(B, 3));
    assertThat(registry.find("x_ready").tags(A).gauge()).isNull();
    assertThat(rows.tags()).containsExactly(B);

    rows.update(Map.of(A, 7));
    assertThat(registry.get("x_ready").tags(A).gauge().value()).isEqualTo(7.0);
    assertThat(registry.find("x_ready").tags(B).gauge()).isNull();
  }

  @Test
  void aNullValue_hasNoSeries() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GaugeRows rows = new GaugeRows(registry, "x_ready", "help");
    Map<Tags, Number> values = new HashMap<>();
    values.put(A, 1);
    rows.update(values);
    values.put(A, null);

    rows.update(values);

    assertThat(registry.find("x_ready").gauges()).isEmpty();
  }

  /**
   * Micrometer's {@code MultiGauge.register(rows, true)} removes and re-registers every row; with
   * one row, about nine scrapes in ten taken during a loop of updates missed the series.
   */
  @Test
  void aScrapeDuringUpdates_alwaysSeesEveryRowThatStays() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GaugeRows rows = new GaugeRows(registry, "x_ready", "help");
    rows.update(Map.of(A, 1));
    AtomicBoolean stop = new AtomicBoolean();
    Thread updates =
        new Thread(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                rows.update(i % 2 == 0 ? Map.of(A, i) : Map.of(A, i, B, i));
              }
            });
    updates.start();
    int missing = 0;
    try {
      for (int i = 0; i < 5_000; i++) {
        if (!registry.scrape().contains("x_ready{tenant=\"a\",}")) {
          missing++;
        }
      }
    } finally {
      stop.set(true);
      updates.join();
    }

    assertThat(missing).isZero();
  }
}
