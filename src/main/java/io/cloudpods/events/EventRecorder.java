package io.cloudpods.events;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.store.EventStore;
import io.cloudpods.store.EventStored;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records every action and failure of the controller in the {@code events} table (queryable via
 * {@code GET /api/v1/events}); the store's {@link EventStored} puts it in the JSON event log file
 * too ({@link EventLog}) once stored. Events without an actor are the controller's ({@link
 * Event#CONTROLLER}). A repeat of a recent identical event is counted on its series in the table,
 * and still written to the file as a line of its own (with its {@code count}).
 */
@ApplicationScoped
public class EventRecorder implements EventSink {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private final EventStore store;
  private final EventLog file;

  public EventRecorder(EventStore store, EventLog file) {
    this.store = store;
    this.file = file;
  }

  @Override
  public void recordIntent(Event e) {
    store.store(byController(e));
  }

  @Override
  public void record(Event e) {
    Event stored = byController(e);
    try {
      store.store(stored);
    } catch (RuntimeException ex) {
      LOG.warnf(
          "could not store event %s for %s/%s: %s",
          e.reason(), e.tenant(), e.name(), ex.getMessage());
      // not in the table: the file is the only trace left
      file.writeUnstored(stored);
    }
  }

  private static Event byController(Event e) {
    return e.actor() == null ? e.by(Event.CONTROLLER) : e;
  }
}
