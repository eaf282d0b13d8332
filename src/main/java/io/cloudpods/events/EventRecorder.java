package io.cloudpods.events;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.store.EventStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records every action and failure of the controller: in the {@code events} table (queryable via
 * {@code GET /api/v1/events}) and, when configured, as a JSON line in the event log file.
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
    store.append(e);
    if (file != null) {
      try {
        file.append(e);
      } catch (RuntimeException ex) {
        LOG.warnf("could not write the event log: %s", ex.getMessage());
      }
    }
  }

  @Override
  public void record(Event e) {
    try {
      store.append(e);
    } catch (RuntimeException ex) {
      LOG.warnf(
          "could not store event %s for %s/%s: %s",
          e.reason(), e.tenant(), e.name(), ex.getMessage());
    }
    if (file != null) {
      try {
        file.append(e);
      } catch (RuntimeException ex) {
        LOG.warnf("could not write the event log: %s", ex.getMessage());
      }
    }
  }
}
