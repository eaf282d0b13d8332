package io.cloudpods.events;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.store.EventStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records every action and failure of the controller: in the {@code events} table (queryable via
 * {@code GET /api/v1/events}) and, when configured, as a JSON line in the event log file. Events
 * without an actor are the controller's ({@link Event#CONTROLLER}). A repeat of a recent identical
 * event is counted on its series in the table, and still written to the file as a line of its own
 * (with its {@code count}).
 */
@ApplicationScoped
public class EventRecorder implements EventSink {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private final EventStore store;
  private final JsonLineLog file;

  public EventRecorder(EventStore store, EventsConfig config) {
    this.store = store;
    this.file = config.logFile().map(JsonLineLog::new).orElse(null);
  }

  @Override
  public void recordIntent(Event e) {
    Event stored = store.store(byController(e));
    if (file != null) {
      try {
        file.append(stored);
      } catch (RuntimeException ex) {
        LOG.warnf("could not write the event log: %s", ex.getMessage());
      }
    }
  }

  @Override
  public void record(Event e) {
    Event stored = byController(e);
    try {
      stored = store.store(stored);
    } catch (RuntimeException ex) {
      LOG.warnf(
          "could not store event %s for %s/%s: %s",
          e.reason(), e.tenant(), e.name(), ex.getMessage());
    }
    if (file != null) {
      try {
        file.append(stored);
      } catch (RuntimeException ex) {
        LOG.warnf("could not write the event log: %s", ex.getMessage());
      }
    }
  }

  private static Event byController(Event e) {
    return e.actor() == null ? e.by(Event.CONTROLLER) : e;
  }
}
