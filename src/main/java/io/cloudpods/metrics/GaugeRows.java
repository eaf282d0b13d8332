package io.cloudpods.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One metric name with a series per tag set, whose rows are replaced as a whole from time to time.
 *
 * <p>A row that stays keeps its gauge and only its value changes; a row that is gone is removed and
 * a new one is registered. Micrometer's {@code MultiGauge} with {@code overwrite} removes and
 * registers every row on every update instead, and a scrape in between misses the series:
 * Prometheus then marks it stale and a dashboard shows no data until the next scrape.
 */
final class GaugeRows {

  private record Row(AtomicLong value, Gauge gauge) {}

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final Map<Tags, Row> rows = new HashMap<>();

  GaugeRows(MeterRegistry registry, String name, String description) {
    this.registry = registry;
    this.name = name;
    this.description = description;
  }

  /** The series are exactly {@code values} from now on (a null value: no series). */
  synchronized void update(Map<Tags, ? extends Number> values) {
    for (Iterator<Map.Entry<Tags, Row>> it = rows.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Tags, Row> e = it.next();
      if (values.get(e.getKey()) == null) {
        registry.remove(e.getValue().gauge());
        it.remove();
      }
    }
    values.forEach(
        (tags, v) -> {
          if (v != null) {
            rows.computeIfAbsent(tags, this::register).value().set(v.longValue());
          }
        });
  }

  /** The tag sets that have a series now. */
  synchronized java.util.Set<Tags> tags() {
    return java.util.Set.copyOf(rows.keySet());
  }

  private Row register(Tags tags) {
    AtomicLong value = new AtomicLong();
    Gauge gauge =
        Gauge.builder(name, value, AtomicLong::get)
            .description(description)
            .tags(tags)
            .strongReference(true)
            .register(registry);
    return new Row(value, gauge);
  }
}
